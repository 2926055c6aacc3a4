"""Hybrid text ranking of directory services: BM25 (bm25s) + packaged embeddings, fused by reciprocal rank."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import bm25s
import numpy as np

from knowledge_base.directory.models import DirectoryService
from core.embeddings import embed, embed_query
from core.thresholds import DIRECTORY

RRF_K = DIRECTORY["rrf_k"]
_lock = threading.Lock()
_cache: dict[str, "TextIndex"] = {}


def service_text(service: DirectoryService) -> str:
    venues = " ".join(f"{sal.location.name} {sal.location.city}" for sal in service.service_at_locations)
    terms = " ".join(t.get("name", "") for t in service.taxonomy_terms)
    return f"{service.name}. {terms}. {service.description} {venues}"


@dataclass
class TextIndex:
    ids: list[str]
    bm25: bm25s.BM25
    vectors: np.ndarray

    @classmethod
    def build(cls, services: list[DirectoryService]) -> TextIndex:
        texts = [service_text(s) for s in services]
        bm25 = bm25s.BM25()
        bm25.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
        return cls([s.id for s in services], bm25, embed(texts))

    def scores(self, query: str) -> dict[str, tuple[float, float, float]]:
        """id -> (fused RRF score, cosine similarity, BM25 score)."""
        bm25_scores = self._bm25(query)
        cosine = self.vectors @ np.asarray(embed_query(query), dtype=np.float32)
        bm25_rank = {i: r for r, i in enumerate(np.argsort(-bm25_scores))}
        cos_rank = {i: r for r, i in enumerate(np.argsort(-cosine))}
        return {sid: ((1 / (RRF_K + bm25_rank[i]) if bm25_scores[i] > 0 else 0) + 1 / (RRF_K + cos_rank[i]),
                      float(cosine[i]), float(bm25_scores[i])) for i, sid in enumerate(self.ids)}

    def _bm25(self, query: str) -> np.ndarray:
        words = bm25s.tokenize([query], stopwords="en", return_ids=False, show_progress=False)[0]
        return np.asarray(self.bm25.get_scores(words), dtype=np.float32) if words else np.zeros(len(self.ids))


def text_scores(services: list[DirectoryService], query: str) -> dict[str, tuple[float, float, float]]:
    if not services or not query.strip():
        return {}
    key = "|".join(sorted(f"{s.id}:{s.fingerprint}" for s in services))
    with _lock:  # built once per directory version, then reused until an import changes it
        index = _cache.get(key)
        if index is None:
            _cache.clear()
            index = _cache[key] = TextIndex.build(services)
    return index.scores(query)
