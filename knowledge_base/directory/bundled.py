"""The bundled example directory: imported at start-up when the database has no services yet."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import func, select

from core.areas import AREAS
from core.database import session_scope

DATA_DIR = Path(__file__).parent / "data"
log = logging.getLogger(__name__)


def bundled_feed(area: str) -> Path:
    return DATA_DIR / f"{area}.json"


def ensure_bundled_directory() -> int:
    """Import the bundled example data for each area with no services; returns how many areas were loaded."""
    from knowledge_base.directory.importer import import_feed
    from knowledge_base.directory.models import DirectoryService

    with session_scope() as session:
        loaded = set(session.scalars(select(DirectoryService.area).distinct()))
    missing = [a for a in AREAS if a not in loaded and bundled_feed(a).exists()]
    for area in missing:
        log.info("directory: %s", import_feed(str(bundled_feed(area)), area).summary())
    return len(missing)


def is_example_data(area: str | None = None) -> bool:
    """True while the directory (for one area, or any) is the bundled example data: the UI shows a tag."""
    from knowledge_base.directory.models import DirectoryService

    query = select(func.count()).select_from(DirectoryService).where(DirectoryService.example_data.is_(True))
    with session_scope() as session:
        return bool(session.scalar(query.where(DirectoryService.area == area) if area else query))
