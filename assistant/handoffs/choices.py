"""Hubs and form choices, read from the YAML files editors maintain in data/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
NOT_SURE = "not-sure"


@dataclass(frozen=True)
class Hub:
    id: str
    name: str
    area: str
    council: str


@lru_cache(maxsize=1)
def _hub_data() -> dict:
    return yaml.safe_load((DATA_DIR / "hubs.yaml").read_text())["areas"]


@lru_cache(maxsize=1)
def form_choices() -> dict:
    return yaml.safe_load((DATA_DIR / "form_choices.yaml").read_text())


def hubs_in(area: str) -> list[Hub]:
    hubs = _hub_data().get(area, {}).get("hubs", {})
    return [Hub(hub_id, info["name"], area, info["council"]) for hub_id, info in hubs.items()]


def all_hubs() -> dict[str, Hub]:
    return {hub.id: hub for area in _hub_data() for hub in hubs_in(area)}


def recipient(area: str, hub_id: str) -> Hub:
    """Who receives a story: the chosen hub, or the area's family hub team when the parent is not sure."""
    hub = all_hubs().get(hub_id)
    if hub and hub.area == area:
        return hub
    return Hub(NOT_SURE, "the family hub team", area, _hub_data()[area]["council"])


def hub_label(hub_id: str) -> str:
    hub = all_hubs().get(hub_id)
    return hub.name if hub else "Not sure (area team)"


def label(group: str, value: str) -> str:
    entry = form_choices()[group].get(value, value)
    return entry["label"] if isinstance(entry, dict) else entry
