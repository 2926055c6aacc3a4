"""Dates of birth: a date after a birth cue ("born", "DOB"), or any full calendar date with a year."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

from guardrails.pii.settings import load_config

_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d{2}"
_NUMERIC_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:(?:19|20)\d{2}|\d{2})"
    r"|(?:19|20)\d{2}[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:0?[1-9]|[12]\d|3[01]))"  # also ISO: 2023-11-07
)
_WORDED_DATE = rf"(?:{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR})"
# After a cue a partial date is still a birth date: "born on the 3rd of May", "born March 2023".
# "dob 5th may 21": a two-digit year is a birth year only after a cue.
_CUED_PARTIAL = (
    rf"(?:{_DAY}(?:\s+of)?\s+{_MONTH},?\s+['’]?\d{{2}}(?!\d)|{_DAY}(?:\s+of)?\s+{_MONTH}|{_MONTH},?\s+{_YEAR})"
)


class DateOfBirthRecognizer(PatternRecognizer):
    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        dob_config = load_config()["date_of_birth"]
        cues = "|".join(dob_config["cues"])
        # Variable-width look-behind (the `regex` module Presidio uses) keeps the cue out of the span.
        after_cue = rf"(?<=\b(?:{cues})(?:['’]s)?\s*[:\-]?\s*(?:is\s+|was\s+|on\s+|in\s+|=\s*)?(?:the\s+)?)"
        patterns = [
            Pattern(
                "date after a birth cue",
                rf"{after_cue}(?:{_NUMERIC_DATE}|{_WORDED_DATE}|{_CUED_PARTIAL})\b",
                float(dob_config["cue_score"]),
            ),
            Pattern(
                "full date with a year",
                rf"(?<![\d/.\-])(?:{_NUMERIC_DATE}|{_WORDED_DATE})(?![\d/\-]|\.\d)",
                float(dob_config["full_date_score"]),
            ),
        ]
        super().__init__(
            supported_entity="DATE_OF_BIRTH",
            patterns=patterns,
            supported_language=supported_language,
            name=name,
        )
