"""National Insurance numbers, lenient on the letter rules so example numbers (QQ 12 34 56 C) go too."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

from guardrails.pii.settings import load_config


class LenientNinoRecognizer(PatternRecognizer):
    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        nino_config = load_config()["nino"]
        super().__init__(
            supported_entity="UK_NINO",
            patterns=[Pattern("NINO (lenient)", nino_config["regex"], float(nino_config["score"]))],
            context=list(nino_config["context"]),
            supported_language=supported_language,
            name=name,
        )
