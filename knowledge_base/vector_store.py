"""The Chroma collection, embedded on disk by default or on a server when CHROMA_URL is set."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma

from core.settings import get_settings
from core.embeddings import PackagedEmbeddings

def _chroma_settings() -> ChromaSettings:
    # A new object for each client: chromadb writes the client's kind into the settings it is given, so one
    # shared object made an embedded client after a server client try to reach that server.
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def make_client(chroma_url: str | None, chroma_dir: str) -> chromadb.ClientAPI:
    if chroma_url:
        url = urlparse(chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=_chroma_settings(),
        )
    return chromadb.PersistentClient(path=chroma_dir, settings=_chroma_settings())


@lru_cache(maxsize=4)
def _store(chroma_url: str | None, chroma_dir: str, collection: str) -> Chroma:
    return Chroma(
        collection_name=collection,
        embedding_function=PackagedEmbeddings(),
        client=make_client(chroma_url, chroma_dir),
        collection_metadata={"hnsw:space": "cosine"},
    )


def get_store() -> Chroma:
    """One LangChain Chroma store per configuration; both the indexer and search use it."""
    settings = get_settings()
    if not settings.chroma_url:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return _store(settings.chroma_url, str(settings.chroma_dir), settings.chroma_collection)
