"""Stage: answer from the sections that answer the question, in their own words, or say honestly that we cannot.

The learned ranker (knowledge_base/ranking.py) gives each section a probability that it answers the
question, and its thresholds are chosen on held-out questions:
- the best section, when sure enough; or the closest section, said to be only the closest; or nothing close;
- a second section under its own heading, when the question has two parts the ranker both finds likely;
- a when-to-get-help section's advice, whenever the question comes close to it, so no red flag the parent
  describes is answered without saying who to see.
"""

from __future__ import annotations

from assistant.context import TurnContext
from assistant.extractive import trim_section
from assistant.messages import message
from core.types import RetrievedChunk
from knowledge_base import ranking

RED_FLAG_WORDS = 70  # the advice itself, not the whole section: the answer above it stays the main point


def _heading(chunk: RetrievedChunk) -> str:
    return chunk.heading.split(" > ")[-1] or chunk.title


def _extra_sections(ctx: TurnContext, best: RetrievedChunk, ranker: ranking.Ranker) -> list[tuple[RetrievedChunk, str]]:
    extras: list[tuple[RetrievedChunk, str]] = []
    second = next((c for c in ctx.retrieved[1:] if c.doc_id != best.doc_id or c.heading != best.heading), None)
    if second is not None and second.relevance >= float(ranking.settings()["second_section_probability"]):
        extras.append((second, trim_section(second.text, ctx.search_query)))
    shown = {best.chunk_id, *(c.chunk_id for c, _ in extras)}
    if not best.red_flag and not any(c.red_flag for c, _ in extras):
        flagged = next((c for c in ctx.retrieved if c.red_flag and c.chunk_id not in shown
                        and c.relevance >= ranker.red_flag_threshold), None)
        if flagged is not None:
            extras.append((flagged, trim_section(flagged.text, ctx.search_query, max_words=RED_FLAG_WORDS)))
    return extras


def stage(ctx: TurnContext) -> None:
    best, ranker = (ctx.retrieved[0] if ctx.retrieved else None), ranking.model()
    if "medical" in ctx.urgent_help and (best is None or best.relevance < ranker.answer_threshold):
        # The medical signposting already answers: no "closest section" guess or "no guidance" beside it.
        ctx.status = "signposted"
        return
    if best is None or best.relevance < ranker.closest_floor:
        # Never guess: point to people who can help, and offer tell-it-once.
        # In another language, nothing here can read the worry yet: the urgent numbers come with the reply.
        ctx.status, ctx.handoff_offered = "unanswerable", True
        ctx.answer = message("unanswerable" if ctx.english else "unanswerable_other_language")
        return
    parts = [trim_section(best.text, ctx.search_query)]
    if best.relevance < ranker.answer_threshold:
        parts = [message("closest_guidance"), f"{_heading(best)}: {parts[0]}"]
        ctx.handoff_offered = True
    extras = _extra_sections(ctx, best, ranker)
    parts += [f"{_heading(chunk)}: {text}" for chunk, text in extras]
    ctx.answer = "\n\n".join(parts)
    ctx.sources = list(dict.fromkeys(s for chunk in (best, *(c for c, _ in extras)) for s in chunk.sources))
    ctx.status = "answered"
