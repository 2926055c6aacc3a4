"""Stage: answer from the best guidance section, in its own words, or say honestly that we cannot."""

from __future__ import annotations

from core.settings import get_settings
from assistant.context import TurnContext
from core.types import RetrievedChunk
from assistant.extractive import trim_section
from assistant.messages import message
from knowledge_base.query_terms import covers_topic


def best_section(ctx: TurnContext) -> RetrievedChunk | None:
    """The best match that is about the question's topic (sleep, dummies...), when it names one. Title and
    heading only: a section on bedwetting that says "a wee before sleep" is not about sleep."""
    return next((c for c in ctx.retrieved if covers_topic(ctx.text, f"{c.title} {c.heading}")), None)


def stage(ctx: TurnContext) -> None:
    best, settings = best_section(ctx), get_settings()
    if best is None or best.similarity < (settings.answer_threshold_agreed if best.agreed else settings.answer_threshold):
        # Never guess: point to people who can help, and offer tell-it-once.
        # In another language, nothing here can read the worry yet: the urgent numbers come with the reply.
        ctx.status, ctx.handoff_offered = "unanswerable", True
        ctx.answer = message("unanswerable" if ctx.english else "unanswerable_other_language")
        return
    ctx.retrieved = [best, *(c for c in ctx.retrieved if c is not best)]  # later stages read the answer's section first
    ctx.answer = trim_section(best.text, ctx.search_query)
    ctx.sources = list(dict.fromkeys(best.sources))
    ctx.status = "answered"
