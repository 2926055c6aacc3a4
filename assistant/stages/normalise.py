"""Stage: clean the typed text (invisible characters, spacing) before anything reads it."""

from __future__ import annotations

from assistant.context import TurnContext
from guardrails.normalise import strip_invisible


def stage(ctx: TurnContext) -> None:
    ctx.text = strip_invisible(ctx.message)
