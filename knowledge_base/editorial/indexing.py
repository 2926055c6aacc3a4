"""Keeping the shared search index in step with what editors publish.

On one server (SQLite) a publish updates the index straight after its commit, in the request. In a fleet
(PostgreSQL) the publish queues an index job in its own transaction instead: the job survives a restart, runs
once on whichever server takes it, is tried again if the index is briefly unreachable, and its success bumps the
content version so every server refreshes its keyword search. The job is idempotent: it makes the index hold
whatever is published for the page when it runs, so a repeated or late job (after a publish then an unpublish)
leaves the index right."""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from core import job_queue
from core.database import session_scope
from knowledge_base.editorial.content import document_of
from knowledge_base.editorial.store import published
from knowledge_base.indexer import IndexReport

SYNC_TASK = "sync_guidance_index"
index_write_lock = threading.Lock()  # one index write at a time in a process, whichever request or job writes


def queue_sync(session: Session, doc_id: str) -> bool:
    """With durable jobs, queue the page's index update in the caller's transaction and return True; False means
    the caller updates the index itself after its commit. Jobs for one page share a lock, so they run in order."""
    if not job_queue.durable():
        return False
    job_queue.defer_in(session, SYNC_TASK, lock=f"index:{doc_id}", doc_id=doc_id)
    return True


def sync_published(doc_id: str) -> IndexReport:
    """The job's work: index the page's published version, or remove the page when nothing is published."""
    from knowledge_base.build import reindex_document, remove_document

    with session_scope() as session:
        live = published(session, doc_id)
        document = document_of(doc_id, dict(live.fields), live.body) if live is not None else None
    with index_write_lock:
        return reindex_document(document) if document is not None else remove_document(doc_id)
