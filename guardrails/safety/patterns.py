"""Wording patterns per route, loaded from data/patterns.yaml and compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from guardrails.safety._data import load

_MACRO = re.compile(r"\{([A-Z_]+)\}")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_SPACES = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"\[([A-Za-z_]+)\]")  # redaction placeholders such as [CHILD_NAME]


@dataclass(frozen=True)
class PatternSet:
    idioms: tuple[re.Pattern[str], ...]
    routes: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]
    in_scope: tuple[re.Pattern[str], ...]
    guarded: frozenset[str]
    closing: re.Pattern[str]


def _expand(pattern: str, macros: dict[str, str]) -> str:
    # Macros may use other macros ("VICTIM" uses "KID"); expand until stable.
    for _ in range(5):
        expanded = _MACRO.sub(lambda m: macros[m.group(1)] if m.group(1) in macros else m.group(0), pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


@lru_cache(maxsize=1)
def pattern_set() -> PatternSet:
    data = load("patterns.yaml")
    macros: dict[str, str] = data.get("macros", {})

    def compile_(text: str) -> re.Pattern[str]:
        try:
            return re.compile(_expand(text, macros))
        except re.error as error:  # name the broken line for the editor who changed it
            raise ValueError(f"patterns.yaml: bad pattern {text[:80]!r}: {error}") from error

    routes = {
        route: tuple((name, compile_(text)) for name, text in entries.items())
        for route, entries in data["routes"].items()
    }
    return PatternSet(
        idioms=tuple(compile_(text) for text in data.get("idioms", [])),
        routes=routes,
        in_scope=tuple(compile_(text) for text in data.get("in_scope", [])),
        guarded=frozenset(data.get("out_of_scope_guarded", [])),
        closing=compile_(data["closing_words"]),
    )


def prepare(text: str) -> str:
    """Lower-case, straighten quotes, collapse spaces: the form every pattern is written against.

    Redaction placeholders become plain words ("[CHILD_NAME]" -> "child_name") so word boundaries work.
    """
    text = _PLACEHOLDER.sub(lambda m: m.group(1), text)
    return _SPACES.sub(" ", text.translate(_QUOTES).lower()).strip()


def without_idioms(prepared: str) -> str:
    # Blank idioms out (not delete) so words either side do not join into a new phrase.
    for idiom in pattern_set().idioms:
        prepared = idiom.sub(" , ", prepared)
    return prepared


def in_scope(prepared: str) -> bool:
    return any(p.search(prepared) for p in pattern_set().in_scope)


def is_closing(prepared: str) -> bool:
    return bool(pattern_set().closing.match(prepared))


def matches(text: str) -> dict[str, str]:
    """Route -> name of the first pattern that fired, on text already passed through prepare()."""
    patterns = pattern_set()
    cleaned = without_idioms(text)
    scoped = in_scope(cleaned)
    hits: dict[str, str] = {}
    for route, entries in patterns.routes.items():
        for name, regex in entries:
            if route == "out_of_scope" and name in patterns.guarded and scoped:
                continue  # "football" in a stay-and-play question is not a football question
            if regex.search(cleaned):
                hits[route] = name
                break
    return hits
