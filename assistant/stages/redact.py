"""Stage: remove personal data from the text before anything stores, logs, indexes or counts it."""

from __future__ import annotations

from assistant import name_memory
from assistant.context import TurnContext
from guardrails import describe_removed, redact


def stage(ctx: TurnContext) -> None:
    result = redact(ctx.text, known_names=name_memory.recall(ctx.conversation_id))
    name_memory.remember(ctx.conversation_id, result.names)
    ctx.text = result.text
    ctx.redactions = list(result.kinds)
    if result.kinds:
        ctx.notices.append(describe_removed(result.kinds))
