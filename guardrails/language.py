"""Which language a parent wrote in (lingua, whose models ship inside its wheel; nothing is downloaded)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.lang.en.stop_words import STOP_WORDS

from guardrails.language_learned import is_latin
from guardrails.language_learned import model as learned_language

LANGUAGES_FILE = Path(__file__).parent / "data" / "languages.yaml"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(LANGUAGES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in settings()["languages"]]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


@lru_cache(maxsize=512)
def language_of(text: str) -> str | None:
    """ISO 639-1 code ("en", "pl", "ur"...), "und" for a language not told apart, or None when there is
    too little text to tell (treated as English)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    if is_latin(text):
        share = english_word_share(text)
        if share is None:
            return None  # "hi", "ok thx": nothing to tell by
        # Romanised Urdu, Banglish, Arabizi and code-mixed messages ("czy family hub ma stay and play") are
        # known to the reader learned from the project's own lines; it speaks only when sure.
        claimed = learned_language().claim(text)
        if claimed:
            return claimed
        # Mostly English words: English, whatever letter statistics say of text-speak ("wat tym iz d stay
        # n play 2moro" looks Turkish to them). Few: romanised Urdu or Somali, Polish, Spanish...
        if share >= float(settings()["min_english_word_share"]):
            return "en"
    with _lock:
        confidences = _detector().compute_language_confidence_values(text)
    best = next((c for c in confidences if c.language.name != "ENGLISH"), None)
    return best.language.iso_code_639_1.name.lower() if best and best.value > 0 else "und"


_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def english_word_share(text: str) -> float | None:
    """Share of the content words (three letters or more, not function words) that are English dictionary
    words; None when there are none. Function words are left out: "il", "no", "a" are in many languages."""
    from guardrails.pii.everyday_words import is_english_word
    from guardrails.pii.settings import spacy_model_name

    from guardrails.pii.lexicon import load_lexicon

    model = spacy_model_name()
    lexicon = load_lexicon()
    words = []
    for word in _WORDS.findall(text):
        lowered = word.lower()
        if len(lowered) <= 2 or lowered in STOP_WORDS:
            continue
        english = is_english_word(lowered.replace("'", ""), model)
        # People's and places' names say nothing about the language around them ("a dad of 2, Reggie and
        # Bodhi ... in Widnes"): a capitalised word that is not a dictionary word, or a listed name or place.
        if not english and (word[:1].isupper() or lexicon.is_known_name_word(lowered) or lexicon.is_never_person(lowered)):
            continue
        words.append(english)
    if not words:
        return None
    return sum(words) / len(words)


def is_english(text: str) -> bool:
    """True unless the message is clearly in another language (short and unclear messages count as English)."""
    return language_of(text) in (None, "en")


def warm_up() -> None:
    language_of("warming up the language models before the first parent writes")


@lru_cache(maxsize=1)
def detectable_languages() -> frozenset[str]:
    """ISO 639-1 codes of every language the detector tells apart (data/languages.yaml), English included."""
    from lingua import Language

    return frozenset(getattr(Language, name).iso_code_639_1.name.lower() for name in settings()["languages"])
