"""Tidy PERSON finds: drop places, services and titles spaCy includes ("Leeds LS6 2AB", "Grandad Bill")."""

from __future__ import annotations

import regex
from presidio_analyzer import RecognizerResult

from guardrails.pii.lexicon import Lexicon
from guardrails.pii.recognizers.name_words import CONTRACTION, NAME_WORD, is_capitalised

_ANY_WORD = regex.compile(r"\S+")
# Found by wording that says "this is a name": trusted even when the word is also a place ("Chelsea").
_CUE_RECOGNIZERS = frozenset({"NameCueRecognizer"})
# The learned tagger has read the words around the name already (a month or a place after "my son" is a
# name): its finds skip the single-word doubts, but a street or a hub named after a person still is not one.
_CONTEXT_RECOGNIZERS = frozenset({"LearnedNameRecognizer"})


def _is_name_word(word: str, lexicon: Lexicon, trusted: bool) -> bool:
    bare = word.strip(",.;:!?()\"")
    if not NAME_WORD.fullmatch(bare):
        return False
    lowered = bare.lower()
    if lowered in lexicon.titles or CONTRACTION.search(bare):  # "We're", "Didn't": never a name
        return False
    if lowered in lexicon.not_names and not is_capitalised(bare):  # "Riley 3 years": not "years"
        return False
    if trusted:
        return True
    if lexicon.is_never_person(lowered):
        return False
    # spaCy guesses on lowercase text ("potty training"): a lowercase everyday word is not a name.
    return is_capitalised(bare) or lexicon.is_known_name_word(lowered) or not lexicon.is_everyday_word(lowered)


def _first_run(words: list[regex.Match[str]], keep: list[bool]) -> list[regex.Match[str]]:
    """The first unbroken run of name words ("Grandad Bill" -> "Bill")."""
    run: list[regex.Match[str]] = []
    for word, is_name in zip(words, keep):
        if is_name:
            run.append(word)
        elif run:
            break
    return run


def _next_word(text: str, end: int) -> str:
    following = NAME_WORD.search(text, end)
    return following.group(0).lower() if following and following.start() - end <= 2 else ""


_SENTENCE_ENDS = ".!?\n"
_DIRECT_NEXT_WORD = regex.compile(r"[ \t]+([^\W\d_]+)")


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_ENDS or before.endswith(("-", ":"))


def _doubtful_single_word(word: str, text: str, start: int, after_title: bool, lexicon: Lexicon) -> bool:
    """spaCy tags some capitalised everyday words as people: "Potty training...", "Baby Bounce is at 10".
    A single dictionary word that is not a listed name, at a sentence start or after a title, is not one."""
    lowered = word.lower()
    if lowered in lexicon.word_names and lowered not in lexicon.first_names:
        return _starts_sentence(text, start)  # "Frank conversation...": a word name needs a cue there
    if lexicon.is_known_name_word(lowered):
        return False
    if lowered in lexicon.not_names:
        return True
    return lexicon.is_english_word(lowered) and (after_title or _starts_sentence(text, start))


_WORD_BEFORE = regex.compile(r"([^\W\d_]+)\.?\s+$")


def _after_formal_title(text: str, start: int, lexicon: Lexicon) -> bool:
    """"Ms Nightingale": a listed name straight after a formal title is someone's surname."""
    before = _WORD_BEFORE.search(text[max(0, start - 8):start])
    return bool(before) and before.group(1).lower() in lexicon.formal_titles


def tidy_person(result: RecognizerResult, text: str, lexicon: Lexicon) -> RecognizerResult | None:
    """Keep the first run of name words; None when nothing of a name is left."""
    recognizer = (result.recognition_metadata or {}).get("recognizer_name")
    trusted = recognizer in _CUE_RECOGNIZERS
    read_in_context = trusted or recognizer in _CONTEXT_RECOGNIZERS
    if any(start < result.end and result.start < end and not _after_formal_title(text, start, lexicon)
           for start, end in lexicon.protected_spans(text)):
        return None  # inside "Peppa Pig", "Mr Tumble", "Alder Hey": never a person, whatever found it
    words = list(_ANY_WORD.finditer(text, result.start, result.end))
    kept = _first_run(words, [_is_name_word(word.group(0), lexicon, read_in_context) for word in words])
    if not kept:
        return None
    start = kept[0].start()
    end = kept[-1].start() + len(kept[-1].group(0).rstrip(",.;:!?()\""))
    phrase = text[start:end].lower()
    first_word = NAME_WORD.match(text, start)
    if first_word and lexicon.starts_never_person_phrase(text, start, first_word.end()):  # "Stay and Play"
        return None
    direct_next = _DIRECT_NEXT_WORD.match(text, end)
    if direct_next and direct_next.group(1).lower() in lexicon.service_heads:  # "my Chatter Group"
        return None
    # At a sentence start a capital says nothing, so there even the tagger's single dictionary word is doubted
    # ("Sleep has been awful").
    if not trusted and len(kept) == 1 and (not read_in_context or _starts_sentence(text, start)):
        after_title = kept[0].start() > words[0].start() and words[0].group(0).lower() in lexicon.titles
        if _doubtful_single_word(phrase, text, start, after_title, lexicon):
            return None
    if not trusted and (
        (lexicon.is_never_person(phrase) and not read_in_context)
        or _next_word(text, end) in lexicon.non_person_heads  # "Florence Family Hub"
        or any(word in lexicon.non_person_heads for word in phrase.split())  # "Mill Lane"
    ):
        return None
    return RecognizerResult("PERSON", start, end, result.score, recognition_metadata=result.recognition_metadata)
