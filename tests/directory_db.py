"""A fresh SQLite database per test for the directory tests (real database, no mocks)."""

from __future__ import annotations

from pathlib import Path

import pytest


def use_fresh_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from core.settings import get_settings
    from core.database import engine_for

    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'directory.db'}")
    get_settings.cache_clear()
    engine_for.cache_clear()
    from assistant.schema import upgrade

    upgrade()


def forget_fresh_db() -> None:
    from core.settings import get_settings
    from core.database import engine_for

    get_settings.cache_clear()
    engine_for.cache_clear()
