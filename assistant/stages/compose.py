"""Stage: answer from the best guidance section, in its own words, or say honestly that we cannot."""

from __future__ import annotations

from assistant.context import TurnContext
from assistant.extractive import trim_section
from assistant.messages import message
from knowledge_base import ranking


def stage(ctx: TurnContext) -> None:
    best, ranker = (ctx.retrieved[0] if ctx.retrieved else None), ranking.model()
    # The learned ranker's probability that the section answers the question, against thresholds chosen on
    # held-out questions (knowledge_base/ranking.py): sure enough to answer; only the closest we have, and
    # said so; or nothing close (off-topic lines rarely get that far).
    if best is None or best.relevance < ranker.closest_floor:
        # Never guess: point to people who can help, and offer tell-it-once.
        # In another language, nothing here can read the worry yet: the urgent numbers come with the reply.
        ctx.status, ctx.handoff_offered = "unanswerable", True
        ctx.answer = message("unanswerable" if ctx.english else "unanswerable_other_language")
        return
    ctx.answer = trim_section(best.text, ctx.search_query)
    if best.relevance < ranker.answer_threshold:
        ctx.answer = f"{message('closest_guidance')}\n\n{best.heading.split(' > ')[-1]}: {ctx.answer}"
        ctx.handoff_offered = True
    ctx.sources = list(dict.fromkeys(best.sources))
    ctx.status = "answered"
