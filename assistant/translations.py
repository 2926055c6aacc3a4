"""The assistant's fixed texts in the parents' own languages (data/translations/<code>.yaml).

Each file is a draft marked `verify: true` until a qualified translator has checked it for the council;
`unverified()` lists them for the go-live checklist. A key a file lacks falls back to English, so a
half-translated file never leaves a parent without an answer."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TRANSLATIONS_DIR = Path(__file__).parent / "data" / "translations"
ENGLISH = {"language": "en", "name": "English", "english_name": "English", "direction": "ltr", "verify": False}


@lru_cache(maxsize=1)
def _all() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(TRANSLATIONS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[data["language"]] = data
    return found


def languages() -> dict[str, dict[str, Any]]:
    """Every language the assistant replies in (English first): code -> name, english_name, direction, verify."""
    return {"en": ENGLISH, **{code: {k: data[k] for k in ENGLISH} for code, data in _all().items()}}


def is_translated(code: str | None) -> bool:
    return bool(code) and code in _all()


def direction(code: str | None) -> str:
    return str(_all()[code]["direction"]) if is_translated(code) else "ltr"


def translated_message(key: str, code: str | None) -> str | None:
    """The fixed text `key` in language `code`, or None (English is used)."""
    if not is_translated(code):
        return None
    text = _all()[code].get("messages", {}).get(key)
    return " ".join(str(text).split()) if text else None


def pii_notice(code: str | None) -> str | None:
    text = _all()[code].get("pii_notice") if is_translated(code) else None
    return " ".join(str(text).split()) if text else None


def every_translated_text(code: str) -> list[str]:
    """All of one language's fixed texts, to tell whether a reply already holds a paragraph in it."""
    data = _all().get(code, {})
    texts = [*(str(t) for t in data.get("messages", {}).values())]
    if data.get("pii_notice"):
        texts.append(str(data["pii_notice"]))
    return [" ".join(t.split()) for t in texts if t]


def unverified() -> list[str]:
    return [code for code, data in _all().items() if data.get("verify", True)]
