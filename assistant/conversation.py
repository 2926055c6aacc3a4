"""Learned recognition of turns that are only conversation: hello, thanks, goodbye, "what can you do".

The wording patterns in data/intents.yaml come first (high precision); this classifier gives the recall for
the rest ("ey up", "cheers mate, sorted", "r u a real person"). A logistic regression over the MiniLM vector
that retrieval computes anyway, trained on data/conversation_training.yaml plus every example question in
the guidance (which are "other": real questions), seeded and cached under MODEL_CACHE_DIR by a digest of
its inputs. Its threshold is chosen on out-of-fold probabilities against a false-alarm budget on "other".
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np
import yaml

from core.cache_files import read_or_build
from core.classifier import fit_logistic, out_of_fold, threshold_for_false_alarms
from core.embeddings import embed_query
from core.settings import get_settings

DATA_DIR = Path(__file__).parent / "data"
OTHER = "other"
_lock = threading.Lock()


@dataclass(frozen=True)
class ConversationModel:
    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    threshold: float  # probability of any conversation kind at or above which the turn is conversation
    report: dict

    def save(self, out: BinaryIO) -> None:
        np.savez(out, classes=np.array(json.dumps(list(self.classes))), weights=self.weights, bias=self.bias,
                 threshold=np.array(self.threshold), report=np.array(json.dumps(self.report)))

    @classmethod
    def load(cls, path: Path) -> ConversationModel:
        with np.load(path, allow_pickle=False) as data:
            return cls(tuple(json.loads(str(data["classes"]))), data["weights"], data["bias"],
                       float(data["threshold"]), json.loads(str(data["report"])))

    def vector(self, text: str) -> np.ndarray:
        """The sentence vector the classifier reads (MiniLM: the one retrieval computes anyway)."""
        return np.asarray(embed_query(text), dtype=np.float32)

    def kind(self, text: str) -> str | None:
        logits = self.weights @ self.vector(text) + self.bias
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        other = self.classes.index(OTHER)
        if 1.0 - probs[other] < self.threshold:
            return None
        probs[other] = 0.0
        return self.classes[int(probs.argmax())]


def reads(text: str, english: bool) -> bool:
    """Whether the classifier may judge this message. It reads English sentence vectors, so in another language
    it takes questions for hellos; but a message of a few words ("hiya", "ey up", "thx x") is too short for the
    language detector to be sure of, and is read anyway."""
    return english or len(text.split()) <= _other_language_max_words()


def _other_language_max_words() -> int:
    return int(_intents()["conversation_other_language_max_words"])


@lru_cache(maxsize=1)
def _intents() -> dict:
    return yaml.safe_load((DATA_DIR / "intents.yaml").read_text(encoding="utf-8"))


def _settings() -> dict:
    return _intents()["conversation_classifier"]


def _lines() -> tuple[list[str], list[str]]:
    from knowledge_base.documents import bundled_documents

    data = yaml.safe_load((DATA_DIR / "conversation_training.yaml").read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for kind, lines in data.items():
        for line in lines:
            seen.setdefault(str(line).strip(), kind)
    for document in bundled_documents():
        for questions in document.questions.values():
            for question in questions:
                seen.setdefault(question.strip(), OTHER)
    texts = sorted(seen)
    return texts, [seen[t] for t in texts]


def fit_kinds(texts: list[str], labels: list[str], x: np.ndarray, settings: dict) -> tuple:
    """Classes, weights, bias, threshold and held-out report of a turn-kind classifier over vectors `x`: the
    threshold on "not other" is chosen on out-of-fold probabilities against settings["other_false_alarm"]."""
    classes = tuple(sorted(set(labels)))
    y = np.array([classes.index(label) for label in labels])
    held = out_of_fold(x, y, len(classes), settings)
    other = classes.index(OTHER)
    conversation = 1.0 - held[:, other]
    threshold = threshold_for_false_alarms(conversation[y == other], float(settings["other_false_alarm"]), 0.5)
    caught = conversation[y != other] >= threshold
    kinds = held.copy()
    kinds[:, other] = -1.0  # the right kind among the others, as kind() chooses it
    right_kind = kinds[y != other].argmax(axis=1) == y[y != other]
    weights, bias = fit_logistic(x, y, float(settings["c"]), int(settings["seed"]))
    report = {"lines": {c: int((y == i).sum()) for i, c in enumerate(classes)}, "threshold": round(threshold, 3),
              "held_out_conversation_recall": round(float(caught.mean()), 3),
              "held_out_right_kind": round(float((caught & right_kind).mean()), 3),
              "held_out_other_taken": round(float((conversation[y == other] >= threshold).mean()), 4)}
    return classes, weights, bias, threshold, report


def train() -> ConversationModel:
    from knowledge_base.text_vectors import vectors_of

    texts, labels = _lines()
    return ConversationModel(*fit_kinds(texts, labels, vectors_of(texts), _settings()))


def _digest() -> str:
    texts, labels = _lines()
    blob = json.dumps([texts, labels, _settings(), get_settings().embedding_model], sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


@lru_cache(maxsize=1)
def model() -> ConversationModel:
    with _lock:
        path = get_settings().model_cache_dir / f"conversation-{_digest()}.npz"
        return read_or_build(path, ConversationModel.load, train, ConversationModel.save, "conversation-*.npz")
