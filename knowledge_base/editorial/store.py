"""Reading editable content: the published guidance the index is built from, and the editors' list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from core.database import get_engine, session_scope
from knowledge_base.documents import GuidanceDocument
from knowledge_base.editorial.content import document_of
from knowledge_base.editorial.models import EditorialDocument, EditorialVersion

WORKING = ("draft", "in_review")


def tables_exist() -> bool:
    # Some tools (and tests) run against a database without these tables: they use the bundled files.
    return inspect(get_engine()).has_table(EditorialVersion.__tablename__)


def is_seeded(session: Session, kind: str = "guidance") -> bool:
    return session.scalar(select(EditorialDocument.id).where(EditorialDocument.kind == kind).limit(1)) is not None


def published_documents() -> list[GuidanceDocument] | None:
    """Published guidance from the database, or None before the first seed (then the files are used)."""
    if not tables_exist():
        return None
    with session_scope() as session:
        if not is_seeded(session):
            return None
        rows = session.scalars(
            select(EditorialVersion)
            .join(EditorialDocument, EditorialDocument.id == EditorialVersion.document_id)
            .where(EditorialDocument.kind == "guidance", EditorialVersion.status == "published")
            .order_by(EditorialVersion.document_id)
        ).all()
        return [document_of(v.document_id, v.fields, v.body) for v in rows]


def versions(session: Session, doc_id: str) -> list[EditorialVersion]:
    """Newest first."""
    return list(session.scalars(
        select(EditorialVersion).where(EditorialVersion.document_id == doc_id).order_by(EditorialVersion.number.desc())
    ))


def published(session: Session, doc_id: str) -> EditorialVersion | None:
    return session.scalar(select(EditorialVersion).where(
        EditorialVersion.document_id == doc_id, EditorialVersion.status == "published"))


def working(session: Session, doc_id: str) -> EditorialVersion | None:
    return session.scalar(select(EditorialVersion).where(
        EditorialVersion.document_id == doc_id, EditorialVersion.status.in_(WORKING)))


@dataclass(frozen=True)
class ListRow:
    doc_id: str
    title: str
    topic: str
    area: str
    review_by: dt.date
    published: bool
    working_status: str | None  # draft | in_review | None
    working_author: str | None

    @property
    def overdue(self) -> bool:
        return self.review_by <= dt.date.today()


def list_guidance(query: str = "", topic: str = "", area: str = "", status: str = "") -> list[ListRow]:
    """Overdue reviews first (oldest first), then by title. Filters are exact; the search is on words."""
    rows: dict[str, ListRow] = {}
    with session_scope() as session:
        docs = session.scalars(select(EditorialDocument.id).where(EditorialDocument.kind == "guidance")).all()
        current = session.scalars(select(EditorialVersion).where(
            EditorialVersion.document_id.in_(docs), EditorialVersion.status.in_(("published", *WORKING)))).all()
        by_doc: dict[str, dict[str, EditorialVersion]] = {}
        for version in current:
            by_doc.setdefault(version.document_id, {})["working" if version.status in WORKING else "published"] = version
        for doc_id in docs:
            versions_of = by_doc.get(doc_id, {})
            shown = versions_of.get("working") or versions_of.get("published")
            if shown is None:
                shown = session.scalar(select(EditorialVersion).where(EditorialVersion.document_id == doc_id)
                                       .order_by(EditorialVersion.number.desc()).limit(1))
            if shown is None:
                continue
            work = versions_of.get("working")
            rows[doc_id] = ListRow(doc_id, shown.fields["title"], shown.fields["topic"], shown.fields["areas"][0],
                                   dt.date.fromisoformat(shown.fields["review_by"]), "published" in versions_of,
                                   work.status if work else None, work.author if work else None)
    words = query.lower().split()
    selected = [
        r for r in rows.values()
        if all(w in f"{r.title} {r.doc_id}".lower() for w in words)
        and (not topic or r.topic == topic) and (not area or r.area == area)
        and (not status or status == r.working_status or (status == "published" and r.published)
             or (status == "unpublished" and not r.published))
    ]
    return sorted(selected, key=lambda r: (not r.overdue, r.review_by if r.overdue else dt.date.min, r.title.lower()))
