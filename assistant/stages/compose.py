"""Stage: answer from the sections that answer the question, in their own words, or say honestly that we cannot.

The learned ranker (knowledge_base/ranking.py) gives each section a probability that it answers the
question, and its thresholds are chosen on held-out questions:
- the best section, when sure enough; or the closest section, said to be only the closest; or nothing close;
- a second section under its own heading, when the question has two parts the ranker both finds likely;
- a when-to-get-help section's advice, whenever the question comes close to it, so no red flag the parent
  describes is answered without saying who to see.
"""

from __future__ import annotations

from assistant.context import TurnContext
from assistant.extractive import trim_section
from assistant.messages import message
from assistant.translations import is_translated
from core.types import RetrievedChunk
from guardrails.safety import national_help
from knowledge_base import multilingual, ranking

RED_FLAG_WORDS = 70  # the advice itself, not the whole section: the answer above it stays the main point


def _heading(chunk: RetrievedChunk) -> str:
    return chunk.heading.split(" > ")[-1] or chunk.title


def _extra_sections(ctx: TurnContext, best: RetrievedChunk, ranker: ranking.Ranker) -> list[tuple[RetrievedChunk, str]]:
    extras: list[tuple[RetrievedChunk, str]] = []
    second = next((c for c in ctx.retrieved[1:] if c.doc_id != best.doc_id or c.heading != best.heading), None)
    if second is not None and second.relevance >= float(ranking.settings()["second_section_probability"]):
        extras.append((second, trim_section(second.text, ctx.search_query)))
    shown = {best.chunk_id, *(c.chunk_id for c, _ in extras)}
    if not best.red_flag and not any(c.red_flag for c, _ in extras):
        flagged = next((c for c in ctx.retrieved if c.red_flag and c.chunk_id not in shown
                        and c.relevance >= ranker.red_flag_threshold), None)
        if flagged is not None:
            extras.append((flagged, trim_section(flagged.text, ctx.search_query, max_words=RED_FLAG_WORDS)))
    return extras


def _in_english_note(ctx: TurnContext) -> list[str]:
    """Before an English section, for a parent in a translated language: it is in English, and the family hub
    can arrange an interpreter through tell-it-once (in their language)."""
    return [message("english_only_note", ctx.language)] if ctx.language != "en" and is_translated(ctx.language) else []


def compose_multilingual(ctx: TurnContext) -> None:
    """A question in another language, matched by multilingual-e5, composed as English questions are: the best
    section when it is similar enough (data/multilingual.yaml), or the closest section, said to be only the
    closest, with the family hub offer; in English after a note in the parent's language; otherwise no guess."""
    best = ctx.retrieved[0] if ctx.retrieved else None
    sure = best is not None and best.relevance >= multilingual.answer_threshold()
    if "medical" in ctx.urgent_help and not sure:
        ctx.status = "signposted"
        return
    if best is None or best.relevance < multilingual.closest_floor():
        ctx.status, ctx.handoff_offered = "unanswerable", True
        # Translated: our usual honest "no guidance" with the family hub offer, and the national emergency and
        # crisis numbers, because the safety reading of other languages is weaker than of English (an Arabic
        # "swallowed magnets" once got here with no number). Not translated: the English text that says we
        # answer in English, which carries the urgent numbers itself.
        ctx.answer = f"{message('unanswerable', ctx.language)}\n\n{national_help(ctx.language)}" \
            if is_translated(ctx.language) else message("unanswerable_other_language")
        return
    parts = [trim_section(best.text, ctx.search_query)]
    if not sure:
        parts = [message("closest_guidance", ctx.language), f"{_heading(best)}: {parts[0]}"]
        if is_translated(ctx.language):  # a guess, so the national numbers too, as when nothing is close
            parts.append(national_help(ctx.language))
        ctx.handoff_offered = True
    ctx.answer = "\n\n".join([*_in_english_note(ctx), *parts])
    ctx.sources = list(best.sources)
    ctx.status = "answered"


def stage(ctx: TurnContext) -> None:
    if ctx.multilingual:
        compose_multilingual(ctx)
        return
    best, ranker = (ctx.retrieved[0] if ctx.retrieved else None), ranking.model()
    if "medical" in ctx.urgent_help and (best is None or best.relevance < ranker.answer_threshold):
        # The medical signposting already answers: no "closest section" guess or "no guidance" beside it.
        ctx.status = "signposted"
        return
    if best is None or best.relevance < ranker.closest_floor:
        # Never guess: point to people who can help, and offer tell-it-once. (Questions in other languages
        # are composed by compose_multilingual.)
        ctx.status, ctx.handoff_offered = "unanswerable", True
        ctx.answer = message("unanswerable", ctx.language)
        return
    parts = [trim_section(best.text, ctx.search_query)]
    if best.relevance < ranker.answer_threshold:
        parts = [message("closest_guidance", ctx.language), f"{_heading(best)}: {parts[0]}"]
        ctx.handoff_offered = True
    extras = _extra_sections(ctx, best, ranker)
    parts += [f"{_heading(chunk)}: {text}" for chunk, text in extras]
    ctx.answer = "\n\n".join([*_in_english_note(ctx), *parts])
    ctx.sources = list(dict.fromkeys(s for chunk in (best, *(c for c, _ in extras)) for s in chunk.sources))
    ctx.status = "answered"
