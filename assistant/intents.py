"""Wording patterns for the non-safety kinds of turn, loaded from assistant/data/intents.yaml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

INTENTS_FILE = Path(__file__).parent / "data" / "intents.yaml"
# Emoji, kisses and repeated punctuation say nothing about the kind of turn: "thank u so much 😊 xx" is thanks.
_DECORATION = re.compile(r"[^\w\s'?!.,&/-]+|(?<=\s)x+$|(?<=[!.,])x+$", re.IGNORECASE)


def _bare(text: str) -> str:
    return re.sub(r"\s+", " ", _DECORATION.sub(" ", text.strip())).strip()


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=1)
def _patterns() -> dict:
    data = yaml.safe_load(INTENTS_FILE.read_text(encoding="utf-8"))
    return {
        "greeting": {kind: _compile(p) for kind, p in data["greeting"].items()},
        "handoff": [_compile(p) for p in data["handoff"]],
        "vague": _compile(data["vague"]),
        "follow_up": _compile(data["follow_up"]),
        "services": [_compile(p) for p in data["services"]],
    }


def greeting_kind(text: str) -> str | None:
    """'hello', 'thanks', 'goodbye', 'identity' or 'capabilities' when the whole message is one, by the wording
    patterns (high precision). assistant/conversation.py recognises the other phrasings."""
    return next((kind for kind, p in _patterns()["greeting"].items() if p.search(_bare(text))), None)


def asks_for_contact(text: str) -> bool:
    return any(p.search(text) for p in _patterns()["handoff"])


def is_vague(text: str) -> bool:
    return bool(_patterns()["vague"].search(_bare(text)))


def is_follow_up(text: str) -> bool:
    return bool(_patterns()["follow_up"].search(text.strip())) or len(text.split()) <= 3


def continues_earlier_turn(text: str) -> bool:
    """Worded as a follow-up ("and for a 3 year old?", "same for boys?"): it refers to a turn before it."""
    return bool(_patterns()["follow_up"].search(_bare(text)))


def asks_about_services(text: str) -> bool:
    from knowledge_base.directory.search import looks_like_service_question

    return any(p.search(text) for p in _patterns()["services"]) or looks_like_service_question(text)
