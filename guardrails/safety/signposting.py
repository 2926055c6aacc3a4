"""Fixed signposting text per route and area, assembled from data/signposting.yaml (never generated)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.types import PRIORITY
from guardrails.safety._data import load

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


def signposting_for(route: str, area: str | None) -> str:
    """The reviewed answer for a safety or scope route, with local front doors where the route needs them."""
    data = _data()
    if route not in data["routes"]:
        raise KeyError(f"no signposting for route {route!r}")
    blocks = [" ".join(data["routes"][route].split())]
    for block in data["layout"].get(route, []):
        blocks.append(_local_block(data, area) if block == "local" else _national_block(data))
    return "\n\n".join(blocks)


def unverified_contacts() -> list[str]:
    """Local contacts still marked verify: true, for the go-live checklist."""
    data = _data()
    return [
        f"{area}: {_contact_line(contact)}"
        for area, info in data["local"]["areas"].items()
        for contact in info["contacts"]
        if contact.get("verify")
    ]
