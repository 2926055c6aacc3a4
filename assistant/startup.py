"""Work done once when the server starts, so the first parent does not wait for it."""

from __future__ import annotations

import logging
import time

from assistant.database import create_tables
from assistant.handoffs.retention import purge as purge_handoffs_past_retention
from knowledge_base.build import build_index
from knowledge_base.directory import ensure_bundled_directory
from knowledge_base.embeddings import embed_query

log = logging.getLogger("assistant.startup")


def prepare() -> None:
    started = time.perf_counter()
    create_tables()
    purge_handoffs_past_retention()  # also on a schedule: `python -m assistant handoffs purge`
    ensure_bundled_directory()  # example data until the council imports its own ORUK feed
    report = build_index()  # only changed chunks are embedded again
    embed_query("warm up")  # load the model before the first request
    log.info(
        "ready index_added=%d updated=%d removed=%d unchanged=%d seconds=%.1f",
        report.added, report.updated, report.removed, report.unchanged, time.perf_counter() - started,
    )
