"""Shared tests for "could this word be a first name?", used by the name recognizers."""

from __future__ import annotations

import regex

from guardrails.pii.lexicon import Lexicon

NAME_PATTERN = r"[^\W\d_]+(?:['’\-][^\W\d_]+)*"
NAME_WORD = regex.compile(NAME_PATTERN)
_FOLLOWING_WORD = regex.compile(rf"[ \t]+({NAME_PATTERN})")
_POSSESSIVE_ENDINGS = ("'s", "’s")
# Word endings of verbs, adverbs and adjectives ("worried", "struggling", "nervous"); names are listed first.
CONTRACTION = regex.compile(r"['’](?:m|re|ve|ll|d|t)$|n['’]t$", regex.IGNORECASE)
_NON_NAME_ENDINGS = ("ing", "ed", "ly", "ous", "ful", "less", "ive", "able", "ible", "ic", "al", "ish", "est")


def without_possessive(text: str, start: int, end: int) -> int:
    """End offset with a trailing 's dropped: "jack's" -> "jack" (the 's stays in the text)."""
    return end - 2 if text[start:end].lower().endswith(_POSSESSIVE_ENDINGS) else end


def is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def passes_open_cue(word: str, lexicon: Lexicon) -> bool:
    """After strong wording ("my daughter ___", "I'm ___"), any word that is not clearly something else."""
    lowered = word.lower()
    if lowered in lexicon.not_names or lowered in lexicon.titles or lexicon.is_never_person(lowered):
        return False
    if lexicon.is_known_name_word(lowered):
        return True
    if len(lowered) < 2:
        return False
    if is_capitalised(word):  # a capital in mid-sentence, after a cue: a name even if a word too
        return True
    if lexicon.is_everyday_word(lowered):
        return False
    return not (len(lowered) >= 5 and lowered.endswith(_NON_NAME_ENDINGS))


def passes_strong_cue(word: str, lexicon: Lexicon) -> bool:
    """After wording that only a name fits ("___ is 2", "___ (my youngest)", "___ and ___ are my twins"):
    any word that is not clearly something else, everyday words included ("blaze", "ocean", "stone")."""
    lowered = word.lower()
    if CONTRACTION.search(word) or len(lowered) < 2:
        return False
    if lowered in lexicon.not_names or lowered in lexicon.titles or lexicon.is_never_person(lowered):
        return False
    return True


def _lowercase_word_not_first_name(word: str, lexicon: Lexicon) -> bool:
    """A lowercase dictionary word listed only as a surname, or not at all ("foster", "baker", "mason"):
    after a weak cue it is the word, not the name; lowercase given names ("jack", "frank") still count."""
    lowered = word.lower()
    given = lowered in lexicon.first_names or lowered in lexicon.word_names
    return word.islower() and not given and lexicon.is_english_word(lowered)


def passes_known_cue(word: str, lexicon: Lexicon) -> bool:
    """After weak wording ("our ___", "miss ___"), only listed names or a capital letter."""
    lowered = word.lower()
    if _lowercase_word_not_first_name(word, lexicon):  # "our foster ...", "Fiona, foster carer"
        return False
    if is_capitalised(word) and lowered in lexicon.word_names and lowered not in lexicon.weekdays_months:
        return True
    if lowered in lexicon.not_names or lowered in lexicon.titles or lexicon.is_never_person(lowered):
        return False
    return lexicon.is_known_name_word(lowered) or is_capitalised(word)


def passes_likely_cue(word: str, lexicon: Lexicon) -> bool:
    """After wording that often, but not always, follows a name ("___ has been", "hi ___", "- ___" at the
    end): a listed name, or a capitalised word that is not a dictionary word ("Oluwaseun", "Hodan")."""
    lowered = word.lower()
    if CONTRACTION.search(word) or _lowercase_word_not_first_name(word, lexicon):  # "I'm", "didn't", "foster"
        return False
    if is_capitalised(word) and lowered in lexicon.word_names and lowered not in lexicon.weekdays_months:
        return True
    if lowered in lexicon.not_names or lowered in lexicon.titles or lexicon.is_never_person(lowered):
        return False
    if lexicon.is_known_name_word(lowered):
        return True
    return len(lowered) >= 2 and is_capitalised(word) and not lexicon.is_english_word(lowered)


def end_with_surname(text: str, end: int, lexicon: Lexicon) -> int:
    """Extend "Noah" to "Noah Williams" / "noah williams" when a surname follows."""
    following = _FOLLOWING_WORD.match(text, end)
    if not following:
        return end
    word = following.group(1)
    lowered = word.lower()
    if lowered in lexicon.not_names or lowered in lexicon.titles or lexicon.is_never_person(lowered):
        return end
    if lowered in lexicon.non_person_heads:
        return end
    if lowered in lexicon.surnames or is_capitalised(word):
        return without_possessive(text, following.start(1), following.end(1))
    return end
