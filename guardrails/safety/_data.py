"""Load the editable YAML data that drives safety routing (patterns, exemplars, signposting)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    # Cached: the files are read once per process; editors change them between deploys, not per request.
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
