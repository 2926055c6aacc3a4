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
    in_scope_weak: tuple[re.Pattern[str], ...]  # hub-ish words ("times", "book") that also occur off-topic
    guarded: frozenset[str]
    guarded_by_children: frozenset[str]  # out_of_scope patterns silenced only by a child/hub word
    closing: re.Pattern[str]
    past_resolved: re.Pattern[str]  # an emergency told as over and done ("last year ... he's fine now")
    in_passing: re.Pattern[str]  # a symptom mentioned only to explain a missed or booked session
    soft_medical: frozenset[str]  # medical patterns that an in_passing framing cancels
    clause_split: re.Pattern[str]  # where a long message is cut into clauses
    crisis_first: frozenset[str]  # crisis patterns that outrank safeguarding found only by embeddings


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
        in_scope_weak=tuple(compile_(text) for text in data.get("in_scope_weak", [])),
        guarded=frozenset(data.get("out_of_scope_guarded", [])),
        guarded_by_children=frozenset(data.get("out_of_scope_guarded_children", [])),
        closing=compile_(data["closing_words"]),
        past_resolved=compile_(data["context"]["past_resolved"]),
        in_passing=compile_(data["context"]["in_passing"]),
        soft_medical=frozenset(data["context"]["soft_medical"]),
        clause_split=compile_(data["context"]["clause_split"]),
        crisis_first=frozenset(data["context"].get("crisis_over_embedded_safeguarding", [])),
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
    return about_children(prepared) or any(p.search(prepared) for p in pattern_set().in_scope_weak)


def about_children(prepared: str) -> bool:
    """Names a young child or a hub topic (the strong in_scope words): the route model may not call it
    out of scope. Weak words such as "times" or "book" are left out: "what time is the match" is off topic."""
    return any(p.search(prepared) for p in pattern_set().in_scope)


def is_closing(prepared: str) -> bool:
    return bool(pattern_set().closing.match(prepared))


def all_matches(text: str) -> dict[str, list[str]]:
    """Route -> names of every pattern that fired, on text already passed through prepare()."""
    patterns = pattern_set()
    cleaned = without_idioms(text)
    scoped = in_scope(cleaned)
    children = about_children(cleaned)
    hits: dict[str, list[str]] = {}
    for route, entries in patterns.routes.items():
        for name, regex in entries:
            if route == "out_of_scope" and name in patterns.guarded and scoped:
                continue  # "football" in a stay-and-play question is not a football question
            if route == "out_of_scope" and name in patterns.guarded_by_children and children:
                continue
            if regex.search(cleaned):
                hits.setdefault(route, []).append(name)
    return hits


def matches(text: str) -> dict[str, str]:
    """Route -> name of the first pattern that fired, after the context rules below.

    - An emergency told as past and resolved ("he had a febrile seizure last year but he's fine now") is
      not an emergency now (safeguarding and crisis are never cancelled this way: past abuse still counts).
    - A mild symptom mentioned only to explain a missed session ("he was poorly so we missed the group")
      is not a medical question, unless a stronger medical pattern also fired.
    """
    patterns = pattern_set()
    cleaned = without_idioms(text)
    hits = all_matches(text)
    if "emergency" in hits and is_past_resolved(cleaned):
        del hits["emergency"]
    if "medical" in hits and set(hits["medical"]) <= patterns.soft_medical and patterns.in_passing.search(cleaned):
        del hits["medical"]
    return {route: names[0] for route, names in hits.items()}


_DOTTED = re.compile(r"\b(?:[a-z0-9][.\-_*]){2,}[a-z0-9]\b")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_MIXED = re.compile(r"[a-z@$]*[0-9@$][a-z0-9@$]*")


def deobfuscated(prepared: str) -> str:
    """Undo spelling tricks that hide words from the patterns: "i.g.n.o.r.e" and "1gn0r3 y0ur rul3s".

    Only tokens mixing letters with digits are de-leeted, so "2 year old" and "38.5" are left alone.
    Returns '' when nothing changed.
    """
    text = _DOTTED.sub(lambda m: re.sub(r"[.\-_*]", "", m.group(0)), prepared)
    text = _MIXED.sub(lambda m: m.group(0).translate(_LEET) if re.search(r"[a-z]", m.group(0)) else m.group(0), text)
    return text if text != prepared else ""


def is_past_resolved(prepared: str) -> bool:
    return bool(pattern_set().past_resolved.search(prepared))


def clauses(text: str, most: int = 4) -> list[str]:
    """Cut a long message into at most `most` clauses (adjacent short pieces are merged)."""
    pieces = [p.strip(" ,;-") for p in pattern_set().clause_split.split(text) if p and p.strip(" ,;-")]
    while len(pieces) > most:
        # merge the shortest piece into its shorter neighbour
        i = min(range(len(pieces)), key=lambda k: len(pieces[k].split()))
        if i == 0:
            j = 1
        elif i == len(pieces) - 1:
            j = i - 1
        else:
            j = i - 1 if len(pieces[i - 1].split()) <= len(pieces[i + 1].split()) else i + 1
        a, b = sorted((i, j))
        pieces[a:b + 1] = [f"{pieces[a]}, {pieces[b]}"]
    return pieces
