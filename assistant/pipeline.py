"""The turn runner: an ordered list of small stages over one TurnContext (after GOV.UK Chat's PipelineRunner).

A stage is a callable taking the context; it may end the turn with a status. Stages that need a
collaborator (the guidance searcher) receive it when the list is built, so the editorial preview runs the
same stages over a draft searcher. A stage that raises ends the turn with status "error" and fixed text;
each stage's time is logged (never text).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from assistant.context import TurnContext
from assistant.messages import message
from assistant.stages import (
    compose, detect_language, find_services, normalise, parse, redact, reply_language, retrieve, route_intent, route_safety,
)
from core.metrics import STAGE_SECONDS
from knowledge_base.search import HybridSearcher, get_searcher

Stage = Callable[[TurnContext], None]
log = logging.getLogger("assistant.pipeline")


def stages(searcher: HybridSearcher | None = None) -> list[Stage]:
    # Order matters: nothing may see the message before it is redacted and safety-checked.
    return [
        normalise.stage,
        detect_language.stage,  # a language code only; before redact so its notice is in the parent's language
        redact.stage,
        route_safety.stage,
        parse.stage,  # place, kind of service and time, read once for every later stage
        route_intent.stage,
        retrieve.Retrieve(searcher or get_searcher()),
        compose.stage,
        find_services.stage,  # after compose: directory answers replace, or add to, guidance
    ]


def stage_name(stage: Stage) -> str:
    module = getattr(stage, "__module__", "") or type(stage).__module__
    return module.rsplit(".", 1)[-1]


def run(ctx: TurnContext, pipeline: list[Stage] | None = None) -> TurnContext:
    for stage in pipeline if pipeline is not None else stages():
        started = time.perf_counter()
        try:
            stage(ctx)
        except Exception as exc:  # a broken stage must never leave a parent with no answer
            log.error("stage failed stage=%s type=%s", stage_name(stage), type(exc).__name__)  # no text
            ctx.sources, ctx.services, ctx.handoff_offered = [], [], False
            ctx.end("error", ctx.route or "guidance", message("turn_error", ctx.language))
        finally:
            seconds = time.perf_counter() - started
            STAGE_SECONDS.labels(stage=stage_name(stage)).observe(seconds)
            log.debug("stage=%s ms=%.2f", stage_name(stage), seconds * 1000)
        if ctx.ended:
            break
    route_safety.finish(ctx)
    reply_language.finish(ctx)
    return ctx
