"""Hybrid search over guidance chunks: dense (Chroma) plus BM25, merged by reciprocal rank fusion."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import bm25s
import numpy as np

from core.types import RetrievedChunk, Source
from core.embeddings import embed, embed_query
from knowledge_base.chunking import Chunk
from knowledge_base.query_terms import expand
from knowledge_base.vector_store import get_store
from core.thresholds import RETRIEVAL

RRF_K = RETRIEVAL["rrf_k"]
CANDIDATES = int(RETRIEVAL["candidates"])
KEYWORD_WEIGHT_ABBREVIATED = RETRIEVAL["keyword_weight_abbreviated"]
# Section headings are the questions parents ask, so a question matches its heading far better than the
# whole section. Heading vectors are made once per refresh (cached by text); a turn only adds a matmul.
_heading_vectors: dict[str, np.ndarray] = {}


def heading_vectors(headings: list[str]) -> np.ndarray:
    """One row per chunk; zeros for the untitled introduction, so it never wins on its heading."""
    missing = sorted({h for h in headings if h and h not in _heading_vectors})
    if missing:
        _heading_vectors.update(zip(missing, embed(missing)))
    return np.vstack([_heading_vectors.get(h, np.zeros(384, np.float32)) for h in headings]) if headings \
        else np.zeros((0, 384), np.float32)


def _stem(tokens: list[str]) -> list[str]:
    # Light plural/-ing folding so "words"/"word" and "wetting"/"wet" meet; BM25 needs nothing fancier here.
    return [re.sub(r"(ies|es|s|ing)$", "", t) if len(t) > 4 else t for t in tokens]


def tokenize(texts: list[str]) -> list[list[str]]:
    return bm25s.tokenize(texts, stopwords="en", stemmer=_stem, return_ids=False, show_progress=False)


def area_scope(area: str | None) -> list[str]:
    return ["national", area] if area else ["national"]


@dataclass
class Corpus:
    """Everything one ranking needs, swapped whole on refresh so a search never sees half of an update."""

    ids: list[str]
    metadatas: list[dict]
    bm25: bm25s.BM25
    area_of: np.ndarray
    vectors: np.ndarray
    headings: np.ndarray  # heading (question) vectors, one row per chunk


class HybridSearcher:
    """Holds the BM25 index in memory; rebuilt whenever the Chroma collection changes.

    A searcher made with a corpus (see with_document) is a frozen snapshot: it never reloads from the live
    index and ranks meaning in memory, so a draft can be tried without entering the live index."""

    def __init__(self, corpus: Corpus | None = None) -> None:
        self._lock = threading.Lock()
        self._corpus: Corpus | None = corpus
        self._snapshot = corpus is not None

    def refresh(self) -> None:
        if self._snapshot:
            return
        data = get_store()._collection.get(include=["metadatas", "documents", "embeddings"])
        ids, metadatas = list(data["ids"]), [dict(m or {}) for m in data["metadatas"]]
        bm25 = bm25s.BM25()
        if ids:
            bm25.index(tokenize(list(data["documents"])), show_progress=False)
        vectors = np.asarray(data["embeddings"], dtype=np.float32) if ids else np.zeros((0, 384), np.float32)
        # The last heading in the path is the question itself ("Potty > When to start?" -> "When to start?").
        headings = heading_vectors([m.get("heading", "").split(" > ")[-1] for m in metadatas])
        corpus = Corpus(ids, metadatas, bm25, np.array([m.get("area", "") for m in metadatas]), vectors, headings)
        with self._lock:
            self._corpus = corpus

    def corpus(self) -> Corpus:
        if self._corpus is None:
            self.refresh()
        assert self._corpus is not None
        return self._corpus

    def search(self, query: str | list[str], area: str | None, k: int = 4) -> list[RetrievedChunk]:
        """Several queries (a follow-up with and without its context) are fused into one ranking."""
        queries = [q for q in ([query] if isinstance(query, str) else query) if q.strip()]
        corpus = self.corpus()
        if not corpus.ids or not queries:
            return []
        allowed = np.isin(corpus.area_of, area_scope(area))
        vectors = [np.asarray(embed_query(q), dtype=np.float32) for q in queries]
        rankings: list[tuple[float, list[str]]] = []
        agreed: set[str] = set()
        for q, vector in zip(queries, vectors):
            expanded = expand(q)
            dense = self._meaning_hits(corpus, vector, self._dense_hits(vector, area, int(allowed.sum())), allowed)
            keywords = self._keyword_hits(corpus, expanded.text, allowed)
            rankings.append((1.0, dense))
            # "HV", "SALT", "telly": the keywords know these words (after expansion); the meaning model does not.
            rankings.append((KEYWORD_WEIGHT_ABBREVIATED if expanded.abbreviated else 1.0, keywords))
            if dense[:1] and keywords[:1] == dense[:1]:
                agreed.add(dense[0])
        fused: dict[str, float] = {}
        for weight, ranking in rankings:
            for rank, chunk_id in enumerate(ranking):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (RRF_K + rank + 1)
        position = {cid: i for i, cid in enumerate(corpus.ids)}
        ranked = [cid for cid in sorted(fused, key=fused.__getitem__, reverse=True) if cid in position][:k]
        return [self._to_result(corpus, position[cid], fused[cid], vectors, cid in agreed) for cid in ranked]

    def with_document(self, doc_id: str, chunks: list[Chunk]) -> HybridSearcher:
        """A snapshot of this corpus with one document's chunks replaced (removed when chunks is empty)."""
        base = self.corpus()
        keep = [i for i, meta in enumerate(base.metadatas) if meta.get("doc_id") != doc_id]
        metadatas = [base.metadatas[i] for i in keep] + [{**c.metadata, "text": c.text} for c in chunks]
        ids = [base.ids[i] for i in keep] + [c.chunk_id for c in chunks]
        fresh = embed([c.embedding_text for c in chunks]) if chunks else np.zeros((0, base.vectors.shape[1]), np.float32)
        vectors = np.vstack([base.vectors[keep], fresh]) if ids else fresh
        # The live index embeds "title. heading. text" (Chunk.embedding_text); BM25 sees the same words here.
        texts = [f"{m.get('title', '')}. {m.get('heading', '')}. {m.get('text', '')}" for m in metadatas]
        bm25 = bm25s.BM25()
        if ids:
            bm25.index(tokenize(texts), show_progress=False)
        headings = np.vstack([base.headings[keep], heading_vectors([c.heading.split(" > ")[-1] for c in chunks])])
        return HybridSearcher(Corpus(ids, metadatas, bm25, np.array([m.get("area", "") for m in metadatas]), vectors, headings))

    def _dense_hits(self, vector: np.ndarray, area: str | None, allowed_count: int) -> list[str]:
        n_results = max(1, min(CANDIDATES, allowed_count))
        if self._snapshot:
            corpus = self.corpus()
            allowed = np.flatnonzero(np.isin(corpus.area_of, area_scope(area)))
            best = allowed[np.argsort(-(corpus.vectors[allowed] @ vector))[:n_results]]
            return [corpus.ids[i] for i in best]
        return get_store()._collection.query(
            query_embeddings=[vector.tolist()],
            n_results=n_results,
            where={"area": {"$in": area_scope(area)}},
            include=[],
        )["ids"][0]

    @staticmethod
    def _heading_hits(corpus: Corpus, vector: np.ndarray, allowed: np.ndarray) -> list[str]:
        scores = np.where(allowed, corpus.headings @ vector, -1.0)
        top = np.argsort(-scores)[:CANDIDATES]
        return [corpus.ids[i] for i in top if scores[i] > 0]

    def _meaning_hits(self, corpus: Corpus, vector: np.ndarray, dense: list[str], allowed: np.ndarray) -> list[str]:
        """Section and heading matches as ONE meaning ranking (a third list in the fusion would outvote a
        keyword-only hit on a rare word like "Makaton"), ordered by the mean of the two similarities: the heading
        alone over-rewards questions shaped alike ("what books should I read..." vs "what should my 2 year old say")."""
        position = {cid: i for i, cid in enumerate(corpus.ids)}
        pool = [cid for cid in dict.fromkeys(dense + self._heading_hits(corpus, vector, allowed)) if cid in position]

        def score(cid: str) -> float:
            i = position[cid]
            section, heading = float(corpus.vectors[i] @ vector), float(corpus.headings[i] @ vector)
            return section if not corpus.headings[i].any() else (section + heading) / 2  # introductions: no heading

        return sorted(pool, key=score, reverse=True)[:CANDIDATES]

    @staticmethod
    def _keyword_hits(corpus: Corpus, query: str, allowed: np.ndarray) -> list[str]:
        tokens = tokenize([query])
        if not tokens[0]:
            return []
        k = min(CANDIDATES, len(corpus.ids))
        indices, scores = corpus.bm25.retrieve(tokens, k=k, show_progress=False, weight_mask=allowed.astype(float))
        return [corpus.ids[i] for i, s in zip(indices[0], scores[0]) if s > 0]

    @staticmethod
    def _to_result(corpus: Corpus, i: int, fused_score: float, vectors: list[np.ndarray], agreed: bool) -> RetrievedChunk:
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
            similarity=max(float(max(corpus.vectors[i] @ v, corpus.headings[i] @ v)) for v in vectors),
            sources=sources,
            agreed=agreed,
        )


_searcher = HybridSearcher()


def get_searcher() -> HybridSearcher:
    return _searcher
