"""Presidio's email recognizer, checking domains against tldextract's bundled suffix list only.

Also catches addresses parents space out or spell out: "jo.bloggs @ gmail.com", "sophie at example dot com".
"""

from __future__ import annotations

import re

import tldextract
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import EmailRecognizer

# No suffix_list_urls and no cache: tldextract uses the snapshot shipped in the package, never the network.
OFFLINE_TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)

_LOCAL = r"[\w.+\-]*\w"
_LABEL = r"\w+(?:-+\w+)*"
_AT = r"(?:\(at\)|\[at\]|\bat\b)"
_DOT = r"(?:\(dot\)|\[dot\]|\bdot\b)"
_SPACED = Pattern(
    "email with spaces round @",
    rf"\b{_LOCAL}\s+@\s*{_LABEL}(?:\s*\.\s*{_LABEL})+\b|\b{_LOCAL}@\s+{_LABEL}(?:\.{_LABEL})+\b",
    0.6,
)
_SPELT_ENDING = rf"(?:com|org|net|uk|(?:co|org|ac)\s*(?:{_DOT}|\.)\s*uk)"
_SPELT = Pattern(
    "email spelt out",
    rf"\b{_LOCAL}\s*{_AT}\s*{_LABEL}(?:\s*(?:{_DOT}|\.)\s*{_LABEL})*\s*{_DOT}\s*{_SPELT_ENDING}\b",
    0.6,
)
_SPELT_PARTS = re.compile(r"\s*(?:\(at\)|\[at\]|\bat\b)\s*|\s*(?:\(dot\)|\[dot\]|\bdot\b)\s*|\s+", re.IGNORECASE)


def _as_plain_address(text: str) -> str:
    def part(match: re.Match[str]) -> str:
        word = match.group(0).strip().lower().strip("()[]")
        return {"at": "@", "dot": "."}.get(word, "")

    return _SPELT_PARTS.sub(part, text)


class OfflineEmailRecognizer(EmailRecognizer):
    PATTERNS = [*EmailRecognizer.PATTERNS, _SPACED, _SPELT]

    def validate_result(self, pattern_text: str) -> bool:
        plain = _as_plain_address(pattern_text)
        return "@" in plain and OFFLINE_TLD_EXTRACTOR(plain.split("@", 1)[1]).fqdn != ""
