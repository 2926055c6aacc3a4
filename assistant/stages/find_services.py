"""Answers directory questions (route "services") and adds a local service to strong guidance answers."""

from __future__ import annotations

import logging
import re

from assistant.context import TurnContext
from core.types import RetrievedChunk
from knowledge_base.directory.answers import (
    also_try_line, answer_text, area_offer_text, clarification_text, no_match_text, what_clarification_text,
)
from knowledge_base.directory.cards import card
from knowledge_base.directory.query import ServiceQuery, parse_query
from knowledge_base.directory.search import has_time_filter, is_too_vague, needs_directory, search
from core.thresholds import DIRECTORY

log = logging.getLogger(__name__)
MAX_CARDS = 5
# A close guidance match answers a general hub question ("are the groups free?") when no place is known;
# asking for the area first would hold back an answer we have.
GENERAL_ANSWER_SIMILARITY = DIRECTORY["general_answer_similarity"]
# A long message whose best guidance is about talking or toileting asks that too ("...anything I can do? also
# is there a group near us?"): answer both, and look for that kind of group.
MIXED_ANSWER_SIMILARITY = DIRECTORY["mixed_answer_similarity"]
MIXED_MIN_WORDS = int(DIRECTORY["mixed_min_words"])
TOPIC_SERVICES = {"speech_language": "early-language", "toileting": "toilet-training"}


# Only the directory can say where, when or how to reach a hub.
ASKS_WHERE_OR_WHEN = re.compile(r"\b(where|address|open(ing)?|clos(e|ing)|when|what time|times?|phone|contact|"
                                r"number|nearest|closest|near me|nearby|which)\b", re.I)


def answers_without_place(query: ServiceQuery, best: RetrievedChunk | None) -> bool:
    """A general hub question: "are the groups free?" with no area, or "do I have to pay for sessions?" anywhere."""
    general = (best is not None and best.similarity >= GENERAL_ANSWER_SIMILARITY and not query.place
               and not query.wants_nearest and not has_time_filter(query))
    return general and (not query.area or not (query.categories or ASKS_WHERE_OR_WHEN.search(query.text)))


def asks_guidance_too(text: str, best: RetrievedChunk | None) -> bool:
    return (best is not None and best.topic in TOPIC_SERVICES and best.similarity >= MIXED_ANSWER_SIMILARITY
            and len(text.split()) >= MIXED_MIN_WORDS)


def answer_services(ctx: TurnContext) -> None:
    text, query = ctx.text, ctx.query or parse_query(ctx.text, ctx.area)
    best = ctx.retrieved[0] if ctx.retrieved else None
    guidance = ctx.answer if ctx.status == "answered" else ""
    if guidance and not needs_directory(query):
        ctx.route = "guidance"  # e.g. "what is a family hub?": the guidance answer already fits
        return
    mixed = bool(guidance) and asks_guidance_too(text, best)
    if guidance and ((mixed and not query.area) or answers_without_place(query, best)):
        # Route stays "services"; without an area, offer to look up local sessions too.
        ctx.answer = guidance if query.area else f"{guidance}\n\n{area_offer_text(query)}"
        return
    if mixed and best is not None:
        query.categories = query.categories or [TOPIC_SERVICES[best.topic]]
        answer_directory(ctx, query)
        ctx.answer = f"{guidance}\n\n{ctx.answer}"  # guidance first: it answers the main worry
        return
    ctx.sources = []  # the answer below comes from the directory, not from the guidance retrieved earlier
    answer_directory(ctx, query)


def answer_directory(ctx: TurnContext, query: ServiceQuery) -> None:
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
    query = ctx.query or parse_query(ctx.text, ctx.area)
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
