"""Stage: find the guidance sections that best match the question (with the previous turn for follow-ups)."""

from __future__ import annotations

from assistant import intents
from assistant.context import TurnContext
from knowledge_base.search import get_searcher


def search_query(ctx: TurnContext) -> str:
    # "what about at night?" only makes sense with the question before it.
    if ctx.history and intents.is_follow_up(ctx.text):
        return f"{ctx.history[-1]} {ctx.text}"
    return ctx.text


def stage(ctx: TurnContext) -> None:
    ctx.search_query = search_query(ctx)
    ctx.retrieved = get_searcher().search(ctx.search_query, ctx.area)
