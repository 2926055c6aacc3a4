""""Try a question": what a parent would get from the published page, and from the draft, side by side.

The draft is chunked and embedded in memory and scored against a copy of the live corpus with this page's
chunks swapped for the draft's, using the same hybrid ranking and pipeline: drafts never enter the live index.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import bm25s
import numpy as np

from assistant import pipeline
from assistant.context import RetrievedChunk, TurnContext
from assistant.stages import retrieve
from knowledge_base.chunking import chunk_document
from knowledge_base.documents import GuidanceDocument
from knowledge_base.embeddings import embed
from knowledge_base.search import (
    CANDIDATES, HybridSearcher, _Corpus, _tokenize, area_scope, get_searcher, heading_vectors,
)

MAX_QUESTION_CHARS = 500


class DraftSearcher(HybridSearcher):
    """A frozen snapshot of the live corpus with one document replaced (or removed when chunks is empty)."""

    def __init__(self, base: _Corpus, doc_id: str, document: GuidanceDocument | None) -> None:
        super().__init__()
        chunks = chunk_document(document) if document else []
        keep = [i for i, meta in enumerate(base.metadatas) if meta.get("doc_id") != doc_id]
        metadatas = [base.metadatas[i] for i in keep] + [{**c.metadata, "text": c.text} for c in chunks]
        ids = [base.ids[i] for i in keep] + [c.chunk_id for c in chunks]
        fresh = embed([c.embedding_text for c in chunks]) if chunks else np.zeros((0, base.vectors.shape[1]), np.float32)
        vectors = np.vstack([base.vectors[keep], fresh]) if ids else fresh
        # The live index embeds "title. heading. text" (Chunk.embedding_text); BM25 sees the same words here.
        texts = [f"{m.get('title', '')}. {m.get('heading', '')}. {m.get('text', '')}" for m in metadatas]
        bm25 = bm25s.BM25()
        if ids:
            bm25.index(_tokenize(texts), show_progress=False)
        headings = np.vstack([base.headings[keep], heading_vectors([c.heading.split(" > ")[-1] for c in chunks])])
        self._corpus = _Corpus(ids, metadatas, bm25, np.array([m.get("area", "") for m in metadatas]), vectors, headings)

    def refresh(self) -> None:  # a snapshot: never reloads from the live index
        return None

    def _dense_hits(self, vector: np.ndarray, area: str | None, allowed_count: int) -> list[str]:  # type: ignore[override]
        corpus = self._current()
        allowed = np.flatnonzero(np.isin(corpus.area_of, area_scope(area)))
        scores = corpus.vectors[allowed] @ vector
        best = allowed[np.argsort(-scores)[:max(1, min(CANDIDATES, allowed_count))]]
        return [corpus.ids[i] for i in best]


@dataclass
class Preview:
    label: str
    route: str
    status: str
    answer: str
    chunks: list[RetrievedChunk]
    doc_id: str

    def from_this_page(self, chunk: RetrievedChunk) -> bool:
        return chunk.doc_id == self.doc_id


def _run(question: str, area: str | None, searcher: HybridSearcher) -> TurnContext:
    def retrieve_with(ctx: TurnContext) -> None:
        queries = retrieve.search_queries(ctx)
        ctx.search_query = queries[-1]
        ctx.retrieved = searcher.search(queries, ctx.area)

    stages = [retrieve_with if stage is retrieve.stage else stage for stage in pipeline.STAGES]
    # A throwaway conversation id: nothing is recorded, and no parent's conversation is touched.
    return pipeline.run(TurnContext(message=question, conversation_id=f"preview-{secrets.token_hex(8)}", area=area),
                        stages)


def try_question(question: str, area: str | None, doc_id: str, published: GuidanceDocument | None,
                 draft: GuidanceDocument | None) -> list[Preview]:
    """One preview for the published page (the live index) and one for the draft, when each exists."""
    question = question.strip()[:MAX_QUESTION_CHARS]
    results: list[Preview] = []
    live = get_searcher()
    runs = []
    if published is not None:
        runs.append(("Published version", live))
    if draft is not None:
        runs.append(("Draft", DraftSearcher(live._current(), doc_id, draft)))
    for label, searcher in runs:
        ctx = _run(question, area, searcher)
        results.append(Preview(label, ctx.route or "guidance", ctx.status or "error", ctx.full_answer,
                               list(ctx.retrieved), doc_id))
    return results
