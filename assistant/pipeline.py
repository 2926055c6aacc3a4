"""The turn runner: an ordered list of small stages over one TurnContext."""

from __future__ import annotations

from collections.abc import Callable

from assistant.context import TurnContext
from assistant.stages import compose, normalise, retrieve, route_intent

Stage = Callable[[TurnContext], None]

# Order matters: nothing may see the message before it is redacted and safety-checked.
STAGES: list[Stage] = [
    normalise.stage,
    route_intent.stage,
    retrieve.stage,
    compose.stage,
]


def run(ctx: TurnContext, stages: list[Stage] | None = None) -> TurnContext:
    for stage in stages or STAGES:
        stage(ctx)
        if ctx.ended:
            break
    return ctx
