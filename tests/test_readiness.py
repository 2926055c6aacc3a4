"""/api/health says the process answers; /api/ready says whether it can serve parents (database, Chroma, models,
Redis when configured), with a 503 and a short reason per failing part. `serve` options for a fleet."""

from __future__ import annotations

import argparse

import pytest

from conftest import reset_caches
from core import shared_store
from redis_support import free_port


@pytest.fixture
def broken(monkeypatch):
    def set_env(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        reset_caches()
        shared_store._store_for.cache_clear()

    yield set_env
    monkeypatch.undo()
    reset_caches()
    shared_store._store_for.cache_clear()


def test_ready_when_everything_answers(app_client):
    assert app_client.get("/api/health").json() == {"status": "ok"}
    response = app_client.get("/api/ready")
    assert response.status_code == 200 and response.json() == {"status": "ready"}


def test_not_ready_when_the_configured_redis_is_down(app_client, broken):
    broken(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    response = app_client.get("/api/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "reasons": ["redis: ConnectionError"]}
    assert app_client.get("/api/health").status_code == 200  # alive all the same: do not restart it


def test_not_ready_when_the_database_is_down_and_the_reason_hides_the_url(app_client, broken):
    broken(DATABASE_URL=f"postgresql+psycopg://fleet:s3cret-pw@127.0.0.1:{free_port()}/none")
    response = app_client.get("/api/ready")
    assert response.status_code == 503
    assert response.json()["reasons"] == ["database: OperationalError"]
    assert "s3cret" not in response.text


def test_serve_runs_workers_with_a_bounded_graceful_shutdown(broken):
    from assistant.commands.serve import uvicorn_options

    broken(WORKERS="3", SHUTDOWN_GRACE_SECONDS="20")
    options = uvicorn_options(argparse.Namespace(host=None, port=None, workers=None))
    assert options["workers"] == 3 and options["timeout_graceful_shutdown"] == 20
    assert uvicorn_options(argparse.Namespace(host=None, port=None, workers=2))["workers"] == 2
