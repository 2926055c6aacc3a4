"""Answers directory questions (route "services") and adds a local service to strong guidance answers."""

from __future__ import annotations

import logging

from assistant.context import TurnContext
from knowledge_base.directory.answers import (
    also_try_line, answer_text, clarification_text, no_match_text, what_clarification_text,
)
from knowledge_base.directory.cards import card
from knowledge_base.directory.query import parse_query
from knowledge_base.directory.search import is_too_vague, needs_directory, search

log = logging.getLogger(__name__)
MAX_CARDS = 5


def answer_services(ctx: TurnContext) -> None:
    query = parse_query(ctx.text or ctx.message, ctx.area)
    if ctx.status == "answered" and not needs_directory(query):
        ctx.route = "guidance"  # e.g. "what is a family hub?": the guidance answer already fits
        return
    ctx.sources = []  # the answer below comes from the directory, not from the guidance retrieved earlier
    if is_too_vague(query):
        ctx.status, ctx.answer = "clarification", what_clarification_text(query)
        return
    if not query.area:
        ctx.status, ctx.answer = "clarification", clarification_text(query)
        return
    result = search(query)
    if not result.matches:
        ctx.status, ctx.answer = "answered", no_match_text(query)
        return
    ctx.status, ctx.answer = "answered", answer_text(result)
    ctx.services = [card(m.service, m.occurrences) for m in result.matches[:MAX_CARDS]]


def add_local_service(ctx: TurnContext) -> None:
    # Only when the parent named a kind of service and we know where they are: a guess would be noise.
    query = parse_query(ctx.text or ctx.message, ctx.area)
    if not query.categories or not query.area:
        return
    result = search(query, limit=1)
    if result.matches and not result.relaxed and result.matches[0].category_hits:
        ctx.answer = f"{ctx.answer}\n\n{also_try_line(result.matches[0])}"
        ctx.services.append(card(result.matches[0].service, result.matches[0].occurrences))


def stage(ctx: TurnContext) -> None:
    try:
        if ctx.route == "services":
            answer_services(ctx)
        elif ctx.route == "guidance" and ctx.status == "answered":
            add_local_service(ctx)
    except Exception as exc:  # the directory must never break a turn; guidance answers stand on their own
        log.error("directory search failed type=%s", type(exc).__name__)  # no text: it may quote the message
        if ctx.route == "services" and not ctx.answer:
            ctx.status, ctx.answer = "error", "Sorry, I couldn't search the service directory just now."
