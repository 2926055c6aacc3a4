"""No network at start-up or run time: build a fresh engine with sockets blocked, then redact."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _refuse(*args: object, **kwargs: object) -> None:
    raise OSError("network access attempted")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)


def test_fresh_engine_redacts_with_sockets_blocked(no_network: None) -> None:
    from guardrails import redact
    from guardrails.pii.engine import clear_engine_cache

    clear_engine_cache()
    result = redact("email me at jo.bloggs@example.com, I'm Jo")
    assert "jo.bloggs@example.com" not in result.text
    assert "EMAIL" in result.kinds


# Run first in a new interpreter: every way of opening a connection records the attempt and fails.
BLOCK_SOCKETS = textwrap.dedent(
    """
        import socket
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(args)
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
    """
)


def test_cold_start_in_a_new_process_never_touches_the_network() -> None:
    """A new interpreter, sockets blocked before anything is imported; any attempt fails the run."""
    script = BLOCK_SOCKETS + textwrap.dedent(
        """
        from guardrails import redact
        result = redact("contact me on sam.t@example.org or 07700 900123")
        assert "sam.t@example.org" not in result.text, result.text
        assert attempts == [], attempts
        print("offline-ok")
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    assert "offline-ok" in completed.stdout


def test_whole_app_starts_and_answers_with_sockets_blocked(tmp_path: Path) -> None:
    """Start-up (index build, model loads, directory import) and chat turns, with every socket refused.
    The in-process test client needs no sockets, so any attempt is the app reaching for the network."""
    script = BLOCK_SOCKETS + textwrap.dedent(
        """
        from fastapi.testclient import TestClient
        from web.app import create_app
        with TestClient(create_app()) as client:
            for message in ("how many words should an 18 month old say?", "email me at jo@example.com",
                            "when is stay and play in Fulham?", "he's not breathing"):
                body = client.post("/api/chat", json={"message": message, "area": "hammersmith-fulham"}).json()
                assert body["status"] in ("answered", "signposted", "clarification"), body
        assert attempts == [], attempts
        print("offline-ok")
        """
    )
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var")}
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "offline-ok" in completed.stdout
