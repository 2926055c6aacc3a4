"""Keep the Chroma collection in step with the chunks: only changed chunks are embedded again."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from langchain_core.documents import Document

from knowledge_base.chunking import Chunk
from knowledge_base.vector_store import get_store

BATCH_SIZE = 32


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def indexed_digests(doc_id: str | None = None) -> dict[str, str]:
    collection = get_store()._collection  # digest lives in metadata; no need to fetch vectors
    where = {"doc_id": doc_id} if doc_id else None
    result = collection.get(where=where, include=["metadatas"])
    return {cid: (meta or {}).get("digest", "") for cid, meta in zip(result["ids"], result["metadatas"])}


def sync_chunks(
    chunks: Iterable[Chunk],
    doc_id: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> IndexReport:
    """Make the index hold exactly `chunks` (for one document when doc_id is given)."""
    wanted = {chunk.chunk_id: chunk for chunk in chunks}
    existing = indexed_digests(doc_id)
    stale = [c for cid, c in wanted.items() if existing.get(cid) != c.digest]
    removed = [cid for cid in existing if cid not in wanted]
    report = IndexReport(
        added=sum(1 for c in stale if c.chunk_id not in existing),
        updated=sum(1 for c in stale if c.chunk_id in existing),
        removed=len(removed),
        unchanged=len(wanted) - len(stale),
    )
    store = get_store()
    if removed:
        store.delete(ids=removed)
    for start in range(0, len(stale), BATCH_SIZE):
        batch = stale[start : start + BATCH_SIZE]
        store.add_documents(
            [Document(page_content=c.embedding_text, metadata={**c.metadata, "text": c.text}) for c in batch],
            ids=[c.chunk_id for c in batch],
        )
        if progress:
            progress(len(batch))
    return report
