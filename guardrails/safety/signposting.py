"""Fixed signposting text per route and area, assembled from data/signposting.yaml (never generated)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from core.types import PRIORITY
from guardrails.safety._data import DATA_DIR, load

log = logging.getLogger("guardrails.safety.signposting")
# Drafted translations (verify: true until the council's translator checks them), one file per language.
TRANSLATIONS_DIR = DATA_DIR / "signposting_translations"
_NUMBER = re.compile(r"\d(?:[\d ]*\d)?")

ROUTES = PRIORITY  # every safety and scope route has fixed text

# Editors publish signposting in the database (knowledge_base/editorial, two-person rule); the app installs
# a reader for it at start-up. Without one, or when it has nothing, the reviewed YAML is used.
_published_source: Callable[[], dict[str, Any] | None] | None = None


def use_published_source(source: Callable[[], dict[str, Any] | None] | None) -> None:
    global _published_source
    _published_source = source


def _data() -> dict[str, Any]:
    return (_published_source() if _published_source else None) or load("signposting.yaml")


def _contact_line(contact: dict[str, Any]) -> str:
    return f"{contact['label']}: {contact['phone']}" if contact.get("phone") else contact["label"]


def _local_block(data: dict[str, Any], area: str | None) -> str:
    local = data["local"]
    areas: dict[str, Any] = local["areas"]
    if area in areas:
        info = areas[area]
        lines = [local["heading"].format(area_name=info["name"])]
        lines += [f"- {_contact_line(c)}" for c in info["contacts"]]
        return "\n".join(lines)
    # Area unknown: every pilot area's front door, briefly, so nobody has to ask again.
    lines = [local["no_area_heading"]]
    for info in areas.values():
        lines.append(f"- {info['short_name']}: " + "; ".join(_contact_line(c) for c in info["contacts"]))
    return "\n".join(lines)


def _national_block(data: dict[str, Any]) -> str:
    national = data["national"]
    return "\n".join([national["heading"], *(f"- {line['text']}" for line in national["lines"])])


def _assemble(data: dict[str, Any], route: str, area: str | None) -> str:
    blocks = [" ".join(data["routes"][route].split())]
    for block in data["layout"].get(route, []):
        blocks.append(_local_block(data, area) if block == "local" else _national_block(data))
    return "\n\n".join(blocks)


def translation(language: str | None) -> dict[str, Any] | None:
    """The signposting drafted in `language` (routes, national, local headings), or None."""
    if not language or language == "en" or not re.fullmatch(r"[a-z]{2,3}", language):
        return None
    path = TRANSLATIONS_DIR / f"{language}.yaml"
    return load(str(path.relative_to(DATA_DIR))) if path.exists() else None


def numbers_in(text: str) -> set[str]:
    """Every number of three digits or more (phone numbers, 999, 111, 85258) in a text, spaces removed
    ("0808 800 5000" -> "08088005000"). Shorter ones ("24-hour", "0 to 5") may be worded in a translation."""
    numbers = {number.replace(" ", "") for number in _NUMBER.findall(text)}
    return {number for number in numbers if len(number) >= 3}


def signposting_for(route: str, area: str | None, language: str | None = None) -> str:
    """The reviewed answer for a safety or scope route, with local front doors where the route needs them.

    In another language: the drafted translation first, then the English, so a parent and anyone helping
    them can both read it. The translation is shown only when it has exactly the English numbers: if an editor
    changes a number in English and the translation has not caught up, the English stands alone."""
    data = _data()
    if route not in data["routes"]:
        raise KeyError(f"no signposting for route {route!r}")
    english = _assemble(data, route, area)
    drafted = translation(language)
    if not drafted or route not in drafted.get("routes", {}):
        return english
    local = {**data["local"], **{k: v for k, v in drafted.get("local", {}).items() if k in ("heading", "no_area_heading")}}
    # Layout and contacts (names, numbers) always come from the English data: only the wording is translated.
    translated = _assemble({**data, **{k: drafted[k] for k in ("routes", "national") if k in drafted}, "local": local},
                           route, area)
    if numbers_in(translated) != numbers_in(english):
        log.warning("translated signposting left out route=%s language=%s: numbers differ", route, language)
        return english
    return f"{translated}\n\n{english}"


def national_help(language: str | None = None) -> str:
    """The free national numbers (999, NHS 111, NSPCC, Samaritans...) alone, in the parent's language when a
    translation with exactly the English numbers exists, else in English."""
    data = _data()
    english = _national_block(data)
    drafted = translation(language)
    if drafted and "national" in drafted:
        translated = _national_block({"national": drafted["national"]})
        if numbers_in(translated) == numbers_in(english):
            return translated
    return english


def unverified_contacts() -> list[str]:
    """Local contacts still marked verify: true, for the go-live checklist."""
    data = _data()
    return [
        f"{area}: {_contact_line(contact)}"
        for area, info in data["local"]["areas"].items()
        for contact in info["contacts"]
        if contact.get("verify")
    ]
