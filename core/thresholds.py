"""Directory and content-gap thresholds, from core/data/thresholds.yaml."""

from __future__ import annotations

from core.data_files import CORE_DATA, load_yaml

THRESHOLDS: dict[str, dict[str, float]] = load_yaml(CORE_DATA / "thresholds.yaml")
DIRECTORY = THRESHOLDS["directory"]
CONTENT_GAPS = THRESHOLDS["content_gaps"]
