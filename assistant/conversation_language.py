"""Which language to answer in: the message's own, or the conversation's for a short or unclear message.

The conversation's language comes back with every reply (`language` in the API, a hidden field on the chat
page), and the parent can choose it on the page; the server remembers nothing."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from assistant.translations import languages
from guardrails.language import detectable_languages, language_of

SETTINGS_FILE = Path(__file__).parent / "data" / "conversation_language.yaml"


@lru_cache(maxsize=1)
def _settings() -> dict:
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


def known_codes() -> list[str]:
    """The languages the page or API may carry: those we reply in, and those the detector tells apart."""
    return sorted({*languages(), *detectable_languages()})


def is_known(code: str) -> bool:
    """Checked on every message carrying a language, so without building known_codes' sorted list."""
    return code in languages() or code in detectable_languages()


def turn_language(text: str, carried: str | None) -> str:
    """ISO 639-1 code of the reply's language. `carried`: the conversation's language so far (or chosen)."""
    carried = carried or "en"
    detected = language_of(text)
    if detected is None or detected == "und":
        return carried  # "ok", "👍", or a language not told apart: keep the conversation's
    if detected == "en" and carried != "en" and len(text.split()) <= int(_settings()["keep_language_up_to_words"]):
        return carried  # "thanks" in a Polish conversation
    return detected


def paragraph_languages(answer: str, language: str) -> list[str]:
    """Per paragraph of the answer (split on blank lines): `language` where it reads as that language, else
    "en". For lang attributes on the page, and the evaluation's "a paragraph in the parent's language" check."""
    if language == "en":
        return ["en" for _ in answer.split("\n\n")]
    # A block's first line decides too: translated signposting puts a heading in the parent's language over
    # contacts whose names stay in English ("Children's social care in Leeds:" then "- Leeds ...: 0113 ...").
    return [language if language in (language_of(part), language_of(part.split("\n", 1)[0])) else "en"
            for part in answer.split("\n\n")]
