"""Vectors of texts kept in memory and in one file in the model cache, keyed by the text itself, so a start-up,
a publish or a retrain encodes only the texts it has not seen before (thousands of example questions and
training lines would otherwise cost every start tens of seconds). Used for MiniLM vectors of headings and
example questions (knowledge_base.text_vectors) and e5 vectors for other languages (knowledge_base.multilingual).
A parent's own message is never put in one of these: it is encoded in memory only."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.cache_files import write_replacing


class VectorCache:
    def __init__(self, path: Callable[[], Path], older: str, encode: Callable[[list[str]], object],
                 dim: int, batch: int = 256) -> None:
        """path: the cache file (a function, since settings are read late); older: the glob of the files it
        replaces; encode: texts to one vector each; batch: how many texts to encode at once."""
        self._path, self._older, self._encode, self._dim, self._batch = path, older, encode, dim, batch
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}
        self._loaded = False

    def vectors_of(self, texts: list[str]) -> np.ndarray:
        """One row per text, in order; zeros for an empty text (an introduction has no heading)."""
        with self._lock:
            self._load()
            missing = sorted({t for t in texts if t and t not in self._vectors})
            for start in range(0, len(missing), self._batch):
                batch = missing[start:start + self._batch]
                rows = np.asarray(self._encode(batch), dtype=np.float32).reshape(len(batch), -1)
                self._vectors.update(zip(batch, rows))
            if missing:
                self._save()
            empty = np.zeros(self._dim, np.float32)
            return (np.vstack([self._vectors.get(t, empty) for t in texts]).astype(np.float32)
                    if texts else np.zeros((0, self._dim), np.float32))

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            with np.load(self._path(), allow_pickle=False) as data:
                self._vectors.update(zip(json.loads(str(data["texts"])), data["vectors"]))
        except (OSError, ValueError, KeyError):
            pass  # no cache yet, or an older format: encoded again as needed

    def _save(self) -> None:
        texts = list(self._vectors)
        vectors = np.vstack([self._vectors[t] for t in texts]) if texts else np.zeros((0, self._dim), np.float32)
        write_replacing(self._path(), lambda out: np.savez(out, texts=np.array(json.dumps(texts)), vectors=vectors),
                        self._older)
