"""The turn runner: an ordered list of small stages over one TurnContext."""

from __future__ import annotations

from collections.abc import Callable

from assistant.context import TurnContext
from assistant.stages import compose, find_services, normalise, redact, retrieve, route_intent, route_safety

Stage = Callable[[TurnContext], None]

# Order matters: nothing may see the message before it is redacted and safety-checked.
STAGES: list[Stage] = [
    normalise.stage,
    redact.stage,
    route_safety.stage,
    route_intent.stage,
    retrieve.stage,
    compose.stage,
    find_services.stage,  # after compose: directory answers replace, or add to, guidance
]


def run(ctx: TurnContext, stages: list[Stage] | None = None) -> TurnContext:
    for stage in stages or STAGES:
        stage(ctx)
        if ctx.ended:
            break
    return ctx
