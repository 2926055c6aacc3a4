"""UK street addresses: "14 Elm Road", "Flat 3, 22 Kings Avenue", "Rose Cottage, Mill Lane", "apartment 5"."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer
from guardrails.pii.lexicon import load_lexicon
from guardrails.pii.settings import load_config

_STREET_WORD = r"[^\W\d_][\w'’\-]*"
_WORD = regex.compile(r"[^\W\d_][\w'’\-]*")


def _alternatives(words: list[str]) -> str:
    return "|".join(regex.escape(word) for word in words)


class StreetAddressRecognizer(PatternRecognizer):
    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        address_config = load_config()["street_address"]
        suffix = rf"(?:{_alternatives(address_config['suffixes'])})\b\.?"
        flat = rf"(?:{_alternatives(address_config['flat_words'])})\s*(?:no\.?\s*)?\d+[a-z]?\b"
        # House names are written with capitals ("Rose Cottage"); that keeps "live at" out of the match.
        house_name = rf"(?:the\s+)?(?:(?-i:[A-Z]){_STREET_WORD}\s+){{0,2}}(?:{_alternatives(address_config['house_words'])})\b"
        street = rf"(?:{_STREET_WORD}\s+){{1,3}}?{suffix}"
        score = float(address_config["score"])
        one_word = _alternatives(address_config.get("one_word_streets", [])).replace("\\ ", r"\s+")
        patterns = [
            Pattern("numbered street", rf"\b(?:{flat},?\s+)?\d{{1,4}}[a-z]?,?\s+{street}", score),
            Pattern("house name and street", rf"\b{house_name},\s*{street}", score),
            Pattern("flat alone", rf"\b{flat}", score),
            Pattern(
                "numbered one-word street", rf"\b(?:{flat},?\s+)?\d{{1,4}}[a-z]?,?\s+(?:{one_word})\b", score
            ),
        ]
        super().__init__(
            supported_entity="STREET_ADDRESS",
            patterns=patterns,
            supported_language=supported_language,
            name=name,
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """"10 on the way" and "2 year old place" are not addresses: lowercase stop words, ages and the
        other not-a-name words do not make up street names."""
        not_street_words = load_lexicon().not_names
        words = [word for word in pattern_text.replace(",", " ").split() if _WORD.fullmatch(word)]
        # Capitalised words are street or house names ("The Old Barn"), whatever they mean elsewhere.
        return any(word in not_street_words for word in words[:-1] if word.islower())
