"""Whether this server can answer parents now: the database, the guidance index (Chroma), the models loaded at
start-up and, when configured, Redis. A load balancer sends traffic only to servers that say they are ready.

Reasons name the part and the error's type only: an error's text can hold a connection URL with a password."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from core.database import session_scope
from core.settings import get_settings
from core.shared_store import shared_store
from knowledge_base.vector_store import get_store

_models_loaded = False


def models_loaded() -> None:
    """Called when start-up has loaded every model (assistant.startup.prepare)."""
    global _models_loaded
    _models_loaded = True


def _database() -> None:
    with session_scope() as session:
        session.execute(text("SELECT 1"))


def _chroma() -> None:
    get_store()._collection.count()


def _models() -> None:
    if not _models_loaded:
        raise RuntimeError("not loaded")


def _redis() -> None:
    shared_store().ping()


def not_ready_reasons() -> list[str]:
    checks: list[tuple[str, Callable[[], None]]] = [("database", _database), ("chroma", _chroma), ("models", _models)]
    if get_settings().redis_url:
        checks.append(("redis", _redis))
    reasons = []
    for name, check in checks:
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; it is reported, not raised
            reasons.append(f"{name}: {type(exc).__name__}")
    return reasons
