"""Word lists that decide what is and is not a person's name (data in config.yaml and data/)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
import yaml

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
    formal_titles: frozenset[str]  # "Ms", "Dr": the word after one is a surname, even a listed place's name
    not_names: frozenset[str]
    # Phrases that are never people: places, services, roles, days and months.
    never_people: frozenset[str]
    non_person_heads: frozenset[str]
    service_heads: frozenset[str]
    # Never-people phrases of two or more words, by first word: "chatter group", "stay and play".
    phrases_by_first_word: dict[str, tuple[str, ...]]
    weekdays_months: frozenset[str]
    spacy_model: str
    # Characters, brands, places and services that look like names (data/not_people.yaml), by word count.
    not_people: frozenset[str] = frozenset()
    not_people_longest: int = 1

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

    def protected_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the text names a character, brand, place or service from not_people.yaml ("Peppa Pig",
        "Mr Tumble", "Alder Hey"): a name found inside one of these is not a person."""
        return _protected_spans(text, self.not_people, self.not_people_longest)

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


_WORD = regex.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*['’]?")


@lru_cache(maxsize=256)
def _protected_spans(text: str, phrases: frozenset[str], longest: int) -> list[tuple[int, int]]:
    words = list(_WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    # A closing quote is not part of the word: "says 'Mr Tumble'" names the character too.
    bare = [w.group(0).rstrip("'’").lower() for w in words]
    for i in range(len(words)):
        for n in range(min(longest, len(words) - i), 0, -1):  # longest phrase first
            if " ".join(bare[i:i + n]) in phrases:
                spans.append((words[i].start(), words[i + n - 1].end()))
                break
    return spans


def _not_people(first_names: frozenset[str], word_names: frozenset[str], surnames: frozenset[str]) -> frozenset[str]:
    """Every entry of data/not_people.yaml, less any single word that is also a person's name: listing
    "George" would let a real child called George through, so only "George Pig" counts."""
    data = yaml.safe_load((DATA_DIR / "not_people.yaml").read_text(encoding="utf-8")) or {}
    entries = {" ".join(_WORD.findall(str(e))).lower() for values in data.values() for e in (values or [])}
    names = first_names | word_names | surnames
    return frozenset(e for e in entries if e and (" " in e or e not in names))


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
    first_names = _read_word_file(DATA_DIR / "first_names.txt") - word_names
    surnames = _read_word_file(DATA_DIR / "surnames.txt")
    not_people = _not_people(first_names, word_names, surnames)
    return Lexicon(
        first_names=first_names,
        surnames=surnames,
        not_people=not_people,
        not_people_longest=max((len(p.split()) for p in not_people), default=1),
        word_names=word_names,
        titles=_lower_set(names["titles"]),
        formal_titles=_lower_set(names["formal_titles"]),
        not_names=_lower_set(names["not_names"]) | frozenset(STOP_WORDS) | _lower_set(config["roles"]),
        never_people=never_people,
        non_person_heads=_lower_set(config["non_person_heads"]),
        service_heads=_lower_set(config.get("service_heads", [])),
        phrases_by_first_word={first: tuple(phrases) for first, phrases in by_first_word.items()},
        weekdays_months=weekdays_months,
        spacy_model=spacy_model_name(),
    )
