"""After the stages: every reply to a parent writing in a translated language holds a paragraph in it.

Fixed texts are already translated where they were chosen; what is still English only (a guidance section,
directory results) gets the note, in the parent's language, that it is in English and that the family hub
can arrange an interpreter through tell-it-once."""

from __future__ import annotations

from assistant.context import TurnContext
from assistant.messages import message
from assistant.translations import every_translated_text, is_translated
from guardrails.safety.signposting import translation


def has_translated_paragraph(ctx: TurnContext) -> bool:
    answer = " ".join(ctx.full_answer.split())
    return any(text in answer for text in every_translated_text(ctx.language)) or _has_signposting(ctx, answer)


def _has_signposting(ctx: TurnContext, answer: str) -> bool:
    # Translated signposting starts with its route text, which the stages put first in the answer or notices.
    drafted = translation(ctx.language) or {}
    return any(" ".join(str(text).split()) in answer for text in drafted.get("routes", {}).values())


def finish(ctx: TurnContext) -> None:
    if ctx.language != "en" and is_translated(ctx.language) and not has_translated_paragraph(ctx):
        ctx.notices.insert(0, message("english_only_note", ctx.language))
