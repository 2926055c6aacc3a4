"""Reads guardrails/pii/config.yaml once; the spaCy model name can come from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PII_DIR = Path(__file__).resolve().parent
CONFIG_PATH = PII_DIR / "config.yaml"
DATA_DIR = PII_DIR / "data"


@lru_cache(maxsize=1)
def load_config() -> dict[str, Any]:
    with CONFIG_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def spacy_model_name() -> str:
    """config.yaml's spacy_model if a council set one, else SPACY_MODEL via the app settings."""
    configured = load_config().get("spacy_model")
    if configured:
        return str(configured)
    from core.settings import get_settings  # the one place the SPACY_MODEL default lives

    return get_settings().spacy_model
