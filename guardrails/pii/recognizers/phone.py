"""UK phone numbers: python-phonenumbers' lenient matcher, kept only when the digits are UK-shaped.

The strict matcher rejects the Ofcom drama ranges (07700 900xxx) that parents and tests use, and the
lenient one also matches "10.30 24/7", hence the shape check.
"""

from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from guardrails.pii.settings import load_config

_EXTENSION = re.compile(r"\b(?:ext|extension|x)\b.*$", re.IGNORECASE)


def is_uk_shaped(number_text: str) -> bool:
    """0 + 9-10 digits, or +44 / 0044 (optionally "(0)") + 9-10 digits."""
    main_part = _EXTENSION.sub("", number_text).strip()
    digits = re.sub(r"\D", "", main_part)
    if main_part.startswith("+") or digits.startswith("0044"):
        national = digits.removeprefix("00").removeprefix("44").removeprefix("0")
        return digits.lstrip("0").startswith("44") and 9 <= len(national) <= 10
    return digits.startswith("0") and 10 <= len(digits) <= 11


class UkPhoneRecognizer(PhoneRecognizer):
    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        phone_config = load_config()["phone"]
        super().__init__(
            supported_language=supported_language,
            supported_regions=tuple(phone_config["regions"]),
            leniency=phonenumbers.Leniency.POSSIBLE,
            name=name,
        )
        self.score = float(phone_config["score"])

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for region in self.supported_regions:
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=self.leniency):
                if is_uk_shaped(match.raw_string):
                    result = self._get_recognizer_result(match, text, region, nlp_artifacts)
                    result.score = self.score
                    results.append(result)
        return results
