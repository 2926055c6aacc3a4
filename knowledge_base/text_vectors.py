"""MiniLM vectors of short texts (headings, example questions), kept in memory and on disk by text
(core.vector_cache): a start-up or a publish embeds only the texts it has not seen."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from core.embeddings import embed
from core.settings import get_settings
from core.vector_cache import VectorCache

DIM = 384


def _cache_path() -> Path:
    model = hashlib.sha256(get_settings().embedding_model.encode()).hexdigest()[:12]
    return get_settings().model_cache_dir / f"text-vectors-{model}.npz"


_cache = VectorCache(_cache_path, "text-vectors-*.npz", embed, DIM)


def vectors_of(texts: list[str]) -> np.ndarray:
    """One row per text; zeros for an empty text (an introduction has no heading)."""
    return _cache.vectors_of(texts)
