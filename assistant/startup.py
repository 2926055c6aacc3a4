"""Work done once when the server starts, so the first parent does not wait for it."""

from __future__ import annotations

import logging
import time

from assistant import conversation, conversation_multilingual, readiness, retention, schema
from assistant.handoffs.boot import on_startup as prepare_handoffs
from knowledge_base import ranking
from knowledge_base.build import build_index
from knowledge_base.search import get_searcher
from knowledge_base.directory import ensure_bundled_directory
from knowledge_base.editorial.seed import prepare as prepare_editorial
from guardrails.language import warm_up as warm_up_language
from guardrails.safety import exemplars, learned
from core.embeddings import embed_multilingual_query, embed_query

log = logging.getLogger("assistant.startup")


def prepare() -> None:
    started = time.perf_counter()
    schema.upgrade()  # the migrations are the one source of the schema
    prepare_handoffs()  # checks the key, purges past retention (also: `python -m assistant handoffs purge`)
    retention.purge_all()  # chat turns and audit events too; then every PURGE_INTERVAL_MINUTES (web lifespan)
    ensure_bundled_directory()  # example data until the council imports its own ORUK feed
    prepare_editorial()  # first run: bundled guidance and signposting into the database (then the source of truth)
    ranking.model()  # trained at install time (`python -m assistant train`); read from the cache here
    report = build_index()  # only changed chunks are embedded again
    embed_query("warm up")  # load the model before the first request
    exemplars.index()  # safety exemplar vectors, so the first parent does not wait for them
    conversation.model()  # greetings and thanks in any phrasing; trained at install time like the rest
    conversation_multilingual.model()  # the same, and contact and services requests, in other languages
    learned.model()  # trained at install time (`python -m assistant train`); read from the cache here
    embed_multilingual_query("warm up")
    get_searcher().corpus().multilingual()  # e5 vectors of the guidance, for questions in other languages (cached)
    warm_up_language()
    readiness.models_loaded()
    log.info(
        "ready index_added=%d updated=%d removed=%d unchanged=%d seconds=%.1f",
        report.added, report.updated, report.removed, report.unchanged, time.perf_counter() - started,
    )
