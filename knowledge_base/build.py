"""Build or refresh the guidance index from the published content (the database once seeded, else the files)."""

from __future__ import annotations

from collections.abc import Callable

from core.settings import get_settings
from knowledge_base import content_version
from knowledge_base.chunking import Chunk, chunk_document, chunk_documents
from knowledge_base.documents import GuidanceDocument, load_documents
from knowledge_base.indexer import IndexReport, sync_chunks
from knowledge_base.search import get_searcher


def current_documents() -> list[GuidanceDocument]:
    # Editors publish in the database; the bundled files are only read before the very first seed.
    from knowledge_base.editorial.store import published_documents

    published = published_documents()
    return published if published is not None else load_documents(get_settings().content_dir)


def current_chunks() -> list[Chunk]:
    return chunk_documents(current_documents())


def build_index(progress: Callable[[int], None] | None = None) -> IndexReport:
    report = sync_chunks(current_chunks(), progress=progress)
    return _changed(report)


def _changed(report: IndexReport) -> IndexReport:
    """After the shared index changed: count it in the database, so every other server refreshes too."""
    if report.changed:
        content_version.bump()
    get_searcher().refresh()
    return report


def reindex_document(document: GuidanceDocument) -> IndexReport:
    """Re-index one document: only its changed chunks are embedded again."""
    return _changed(sync_chunks(chunk_document(document), doc_id=document.id))


def remove_document(doc_id: str) -> IndexReport:
    return _changed(sync_chunks([], doc_id=doc_id))
