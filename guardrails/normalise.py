"""Make text safe to route: drop invisible characters that can smuggle instructions past a reader.

Unicode tag characters (U+E0000-E007F) render as nothing but spell out ASCII, so a message can carry a
hidden prompt. Zero-width and bidi controls can split or reorder trigger words ("ig\u200bnore").
"""

from __future__ import annotations

import re
import unicodedata

_TAG_START, _TAG_END = 0xE0000, 0xE007F
_BLACK_FLAG = "\U0001F3F4"  # base of the England/Scotland/Wales flag emoji, which uses tag characters
_FLAG_SEQUENCE = re.compile("\U0001F3F4[\U000E0061-\U000E007A]{2,8}\U000E007F")
_WHITESPACE = re.compile(r"\s+")


def _is_invisible(char: str) -> bool:
    code = ord(char)
    if _TAG_START <= code <= _TAG_END:
        return True
    # Cf covers zero-width spaces/joiners, bidi embeddings/overrides/isolates, soft hyphen, BOM, word joiner.
    # Variation selectors (Mn) and the Hangul fillers are also blank but not Cf.
    if unicodedata.category(char) == "Cf":
        return True
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or code in (0x115F, 0x1160, 0x3164, 0xFFA0)


def strip_invisible(text: str) -> str:
    """Remove tag, zero-width, bidi and other invisible format characters; NFKC; collapse whitespace."""
    text = _FLAG_SEQUENCE.sub(_BLACK_FLAG, text)  # keep the flag's visible base, drop its tag letters
    # NFKC first folds look-alikes (fullwidth letters, ligatures) to plain text; strip after, because
    # normalisation can itself produce format characters.
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if not _is_invisible(char))
    return _WHITESPACE.sub(" ", text).strip()


def smuggled_text(text: str) -> str:
    """ASCII spelled by tag characters outside flag emoji: text a parent could not have seen or typed."""
    text = _FLAG_SEQUENCE.sub("", text)
    decoded = [chr(ord(char) - _TAG_START) for char in text if _TAG_START + 0x20 <= ord(char) <= _TAG_START + 0x7E]
    return _WHITESPACE.sub(" ", "".join(decoded)).strip()
