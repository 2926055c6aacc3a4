""""Try a question": what a parent would get from the published page, and from the draft, side by side.

The draft is chunked and embedded in memory and ranked in a snapshot of the live corpus with this page's
chunks swapped for the draft's (HybridSearcher.with_document), through the same pipeline: drafts never
enter the live index.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from assistant import pipeline
from assistant.context import TurnContext
from core.types import RetrievedChunk
from knowledge_base.chunking import chunk_document
from knowledge_base.documents import GuidanceDocument
from knowledge_base.search import HybridSearcher, get_searcher

MAX_QUESTION_CHARS = 500


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
    # A throwaway conversation id: nothing is recorded, and no parent's conversation is touched.
    ctx = TurnContext(message=question, conversation_id=f"preview-{secrets.token_hex(8)}", area=area)
    return pipeline.run(ctx, pipeline.stages(searcher=searcher))


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
        runs.append(("Draft", live.with_document(doc_id, chunk_document(draft))))
    for label, searcher in runs:
        ctx = _run(question, area, searcher)
        results.append(Preview(label, ctx.route or "guidance", ctx.status or "error", ctx.full_answer,
                               list(ctx.retrieved), doc_id))
    return results
