"""Every mention of a name already found, in this message or earlier turns ("jack ... jack's")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from presidio_analyzer import PatternRecognizer, RecognizerResult

from guardrails.pii.lexicon import Lexicon
from guardrails.pii.recognizers.name_words import NAME_WORD

MENTION_SCORE = 0.7
_CASE_SENSITIVE_FLAGS = re.DOTALL | re.MULTILINE


def name_forms(person_text: str, lexicon: Lexicon) -> set[str]:
    """"Emma Clarke" -> {"emma clarke", "emma", "clarke"}: later turns may use either."""
    words = [word.lower() for word in NAME_WORD.findall(person_text)]
    forms = {" ".join(words)} if words else set()
    forms.update(
        word for word in words if len(word) > 1 and word not in lexicon.titles and not lexicon.is_never_person(word)
    )
    return forms


def find_mentions(text: str, names: Iterable[str], lexicon: Lexicon,
                  capitalised_words: frozenset[str] = frozenset()) -> list[RecognizerResult]:
    """Presidio deny lists; names that are also common words ("will", "may"), and dictionary words found as a
    name with a capital ("Summer ... the summer holidays"), only count with a capital."""
    plain = sorted({name for name in names if name not in lexicon.not_names and name not in capitalised_words})
    wordlike = sorted({name.title() for name in names if name in lexicon.not_names or name in capitalised_words})
    results: list[RecognizerResult] = []
    if plain:
        results += PatternRecognizer("PERSON", deny_list=plain, deny_list_score=MENTION_SCORE).analyze(text, ["PERSON"])
    if wordlike:
        recognizer = PatternRecognizer(
            "PERSON", deny_list=wordlike, deny_list_score=MENTION_SCORE, global_regex_flags=_CASE_SENSITIVE_FLAGS
        )
        results += recognizer.analyze(text, ["PERSON"])
    return results
