"""Chat page labels per language (web/data/labels/<code>.yaml), and the lang and dir a page carries.

A page is in a language when its labels are; a key a translation lacks is shown in English (and marked
lang="en"), so a half-drafted file never breaks a page."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from assistant.translations import direction, languages

LABELS_DIR = Path(__file__).parent / "data" / "labels"


@cache
def _file(code: str) -> dict[str, Any]:
    path = LABELS_DIR / f"{code}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def page_language(requested: str | None) -> str:
    """The language a page's labels are shown in: the requested one when it has labels, else English."""
    return requested if requested and requested in languages() and _file(requested) else "en"


def labels_for(code: str) -> dict[str, Any]:
    return {**_file("en"), **_file(page_language(code))}


def page_context(requested: str | None) -> dict[str, Any]:
    """What the templates need: labels, the page's lang and dir, and the languages to choose from."""
    code = page_language(requested)
    return {
        "labels": labels_for(code),
        "page_lang": code,
        "page_dir": direction(code),
        "conversation_language": requested if requested in languages() else code,
        "language_choices": [{"code": c, "name": info["name"], "dir": info["direction"]} for c, info in languages().items()],
        "text_direction": direction,
    }
