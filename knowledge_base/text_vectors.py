"""MiniLM vectors of short texts (headings, example questions), kept in memory and on disk by text.

Thousands of example questions would cost every start-up tens of seconds to embed; read from the cache,
a start-up or a publish embeds only the texts it has not seen."""

from __future__ import annotations

import hashlib
import json
import threading

import numpy as np

from core.cache_files import write_replacing
from core.embeddings import embed
from core.settings import get_settings

_lock = threading.Lock()
_vectors: dict[str, np.ndarray] = {}
_loaded = False
DIM = 384


def _cache_path():  # type: ignore[no-untyped-def]
    model = hashlib.sha256(get_settings().embedding_model.encode()).hexdigest()[:12]
    return get_settings().model_cache_dir / f"text-vectors-{model}.npz"


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    try:
        with np.load(_cache_path(), allow_pickle=False) as data:
            texts = json.loads(str(data["texts"]))
            _vectors.update(zip(texts, data["vectors"]))
    except (OSError, ValueError, KeyError):
        pass


def _save() -> None:
    texts = list(_vectors)
    vectors = np.vstack([_vectors[t] for t in texts]) if texts else np.zeros((0, DIM), np.float32)
    write_replacing(_cache_path(), lambda out: np.savez(out, texts=np.array(json.dumps(texts)), vectors=vectors),
                    "text-vectors-*.npz")


def vectors_of(texts: list[str]) -> np.ndarray:
    """One row per text; zeros for an empty text (an introduction has no heading)."""
    with _lock:
        _load()
        missing = sorted({t for t in texts if t and t not in _vectors})
        if missing:
            _vectors.update(zip(missing, embed(missing)))
            _save()
        return (np.vstack([_vectors.get(t, np.zeros(DIM, np.float32)) for t in texts]).astype(np.float32)
                if texts else np.zeros((0, DIM), np.float32))
