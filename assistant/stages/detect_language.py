"""Stage: the language to answer in, from the message and the conversation's language carried with it.

Runs before redaction so the "I removed" notice can be in the parent's language; it keeps only a language
code, never text."""

from __future__ import annotations

from assistant.context import TurnContext
from assistant.conversation_language import turn_language


def stage(ctx: TurnContext) -> None:
    ctx.language = turn_language(ctx.text, ctx.carried_language)
