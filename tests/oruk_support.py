"""The ORUK API over a fresh SQLite directory: the bundled feeds plus the official example service."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from directory_db import forget_fresh_db, use_fresh_db
from fastapi import FastAPI
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = ROOT.parent / "shared" / "fixtures" / "oruk-v3-official"
BUNDLED = ROOT / "knowledge_base" / "directory" / "data"


def feed(name: str) -> list[dict]:
    return json.loads((BUNDLED / f"{name}.json").read_text())["contents"]


@contextmanager
def oruk_client(db_dir: Path, extra_liverpool: list[dict] | None = None) -> Iterator[TestClient]:
    """The three pilot areas imported (Leeds with the official example service), served by the ORUK router."""
    mp = pytest.MonkeyPatch()
    use_fresh_db(mp, db_dir)
    from knowledge_base.directory.importer import import_records
    from web.routers import oruk

    example = json.loads((OFFICIAL / "examples" / "service_full.json").read_text())
    import_records(feed("leeds") + [example], "leeds")
    import_records(feed("hammersmith-fulham"), "hammersmith-fulham")
    import_records(feed("liverpool-city-region") + (extra_liverpool or []), "liverpool-city-region")
    app = FastAPI()
    app.include_router(oruk.router)
    try:
        yield TestClient(app)
    finally:
        mp.undo()
        forget_fresh_db()
