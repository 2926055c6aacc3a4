"""Search over guidance sections: meaning (MiniLM vectors of sections, headings and example questions) and
keywords (BM25), ranked by the learned ranker in knowledge_base.ranking."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

import bm25s
import numpy as np

from core.types import RetrievedChunk, Source
from core.embeddings import embed, embed_multilingual_query, embed_query
from knowledge_base.chunking import Chunk
from knowledge_base.query_terms import expand
from knowledge_base.vector_store import get_store
from knowledge_base import content_version, multilingual, ranking
from knowledge_base.ranking import RankingIndex, index_from
from knowledge_base.text_vectors import DIM


def _stem(tokens: list[str]) -> list[str]:
    # Light plural/-ing folding so "words"/"word" and "wetting"/"wet" meet; BM25 needs nothing fancier here.
    return [re.sub(r"(ies|es|s|ing)$", "", t) if len(t) > 4 else t for t in tokens]


def tokenize(texts: list[str]) -> list[list[str]]:
    return bm25s.tokenize(texts, stopwords="en", stemmer=_stem, return_ids=False, show_progress=False)


def keyword_index(texts: list[str]) -> bm25s.BM25:
    bm25 = bm25s.BM25()
    if texts:
        bm25.index(tokenize(texts), show_progress=False)
    return bm25


def keyword_scores(bm25: bm25s.BM25, query: str, sections: int) -> np.ndarray:
    """BM25 score of every section for the (expanded) question; zeros when no word of it is indexed."""
    tokens = tokenize([query])[0]
    return np.asarray(bm25.get_scores(tokens), dtype=float) if tokens and sections else np.zeros(sections)


def area_scope(area: str | None) -> list[str]:
    return ["national", area] if area else ["national"]


@dataclass
class Corpus:
    """Everything one ranking needs, swapped whole on refresh so a search never sees half of an update."""

    ids: list[str]
    metadatas: list[dict]
    bm25: bm25s.BM25
    ranking: RankingIndex
    # e5 vectors for questions in other languages: built on the first such question (read from the cache
    # `python -m assistant index` fills), so English start-up and English questions never wait for them.
    _multilingual: multilingual.MultilingualIndex | None = None
    _multilingual_lock: threading.Lock = field(default_factory=threading.Lock)

    def multilingual(self) -> multilingual.MultilingualIndex:
        with self._multilingual_lock:
            if self._multilingual is None:
                self._multilingual = multilingual.index_for(self.metadatas)
            return self._multilingual

    @classmethod
    def of(cls, ids: list[str], metadatas: list[dict], vectors: np.ndarray) -> Corpus:
        # BM25 reads what the meaning model read: "title. heading. text" (Chunk.embedding_text).
        texts = [f"{m.get('title', '')}. {m.get('heading', '')}. {m.get('text', '')}" for m in metadatas]
        return cls(ids, metadatas, keyword_index(texts), index_from(ids, metadatas, vectors))


VERSION_CHECK_SECONDS = 1.0  # with a refresh well under a second, a publish is answerable everywhere within 2 s


class HybridSearcher:
    """Ranks every section the parent's area may see with the learned ranker (knowledge_base.ranking), over
    meaning (sections, headings and example questions) and keywords. The vectors are read from Chroma on
    refresh, so a search is a few small matrix products in memory.

    A searcher made with a corpus (see with_document) is a frozen snapshot: it never reloads from the live
    index, so a draft can be tried without entering the live index."""

    def __init__(self, corpus: Corpus | None = None) -> None:
        self._lock = threading.Lock()
        self._corpus: Corpus | None = corpus
        self._snapshot = corpus is not None
        self._version: int | None = None  # the content version the corpus was read at
        self._checked_at = 0.0
        self._catching_up = threading.Lock()

    def refresh(self) -> None:
        if self._snapshot:
            return
        version = content_version.current()  # read first: a publish after this read is caught next time
        data = get_store()._collection.get(include=["metadatas", "documents", "embeddings"])
        ids, metadatas = list(data["ids"]), [dict(m or {}) for m in data["metadatas"]]
        vectors = np.asarray(data["embeddings"], dtype=np.float32) if ids else np.zeros((0, DIM), np.float32)
        corpus = Corpus.of(ids, metadatas, vectors)
        with self._lock:
            self._corpus, self._version = corpus, version

    def corpus(self) -> Corpus:
        if self._corpus is None:
            self.refresh()
        elif not self._snapshot:
            self._catch_up()
        assert self._corpus is not None
        return self._corpus

    def _catch_up(self) -> None:
        """A publish on another server bumps the content version in the database; this server reads that one
        row at most once every VERSION_CHECK_SECONDS and refreshes when it is behind. One thread refreshes;
        searches meanwhile use the corpus they have."""
        now = time.monotonic()
        if now - self._checked_at < VERSION_CHECK_SECONDS or not self._catching_up.acquire(blocking=False):
            return
        try:
            self._checked_at = now
            latest = content_version.current()
            if latest is not None and latest != self._version:
                self.refresh()
        finally:
            self._catching_up.release()

    def search(self, query: str | list[str], area: str | None, k: int = 4) -> list[RetrievedChunk]:
        """Several queries (a follow-up with and without its context): each section keeps its best probability."""
        queries = [q for q in ([query] if isinstance(query, str) else query) if q.strip()]
        corpus = self.corpus()
        if not corpus.ids or not queries:
            return []
        allowed = np.isin(corpus.ranking.areas, area_scope(area))
        ranker = ranking.model()
        vectors = [np.asarray(embed_query(q), dtype=np.float32) for q in queries]
        relevance: dict[int, float] = {}
        for q, vector in zip(queries, vectors):
            keywords = keyword_scores(corpus.bm25, expand(q).text, len(corpus.ids))
            rows, matrix = ranking.features(corpus.ranking, q, vector, ranker.adapt(vector), keywords, allowed)
            for row, probability in zip(rows.tolist(), ranker.probabilities(matrix).tolist()):
                relevance[row] = max(relevance.get(row, 0.0), probability)
        ranked = sorted(relevance, key=relevance.__getitem__, reverse=True)[:k]
        return [self._to_result(corpus, row, relevance[row], vectors) for row in ranked]

    def search_multilingual(self, query: str | list[str], area: str | None, k: int = 4) -> list[RetrievedChunk]:
        """For a question in another language: sections by multilingual-e5 similarity (knowledge_base.multilingual).
        `relevance` is that similarity, gated by multilingual.answer_threshold(), not the English ranker's."""
        queries = [q for q in ([query] if isinstance(query, str) else query) if q.strip()]
        corpus = self.corpus()
        if not corpus.ids or not queries:
            return []
        allowed = np.isin(corpus.ranking.areas, area_scope(area))
        index = corpus.multilingual()
        # The parent's question is embedded in memory only (never written to the vector cache on disk).
        scores = np.max([multilingual.section_scores(index, np.asarray(embed_multilingual_query(q), dtype=np.float32), allowed)
                         for q in queries], axis=0)
        ranked = [int(row) for row in np.argsort(-scores, kind="stable")[:k] if np.isfinite(scores[row])]
        english = [np.asarray(embed_query(q), dtype=np.float32) for q in queries]
        return [self._to_result(corpus, row, float(scores[row]), english) for row in ranked]

    def with_document(self, doc_id: str, chunks: list[Chunk]) -> HybridSearcher:
        """A snapshot of this corpus with one document's chunks replaced (removed when chunks is empty)."""
        base = self.corpus()
        keep = [i for i, meta in enumerate(base.metadatas) if meta.get("doc_id") != doc_id]
        metadatas = [base.metadatas[i] for i in keep] + [{**c.metadata, "text": c.text} for c in chunks]
        ids = [base.ids[i] for i in keep] + [c.chunk_id for c in chunks]
        fresh = embed([c.embedding_text for c in chunks]) if chunks else np.zeros((0, DIM), np.float32)
        vectors = np.vstack([base.ranking.vectors[keep], fresh]) if ids else fresh
        return HybridSearcher(Corpus.of(ids, metadatas, vectors))

    @staticmethod
    def _to_result(corpus: Corpus, i: int, relevance: float, vectors: list[np.ndarray]) -> RetrievedChunk:
        meta, index = corpus.metadatas[i], corpus.ranking
        sources = tuple(
            Source(title=name, url=url)
            for line in meta.get("sources", "").splitlines()
            for name, _, url in [line.partition("\t")]
        )
        mine = index.examples[index.example_owner == i]
        similarity = max(
            max(float(index.vectors[i] @ v), float(index.headings[i] @ v), float((mine @ v).max()) if len(mine) else -1.0)
            for v in vectors
        )
        return RetrievedChunk(
            chunk_id=corpus.ids[i],
            doc_id=meta.get("doc_id", ""),
            title=meta.get("title", ""),
            heading=meta.get("heading", ""),
            text=meta.get("text", ""),
            area=meta.get("area", ""),
            topic=meta.get("topic", ""),
            score=relevance,
            similarity=similarity,
            sources=sources,
            relevance=relevance,
            red_flag=meta.get("red_flag") == "yes",
        )


_searcher = HybridSearcher()


def get_searcher() -> HybridSearcher:
    return _searcher
