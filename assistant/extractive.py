"""Trim a guidance section to the sentences that answer the question, keeping its own words."""

from __future__ import annotations

import re

MAX_WORDS = 110
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "a an and are at be can do does for from how i in is it my of on or should the to what when where "
    "which who why will with you your me we our he she his her they their this that".split()
)


def _terms(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


def _units(section: str) -> list[str]:
    """Bullet items stay whole; paragraphs split into sentences."""
    units: list[str] = []
    for block in re.split(r"\n\s*\n", section.strip()):
        lines = block.splitlines()
        if any(line.lstrip().startswith(("-", "*")) for line in lines):
            units.append(block.strip())
        else:
            units.extend(_SENTENCE_END.split(" ".join(line.strip() for line in lines)))
    return [u for u in units if u.strip()]


def trim_section(section: str, question: str, max_words: int = MAX_WORDS) -> str:
    """The whole section when short; otherwise its opening plus the units sharing most terms with the question."""
    if len(section.split()) <= max_words:
        return section.strip()
    units = _units(section)
    wanted = _terms(question)
    ranked = sorted(range(1, len(units)), key=lambda i: len(wanted & _terms(units[i])), reverse=True)
    keep, words = {0}, len(units[0].split())
    for i in ranked:
        if words + len(units[i].split()) > max_words:
            continue
        keep.add(i)
        words += len(units[i].split())
    return _join([units[i] for i in sorted(keep)])


def _join(units: list[str]) -> str:
    text = ""
    for unit in units:
        separator = "\n\n" if unit.lstrip().startswith(("-", "*")) or text.rstrip().endswith(":") else " "
        text = f"{text}{separator}{unit}" if text else unit
    return text
