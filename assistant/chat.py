"""One parent turn: check the input, run the pipeline, keep the redacted turn, return the public response."""

from __future__ import annotations

import logging
import time

from assistant import conversations, operations_metrics, pipeline
from assistant.insights import counting
from assistant.chat_contract import ChatResponse, SourceOut
from core.settings import get_settings
from assistant.context import TurnContext
from assistant.conversation_language import is_known, paragraph_languages

log = logging.getLogger("assistant.chat")


class InvalidMessage(ValueError):
    """A message we cannot take, with a reason a parent understands."""


def check_message(message: str) -> None:
    limit = get_settings().max_message_chars
    if not message.strip():
        raise InvalidMessage("Please type a message before sending.")
    if len(message) > limit:
        raise InvalidMessage(f"Your message is {len(message):,} characters long. Please keep it under {limit:,}.")


def handle_turn(message: str, conversation_id: str | None, area: str | None, language: str | None = None) -> TurnContext:
    """Raises InvalidMessage or conversations.ConversationNotFound for bad input.
    language: the conversation's language from the previous reply (or chosen by the parent), an ISO 639-1 code."""
    check_message(message)
    if language and not is_known(language):
        raise InvalidMessage(f"We do not know the language code {language[:10]!r}. Leave it out, or use one of "
                             "the codes our replies give, like \"pl\" or \"ur\".")
    started = time.perf_counter()
    history = conversations.recent_messages(conversation_id) if conversation_id else []
    conversation_id = conversation_id or conversations.start_conversation(area)
    ctx = pipeline.run(TurnContext(message=message, conversation_id=conversation_id, area=area, history=history,
                                   carried_language=language or None))
    top = ctx.retrieved[0].relevance if ctx.retrieved else None  # the ranker's probability, for the content-gaps report
    response = to_response(ctx)
    extras = {"sources": [s.model_dump() for s in response.sources], "services": response.services,
              "language": ctx.language, "paragraph_languages": paragraph_languages(response.answer, ctx.language)}
    conversations.record_turn(conversation_id, ctx.text, response.answer, response.route, response.status, top, extras)
    # Counted for the open figures by week, area, topic and route only (the conversation is not named).
    counting.count_turn(area, ctx.retrieved[0].topic if ctx.retrieved else None, response.route, response.status)
    operations_metrics.turn_finished(ctx)  # counts by route and status for /metrics
    # Never the text: only what happened and how long it took.
    log.info("turn route=%s status=%s ms=%.1f", ctx.route, ctx.status, (time.perf_counter() - started) * 1000)
    return ctx


def to_response(ctx: TurnContext) -> ChatResponse:
    return ChatResponse(
        conversation_id=ctx.conversation_id,
        status=ctx.status or "error",
        route=ctx.route or "guidance",
        answer=ctx.full_answer,
        sources=[SourceOut(title=s.title, url=s.url) for s in ctx.sources],
        services=ctx.services,
        redactions=ctx.redactions,
        handoff_offered=ctx.handoff_offered,
        language=ctx.language,
    )
