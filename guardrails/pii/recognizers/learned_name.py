"""Names found by the learned tagger (guardrails/pii/learned_names.py): contexts no wording cue lists."""

from __future__ import annotations

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guardrails.pii.lexicon import Lexicon, load_lexicon
from guardrails.pii.settings import load_config


class LearnedNameRecognizer(LocalRecognizer):
    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        self.lexicon: Lexicon = load_lexicon()
        self.score = float(load_config()["learned_names"]["score"])
        super().__init__(supported_entities=["PERSON"], supported_language=supported_language, name=name)

    def load(self) -> None:
        """The model is trained or read from the cache on first use (guardrails.pii.learned_names.tagger)."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        from guardrails.pii.learned_names import tagger

        return [RecognizerResult("PERSON", start, end, self.score) for start, end, _ in tagger().names(text, self.lexicon)]
