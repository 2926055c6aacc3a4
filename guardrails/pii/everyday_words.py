"""Is a lowercase word an everyday verb, adjective or adverb ("repeats", "sick", "grabbed")?

Uses the English lemmatizer tables (WordNet word lists) that ship inside the spaCy model package,
so "my son repeats everything" is not read as a son called Repeats. Nouns are not used: the noun
list holds many first names (noah, amelia).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from spacy.lookups import Lookups

_PARTS_OF_SPEECH = ("verb", "adj", "adv")
_ALL_PARTS_OF_SPEECH = ("noun", "verb", "adj", "adv")


def _lookups_dir(model_name: str) -> Path | None:
    spec = importlib.util.find_spec(model_name)
    if spec is None or not spec.submodule_search_locations:
        return None
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(package_dir.glob("**/lemmatizer/lookups"))
    return found[0] if found else None


Tables = tuple[dict[str, frozenset[str]], dict[str, dict[str, list[str]]], dict[str, list[list[str]]]]


@lru_cache(maxsize=8)
def _tables(model_name: str, parts_of_speech: tuple[str, ...] = _PARTS_OF_SPEECH) -> Tables:
    lookups_dir = _lookups_dir(model_name)
    if lookups_dir is None:  # a model without a lemmatizer: no everyday-word check
        return {}, {}, {}
    lookups = Lookups().from_disk(lookups_dir)
    index, exceptions, rules = (lookups.get_table(name) for name in ("lemma_index", "lemma_exc", "lemma_rules"))
    return (
        {pos: frozenset(index.get(pos, [])) for pos in parts_of_speech},
        {pos: dict(exceptions.get(pos, {})) for pos in parts_of_speech},
        {pos: list(rules.get(pos, [])) for pos in parts_of_speech},
    )


def _in_tables(word: str, tables: Tables) -> bool:
    index, exceptions, rules = tables
    for pos, known in index.items():
        forms = {word, *exceptions[pos].get(word, [])}
        forms.update(word[: -len(old)] + new for old, new in rules[pos] if old and word.endswith(old))
        if forms & known:
            return True
    return False


@lru_cache(maxsize=8192)
def is_everyday_word(word: str, model_name: str) -> bool:
    """spaCy's rule lemmatizer in miniature: exceptions, then suffix rules, then the word lists."""
    return _in_tables(word, _tables(model_name))


@lru_cache(maxsize=8192)
def is_english_word(word: str, model_name: str) -> bool:
    """Any dictionary word, nouns too ("sleep", "bedtime", "bounce"). The noun list also holds famous
    first names (noah, amelia), so use this only to doubt words that are NOT in the name lists."""
    return _in_tables(word, _tables(model_name, _ALL_PARTS_OF_SPEECH))
