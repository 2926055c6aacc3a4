"""Names found by the wording around them: "my daughter nevaeh", "im tash", "Jordan's dad", "(3)"."""

from __future__ import annotations

from collections.abc import Callable

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guardrails.pii.lexicon import Lexicon, load_lexicon
from guardrails.pii.recognizers.name_words import (
    NAME_PATTERN,
    end_with_surname,
    passes_known_cue,
    passes_likely_cue,
    passes_open_cue,
    passes_strong_cue,
    without_possessive,
)
from guardrails.pii.settings import load_config

WordCheck = Callable[[str, Lexicon], bool]


def _compile_cue(cue: str) -> regex.Pattern[str]:
    # Whole words only: overlapped matching would otherwise try "king" inside "speaking".
    # Not inside a longer word or the second half of a hyphenated name; a dash before a sign-off is fine.
    whole_word_name = rf"(?<![\w'’])(?<!\w[\-])(?P<name>{NAME_PATTERN})(?!\w)"
    # {more}: an optional second name word ("Olumide Adebayo"), added back by end_with_surname.
    more = rf"(?:[ \t]+{NAME_PATTERN})?"
    return regex.compile(cue.replace("{name}", whole_word_name).replace("{more}", more), regex.IGNORECASE)


class NameCueRecognizer(LocalRecognizer):
    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        names_config = load_config()["names"]
        self.lexicon = load_lexicon()
        self.score = float(names_config["cue_score"])
        cues = names_config["cues"]
        self.cues: list[tuple[regex.Pattern[str], WordCheck]] = [
            (_compile_cue(cue), passes_open_cue) for cue in cues["open"]
        ] + [(_compile_cue(cue), passes_known_cue) for cue in cues["known"]]
        self.cues += [(_compile_cue(cue), passes_likely_cue) for cue in cues.get("likely", [])]
        self.cues += [(_compile_cue(cue), passes_strong_cue) for cue in cues.get("strong", [])]
        super().__init__(supported_entities=["PERSON"], supported_language=supported_language, name=name)

    def load(self) -> None:
        """The cues are compiled in __init__."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for cue, word_check in self.cues:
            for match in cue.finditer(text, overlapped=True):
                start = match.start("name")
                end = without_possessive(text, start, match.end("name"))
                if end > start and word_check(text[start:end], self.lexicon):
                    end = end_with_surname(text, end, self.lexicon)
                    results.append(RecognizerResult("PERSON", start, end, self.score))
        return results
