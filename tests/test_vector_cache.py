"""core.vector_cache: each text is encoded once, kept across a restart in one file, and an empty text is zeros."""

from __future__ import annotations

import numpy as np

from core.vector_cache import VectorCache


def test_texts_are_encoded_once_and_read_back_after_a_restart(tmp_path):
    encoded: list[str] = []

    def encode(texts: list[str]) -> np.ndarray:
        encoded.extend(texts)
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)

    path = tmp_path / "vectors-1.npz"
    (tmp_path / "vectors-0.npz").write_bytes(b"an older cache")
    cache = VectorCache(lambda: path, "vectors-*.npz", encode, dim=3, batch=2)
    first = cache.vectors_of(["banana", "", "apple", "kiwi", "banana"])
    assert sorted(encoded) == ["apple", "banana", "kiwi"]  # each text once, in batches of 2
    assert first.shape == (5, 3) and (first[1] == 0).all() and (first[0] == first[4]).all()
    assert first[0].tolist() == [6.0, 3.0, 1.0]
    assert (cache.vectors_of(["kiwi"]) == first[3]).all() and len(encoded) == 3

    restarted = VectorCache(lambda: path, "vectors-*.npz", encode, dim=3)
    assert (restarted.vectors_of(["apple", "banana"]) == first[[2, 0]]).all() and len(encoded) == 3
    assert restarted.vectors_of([]).shape == (0, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors-1.npz"]  # the older file replaced
