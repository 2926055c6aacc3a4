"""Rewrite a parent's wording into the guidance's words for keyword search (data in data/query_terms.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TERMS_FILE = Path(__file__).parent / "data" / "query_terms.yaml"


def _group(pattern: str) -> str:
    # Letters only at the edges, so "3yo" and "4yr" are found but "mo" inside "months" is not.
    return f"(?:{pattern})"


Rules = list[tuple[re.Pattern[str], str]]


@lru_cache(maxsize=1)
def _rules() -> dict[str, Rules]:
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    return {
        section: [(re.compile(rf"(?<![a-z']){_group(k)}(?![a-z'])", re.I), v) for k, v in (data.get(section) or {}).items()]
        for section in ("abbreviations", "spelling", "add", "topics")
    }


@dataclass(frozen=True)
class Expanded:
    text: str  # for keyword search
    abbreviated: bool  # the parent used words the meaning model may not know (HV, SALT, telly)


@lru_cache(maxsize=512)
def expand(text: str) -> Expanded:
    """Abbreviations and text-speak replaced; the guidance's words added for ideas described in other words."""
    rules = _rules()
    out, abbreviated = text, False
    for pattern, words in rules["abbreviations"]:
        out, count = pattern.subn(words, out)
        abbreviated = abbreviated or count > 0
    for pattern, words in rules["spelling"]:
        out = pattern.sub(words, out)
    extra = [words for pattern, words in rules["add"] if pattern.search(out)]
    return Expanded(" ".join([out, *extra]), abbreviated)


@lru_cache(maxsize=512)
def topic_needs(text: str) -> tuple[re.Pattern[str], ...]:
    """Patterns a guidance section must contain to be about the same thing as the question."""
    expanded = expand(text).text
    return tuple(re.compile(need, re.I) for pattern, need in _rules()["topics"] if pattern.search(expanded))
