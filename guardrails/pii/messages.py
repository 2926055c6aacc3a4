"""describe_removed: the plain-words note for the parent, from messages.yaml."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import yaml

from guardrails.pii.settings import PII_DIR


@lru_cache(maxsize=1)
def _messages() -> dict[str, Any]:
    with (PII_DIR / "messages.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _join(phrases: list[str], and_word: str) -> str:
    return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} {and_word} {phrases[-1]}"


def describe_removed(kinds: Sequence[str]) -> str:
    """"" when nothing was removed; unknown kinds are ignored rather than shown raw."""
    messages = _messages()
    phrases = [messages["kinds"][kind] for kind in dict.fromkeys(kinds) if kind in messages["kinds"]]
    if not phrases:
        return ""
    return messages["template"].format(removed=_join(phrases, messages["and_word"]))
