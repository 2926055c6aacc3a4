"""The survey's questions and the open data's wording and thresholds, read from data files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.data_files import load_yaml

DATA = Path(__file__).parent / "data"


def survey() -> dict[str, Any]:
    return load_yaml(DATA / "survey.yaml")


def open_data() -> dict[str, Any]:
    return load_yaml(DATA / "open_data.yaml")


def smallest_shown() -> int:
    """Counts below this (and above zero) are never published."""
    return int(open_data()["suppression"]["smallest_shown"])


def marker() -> str:
    return str(open_data()["suppression"]["marker"])
