"""The council areas, from one data file (core/data/areas.yaml)."""

from __future__ import annotations

from core.data_files import CORE_DATA, load_yaml

_AREAS: list[dict[str, str]] = load_yaml(CORE_DATA / "areas.yaml")["areas"]

AREAS: tuple[str, ...] = tuple(a["id"] for a in _AREAS)
AREA_LABELS: dict[str, str] = {a["id"]: a["label"] for a in _AREAS}
AREA_LABELS_IN_SENTENCE: dict[str, str] = {a["id"]: a.get("in_sentence", a["label"]) for a in _AREAS}
