"""A first draft of the form from the chat. Uses the redacted text only; the parent edits everything."""

from __future__ import annotations

import re

from assistant.conversations import ConversationNotFound, transcript
from core.database import session_scope
from assistant.conversations import ConversationRecord
from assistant.handoffs.choices import NOT_SURE, form_choices

SKIPPED_ROUTES = {"safeguarding", "emergency"}  # these get signposting, never a handoff
AGE_WORDS = re.compile(r"\b(\d)[\s-]*(?:year|yr)s?[\s-]*old\b|\b(\d+)[\s-]*months?[\s-]*old\b", re.I)


def blank_answers(area: str | None = None) -> dict:
    return {"area": area or "", "hub": NOT_SURE, "concerns": [], "involved": [], "child_age": "",
            "contact_method": ""}


def _age_code(text: str) -> str:
    match = AGE_WORDS.search(text)
    if not match:
        return ""
    if match.group(2):
        return "under-1" if int(match.group(2)) < 12 else str(min(int(match.group(2)) // 12, 5))
    return match.group(1) if match.group(1) in form_choices()["child_ages"] else ""


def _concerns(text: str) -> list[str]:
    lowered = text.lower()
    return [code for code, info in form_choices()["concerns"].items()
            if any(word in lowered for word in info["keywords"])]


def prefill(conversation_id: str | None) -> dict:
    answers = blank_answers()
    if not conversation_id:
        return answers
    try:
        turns = [t for t in transcript(conversation_id) if t.route not in SKIPPED_ROUTES]
    except ConversationNotFound:
        return answers
    with session_scope() as session:
        conversation = session.get(ConversationRecord, conversation_id)
        answers["area"] = (conversation.area if conversation else None) or ""
    said = "\n".join(turn.redacted_text for turn in turns)
    answers.update(noticed=said[:1500], concerns=_concerns(said), child_age=_age_code(said))
    return answers
