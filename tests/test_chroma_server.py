"""CHROMA_URL switches the same indexing and search code to a real Chroma server."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from conftest import reset_caches

CHROMA_CLI = Path(os.environ.get("VIRTUAL_ENV", Path(__file__).resolve().parents[1] / ".venv")) / "bin" / "chroma"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):
    port = _free_port()
    process = subprocess.Popen(
        [str(CHROMA_CLI), "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/api/v2/heartbeat", timeout=1).raise_for_status()
            break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the Chroma server did not start")
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_index_and_search_through_a_chroma_server(chroma_server, monkeypatch):
    from knowledge_base import vector_store
    from knowledge_base.build import build_index
    from knowledge_base.search import HybridSearcher

    monkeypatch.setenv("CHROMA_URL", chroma_server)
    monkeypatch.setenv("CHROMA_COLLECTION", "guidance_server_test")
    reset_caches()
    try:
        client = vector_store.get_store()._client
        assert type(client).__name__ != "PersistentClient"
        first = build_index()
        assert first.added > 100
        assert not build_index().changed  # digests match: nothing is embedded twice
        searcher = HybridSearcher()
        hits = searcher.search("how many words should an 18 month old say", area=None)
        assert hits and hits[0].topic == "speech_language"
        collection = client.get_collection("guidance_server_test")
        assert collection.count() == first.added
    finally:
        monkeypatch.undo()
        reset_caches()
