"""Reading the project's YAML data files: text, thresholds and vocabularies live in data, not in Python."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


@lru_cache(maxsize=64)
def load_yaml(path: Path) -> Any:
    with Path(path).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


CORE_DATA = Path(__file__).parent / "data"
