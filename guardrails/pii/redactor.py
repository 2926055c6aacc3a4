"""redact(): find personal data with Presidio and replace it with readable placeholders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex
from presidio_analyzer import RecognizerResult
from presidio_anonymizer.entities import OperatorConfig

from guardrails.language import is_english
from guardrails.pii.engine import get_analyzer, get_anonymizer
from guardrails.pii.lexicon import Lexicon, load_lexicon
from guardrails.pii.mentions import find_mentions, name_forms
from guardrails.pii.person_spans import tidy_person
from guardrails.pii.recognizers.name_words import NAME_PATTERN, passes_likely_cue, without_possessive
from guardrails.pii.resolve import resolve_overlaps
from guardrails.pii.settings import load_config


@dataclass(frozen=True)
class Redaction:
    text: str
    entities: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, start, end) in the input
    kinds: list[str] = field(default_factory=list)  # e.g. ["NAME", "PHONE"], in config order
    names: frozenset[str] = frozenset()  # lowercased names, for the caller's next turn


@lru_cache(maxsize=1)
def _kind_by_entity() -> dict[str, str]:
    return dict(load_config()["kinds"])


def _keep_district(postcode: str) -> str:
    """"LS6 2AB" -> "LS6 [POSTCODE]": the district helps find a hub and does not identify a family."""
    outward = postcode.strip()[:-3].strip()
    return f"{outward} [POSTCODE]" if outward else "[POSTCODE]"


@lru_cache(maxsize=1)
def _operators() -> dict[str, OperatorConfig]:
    operators = {
        entity: OperatorConfig("replace", {"new_value": f"[{kind}]"}) for entity, kind in _kind_by_entity().items()
    }
    if load_config().get("keep_postcode_district"):
        operators["UK_POSTCODE"] = OperatorConfig("custom", {"lambda": _keep_district})
    return operators


_JOINER = r"\s*(?:,|\band\b|&|\bor\b|\+|/)\s*"
_JOINED_AFTER = regex.compile(rf"{_JOINER}(?P<name>{NAME_PATTERN})(?![\w'’\-])", regex.IGNORECASE)
_JOINED_BEFORE = regex.compile(rf"(?<![\w'’\-])(?P<name>{NAME_PATTERN}){_JOINER}$", regex.IGNORECASE)
_LOOK_BACK = 40
_JOIN_SCORE = 0.7
_MAX_JOIN_ROUNDS = 4


def _joined_names(text: str, results: list[RecognizerResult], lexicon: Lexicon) -> list[RecognizerResult]:
    """Names listed with a name already found: "Kiera, [Tia] and [Mikey]", "[Tunde] & Dapo"."""
    found = list(results)
    for _ in range(_MAX_JOIN_ROUNDS):
        taken = [(result.start, result.end) for result in found]
        added: list[RecognizerResult] = []
        for result in found:
            if result.entity_type != "PERSON":
                continue
            window_start = max(0, result.start - _LOOK_BACK)
            after = _JOINED_AFTER.match(text, result.end)
            before = _JOINED_BEFORE.search(text[window_start : result.start])
            spans: list[tuple[int, int]] = []
            if after:
                spans.append((after.start("name"), after.end("name")))
            if before:
                spans.append((before.start("name") + window_start, before.end("name") + window_start))
            for start, end in spans:
                end = without_possessive(text, start, end)
                overlaps = any(start < kept_end and kept_start < end for kept_start, kept_end in taken)
                if not overlaps and passes_likely_cue(text[start:end], lexicon):
                    added.append(RecognizerResult("PERSON", start, end, _JOIN_SCORE))
                    taken.append((start, end))
        if not added:
            break
        found = resolve_overlaps(found + added)
    return found


def _find(text: str, known_names: frozenset[str]) -> list[RecognizerResult]:
    lexicon = load_lexicon()
    found = get_analyzer().analyze(text=text, language="en", entities=list(_kind_by_entity()))
    if not is_english(text):
        # The English NER model reads Polish or Roman Urdu words as names ("saans nahi"): in another
        # language only the recognizers that do not depend on English are trusted.
        english_only = set(load_config()["other_languages"]["english_only_recognizers"])
        found = [r for r in found if (r.recognition_metadata or {}).get("recognizer_name") not in english_only]
    tidied = [tidy_person(result, text, lexicon) if result.entity_type == "PERSON" else result for result in found]
    resolved = resolve_overlaps([result for result in tidied if result is not None])
    if any(result.entity_type == "PERSON" for result in resolved):
        resolved = _joined_names(text, resolved, lexicon)
    names = set(known_names)
    capitalised_words: set[str] = set()
    for result in resolved:
        if result.entity_type == "PERSON":
            surface = text[result.start : result.end]
            forms = name_forms(surface, lexicon)
            names |= forms
            if surface[:1].isupper():
                capitalised_words |= {form for form in forms if lexicon.is_english_word(form)}
    if not names:
        return resolved
    return resolve_overlaps(resolved + find_mentions(text, names, lexicon, frozenset(capitalised_words)))


def redact(text: str, known_names: frozenset[str] = frozenset()) -> Redaction:
    if not text.strip():
        return Redaction(text=text)
    results = _find(text, known_names)
    if not results:
        return Redaction(text=text)
    anonymized = get_anonymizer().anonymize(text=text, analyzer_results=results, operators=_operators())
    kind_by_entity = _kind_by_entity()
    entities = [(kind_by_entity[result.entity_type], result.start, result.end) for result in results]
    found_kinds = {kind for kind, _, _ in entities}
    lexicon = load_lexicon()
    names = frozenset(
        form
        for result in results
        if result.entity_type == "PERSON"
        for form in name_forms(text[result.start : result.end], lexicon)
    )
    return Redaction(
        text=anonymized.text,
        entities=entities,
        kinds=[kind for kind in kind_by_entity.values() if kind in found_kinds],
        names=names,
    )
