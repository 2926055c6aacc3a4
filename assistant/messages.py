"""Loads the fixed assistant wording from data, so editors change text without touching code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from assistant.translations import translated_message

MESSAGES_FILE = Path(__file__).parent / "data" / "messages.yaml"


@lru_cache(maxsize=1)
def _messages() -> dict[str, str]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def message(key: str, language: str | None = None) -> str:
    """The fixed text in the parent's language when it has been translated, otherwise in English."""
    return translated_message(key, language) or _messages()[key].strip()
