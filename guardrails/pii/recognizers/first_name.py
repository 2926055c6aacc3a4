"""First names from the curated list, in any case: "my partner connor", "Callum"."""

from __future__ import annotations

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guardrails.pii.lexicon import Lexicon, load_lexicon
from guardrails.pii.recognizers.name_words import NAME_WORD, end_with_surname, is_capitalised, without_possessive
from guardrails.pii.settings import load_config

_SENTENCE_ENDS = ".!?\n"


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_ENDS


def _next_word(text: str, end: int) -> str:
    following = NAME_WORD.search(text, end)
    return following.group(0).lower() if following and following.start() - end <= 2 else ""


class FirstNameRecognizer(LocalRecognizer):
    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        self.lexicon: Lexicon = load_lexicon()
        self.score = float(load_config()["names"]["lexicon_score"])
        super().__init__(supported_entities=["PERSON"], supported_language=supported_language, name=name)

    def load(self) -> None:
        """The word lists are loaded in __init__."""

    def _is_name_here(self, text: str, start: int, end: int) -> bool:
        word = text[start:end]
        lowered = word.lower()
        if _next_word(text, end) in self.lexicon.non_person_heads:  # "Stanley Park", "Victoria Street"
            return False
        if lowered in self.lexicon.first_names:
            return True
        # "Poppy" in mid-sentence is a name; "poppy" or "May" is not, without a cue.
        return (
            lowered in self.lexicon.word_names
            and lowered not in self.lexicon.weekdays_months
            and is_capitalised(word)
            and not _starts_sentence(text, start)
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for match in NAME_WORD.finditer(text):
            start = match.start()
            end = without_possessive(text, start, match.end())
            if self._is_name_here(text, start, end):
                end = end_with_surname(text, end, self.lexicon)
                results.append(RecognizerResult("PERSON", start, end, self.score))
        return results
