"""A fresh SQLite database per test for the directory tests (real database, no mocks)."""

from __future__ import annotations

from pathlib import Path

import pytest


def use_fresh_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assistant.config import get_settings
    from assistant.database import Base, engine_for, get_engine

    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'directory.db'}")
    get_settings.cache_clear()
    engine_for.cache_clear()
    import assistant.models  # noqa: F401  (registers every table)

    Base.metadata.create_all(get_engine())


def forget_fresh_db() -> None:
    from assistant.config import get_settings
    from assistant.database import engine_for

    get_settings.cache_clear()
    engine_for.cache_clear()
