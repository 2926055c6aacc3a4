"""Stage: read the redacted message once for what the directory needs (kind of service, place, age, time)."""

from __future__ import annotations

from assistant.context import TurnContext
from knowledge_base.directory.query import parse_query


def stage(ctx: TurnContext) -> None:
    ctx.query = parse_query(ctx.text, ctx.area)
