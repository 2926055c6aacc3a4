"""Hybrid search over guidance chunks: dense (Chroma) plus BM25, merged by reciprocal rank fusion."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import bm25s
import numpy as np

from assistant.context import RetrievedChunk, Source
from knowledge_base.embeddings import embed_query
from knowledge_base.vector_store import get_store

RRF_K = 60  # the constant from Cormack et al.; damps the weight of any single list's top ranks
CANDIDATES = 12


def _stem(tokens: list[str]) -> list[str]:
    # Light plural/-ing folding so "words"/"word" and "wetting"/"wet" meet; BM25 needs nothing fancier here.
    return [re.sub(r"(ies|es|s|ing)$", "", t) if len(t) > 4 else t for t in tokens]


def _tokenize(texts: list[str]) -> list[list[str]]:
    return bm25s.tokenize(texts, stopwords="en", stemmer=_stem, return_ids=False, show_progress=False)


def area_scope(area: str | None) -> list[str]:
    return ["national", area] if area else ["national"]


@dataclass
class _Corpus:
    ids: list[str]
    metadatas: list[dict]
    bm25: bm25s.BM25
    area_of: np.ndarray
    vectors: np.ndarray


class HybridSearcher:
    """Holds the BM25 index in memory; rebuilt whenever the Chroma collection changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._corpus: _Corpus | None = None

    def refresh(self) -> None:
        data = get_store()._collection.get(include=["metadatas", "documents", "embeddings"])
        ids, metadatas = list(data["ids"]), [dict(m or {}) for m in data["metadatas"]]
        bm25 = bm25s.BM25()
        if ids:
            bm25.index(_tokenize(list(data["documents"])), show_progress=False)
        vectors = np.asarray(data["embeddings"], dtype=np.float32) if ids else np.zeros((0, 384), np.float32)
        corpus = _Corpus(ids, metadatas, bm25, np.array([m.get("area", "") for m in metadatas]), vectors)
        with self._lock:
            self._corpus = corpus

    def _current(self) -> _Corpus:
        if self._corpus is None:
            self.refresh()
        assert self._corpus is not None
        return self._corpus

    def search(self, query: str, area: str | None, k: int = 4) -> list[RetrievedChunk]:
        corpus = self._current()
        if not corpus.ids or not query.strip():
            return []
        allowed = np.isin(corpus.area_of, area_scope(area))
        query_vector = np.asarray(embed_query(query), dtype=np.float32)
        dense_hits = get_store()._collection.query(
            query_embeddings=[query_vector.tolist()],
            n_results=min(CANDIDATES, int(allowed.sum()) or 1),
            where={"area": {"$in": area_scope(area)}},
            include=[],
        )["ids"][0]
        keyword_hits = self._keyword_hits(corpus, query, allowed)
        fused: dict[str, float] = {}
        for ranking in (dense_hits, keyword_hits):
            for rank, chunk_id in enumerate(ranking):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        position = {cid: i for i, cid in enumerate(corpus.ids)}
        ranked = sorted(fused, key=fused.__getitem__, reverse=True)[:k]
        return [self._to_result(corpus, position[cid], fused[cid], query_vector) for cid in ranked if cid in position]

    @staticmethod
    def _keyword_hits(corpus: _Corpus, query: str, allowed: np.ndarray) -> list[str]:
        tokens = _tokenize([query])
        if not tokens[0]:
            return []
        k = min(CANDIDATES, len(corpus.ids))
        indices, scores = corpus.bm25.retrieve(tokens, k=k, show_progress=False, weight_mask=allowed.astype(float))
        return [corpus.ids[i] for i, s in zip(indices[0], scores[0]) if s > 0]

    @staticmethod
    def _to_result(corpus: _Corpus, i: int, fused_score: float, query_vector: np.ndarray) -> RetrievedChunk:
        meta = corpus.metadatas[i]
        sources = tuple(
            Source(title=name, url=url)
            for line in meta.get("sources", "").splitlines()
            for name, _, url in [line.partition("\t")]
        )
        return RetrievedChunk(
            chunk_id=corpus.ids[i],
            doc_id=meta.get("doc_id", ""),
            title=meta.get("title", ""),
            heading=meta.get("heading", ""),
            text=meta.get("text", ""),
            area=meta.get("area", ""),
            topic=meta.get("topic", ""),
            score=fused_score,
            similarity=float(corpus.vectors[i] @ query_vector),
            sources=sources,
        )


_searcher = HybridSearcher()


def get_searcher() -> HybridSearcher:
    return _searcher
