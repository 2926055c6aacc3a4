"""Stage: remove personal data from the text before anything stores, logs, indexes or counts it."""

from __future__ import annotations

from assistant import name_memory
from assistant.context import TurnContext
from assistant.translations import pii_notice
from guardrails import describe_removed, redact


def stage(ctx: TurnContext) -> None:
    result = redact(ctx.text, known_names=name_memory.recall(ctx.conversation_id))
    name_memory.remember(ctx.conversation_id, result.names)
    ctx.text = result.text
    ctx.redactions = list(result.kinds)
    if result.kinds:
        # In the parent's language when it has been translated (one sentence: the kinds are not listed there).
        ctx.notices.append(pii_notice(ctx.language) or describe_removed(result.kinds))
