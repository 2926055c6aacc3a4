"""Stage: answer from the best guidance section, in its own words, or say honestly that we cannot."""

from __future__ import annotations

from assistant.config import get_settings
from assistant.context import TurnContext
from assistant.extractive import trim_section
from assistant.messages import message


def stage(ctx: TurnContext) -> None:
    best = ctx.retrieved[0] if ctx.retrieved else None
    if best is None or best.similarity < get_settings().answer_threshold:
        # Never guess: point to people who can help, and offer tell-it-once.
        ctx.status, ctx.answer, ctx.handoff_offered = "unanswerable", message("unanswerable"), True
        return
    ctx.answer = trim_section(best.text, ctx.search_query)
    ctx.sources = list(dict.fromkeys(best.sources))
    ctx.status = "answered"
