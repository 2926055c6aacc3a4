"""Word lists that decide what is and is not a person's name (data in config.yaml and data/)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from guardrails.pii.everyday_words import is_english_word, is_everyday_word
from guardrails.pii.settings import DATA_DIR, load_config, spacy_model_name


def _read_word_file(path: Path) -> frozenset[str]:
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _lower_set(words: list[str]) -> frozenset[str]:
    return frozenset(word.lower() for word in words)


@dataclass(frozen=True)
class Lexicon:
    first_names: frozenset[str]
    surnames: frozenset[str]
    word_names: frozenset[str]
    titles: frozenset[str]
    not_names: frozenset[str]
    # Phrases that are never people: places, services, roles, days and months.
    never_people: frozenset[str]
    non_person_heads: frozenset[str]
    service_heads: frozenset[str]
    # Never-people phrases of two or more words, by first word: "chatter group", "stay and play".
    phrases_by_first_word: dict[str, tuple[str, ...]]
    weekdays_months: frozenset[str]
    spacy_model: str

    def is_everyday_word(self, word: str) -> bool:
        """A lowercase verb, adjective or adverb: "repeats", "sick"."""
        return is_everyday_word(word.lower(), self.spacy_model)

    def is_english_word(self, word: str) -> bool:
        """Any dictionary word, nouns included ("sleep", "bounce"): doubt it as a name unless listed."""
        return is_english_word(word.lower(), self.spacy_model)

    def is_first_name(self, word: str) -> bool:
        return word.lower() in self.first_names

    def is_known_name_word(self, word: str) -> bool:
        lowered = word.lower()
        return lowered in self.first_names or lowered in self.word_names or lowered in self.surnames

    def is_never_person(self, phrase: str) -> bool:
        return phrase.lower().strip() in self.never_people

    def starts_never_person_phrase(self, text: str, start: int, end: int) -> bool:
        """Does a longer place or service name start here ("Stay" of "Stay and Play")?"""
        phrases = self.phrases_by_first_word.get(text[start:end].lower())
        if not phrases:
            return False
        following = text[start : start + 60].lower()
        return any(
            following.startswith(phrase) and not following[len(phrase) : len(phrase) + 1].isalnum()
            for phrase in phrases
        )


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    config = load_config()
    names = config["names"]
    word_names = _lower_set(names["word_names"])
    weekdays_months = _lower_set(config["weekdays_months"])
    never_people = (
        _lower_set(config["places"])
        | _lower_set(config["services"])
        | _lower_set(config["roles"])
        | _lower_set(config.get("products", []))
        | weekdays_months
    )
    by_first_word: dict[str, list[str]] = {}
    for phrase in never_people:
        first, _, rest = phrase.partition(" ")
        if rest:
            by_first_word.setdefault(first, []).append(phrase)
    return Lexicon(
        first_names=_read_word_file(DATA_DIR / "first_names.txt") - word_names,
        surnames=_read_word_file(DATA_DIR / "surnames.txt"),
        word_names=word_names,
        titles=_lower_set(names["titles"]),
        not_names=_lower_set(names["not_names"]) | frozenset(STOP_WORDS) | _lower_set(config["roles"]),
        never_people=never_people,
        non_person_heads=_lower_set(config["non_person_heads"]),
        service_heads=_lower_set(config.get("service_heads", [])),
        phrases_by_first_word={first: tuple(phrases) for first, phrases in by_first_word.items()},
        weekdays_months=weekdays_months,
        spacy_model=spacy_model_name(),
    )
