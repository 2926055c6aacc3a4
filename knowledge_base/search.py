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

    def search(self, query: str | list[str], area: str | None, k: int = 4) -> list[RetrievedChunk]:
        """Several queries (a follow-up with and without its context) are fused into one ranking."""
        queries = [q for q in ([query] if isinstance(query, str) else query) if q.strip()]
        corpus = self._current()
        if not corpus.ids or not queries:
            return []
        allowed = np.isin(corpus.area_of, area_scope(area))
        vectors = [np.asarray(embed_query(q), dtype=np.float32) for q in queries]
        rankings: list[list[str]] = []
        for q, vector in zip(queries, vectors):
            rankings.append(self._dense_hits(vector, area, int(allowed.sum())))
            rankings.append(self._keyword_hits(corpus, q, allowed))
        fused: dict[str, float] = {}
        for ranking in rankings:
            for rank, chunk_id in enumerate(ranking):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        position = {cid: i for i, cid in enumerate(corpus.ids)}
        ranked = [cid for cid in sorted(fused, key=fused.__getitem__, reverse=True) if cid in position][:k]
        return [self._to_result(corpus, position[cid], fused[cid], vectors) for cid in ranked]

    @staticmethod
    def _dense_hits(vector: np.ndarray, area: str | None, allowed_count: int) -> list[str]:
        return get_store()._collection.query(
            query_embeddings=[vector.tolist()],
            n_results=max(1, min(CANDIDATES, allowed_count)),
            where={"area": {"$in": area_scope(area)}},
            include=[],
        )["ids"][0]

    @staticmethod
    def _keyword_hits(corpus: _Corpus, query: str, allowed: np.ndarray) -> list[str]:
        tokens = _tokenize([query])
        if not tokens[0]:
            return []
        k = min(CANDIDATES, len(corpus.ids))
        indices, scores = corpus.bm25.retrieve(tokens, k=k, show_progress=False, weight_mask=allowed.astype(float))
        return [corpus.ids[i] for i, s in zip(indices[0], scores[0]) if s > 0]

    @staticmethod
    def _to_result(corpus: _Corpus, i: int, fused_score: float, vectors: list[np.ndarray]) -> RetrievedChunk:
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
            similarity=max(float(corpus.vectors[i] @ v) for v in vectors),
            sources=sources,
        )


_searcher = HybridSearcher()


def get_searcher() -> HybridSearcher:
    return _searcher
