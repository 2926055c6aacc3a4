"""Tables for editable content: one row per document, one row per saved version of it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.database import Base

KINDS = ("guidance", "signposting")
# A version is a draft, in review, published (at most one per document), or archived: an earlier draft
# or an earlier published version, kept so history and restore never lose anything.
STATUSES = ("draft", "in_review", "published", "archived")
SIGNPOSTING_ID = "_signposting"  # cannot clash with a guidance id (those never start with "_")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class EditorialDocument(Base):
    __tablename__ = "editorial_documents"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # guidance id, or SIGNPOSTING_ID
    kind: Mapped[str] = mapped_column(String(20), index=True)
    # Optimistic locking: every change bumps this; a form posting an older value is a conflict.
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EditorialVersion(Base):
    __tablename__ = "editorial_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("editorial_documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … per document
    status: Mapped[str] = mapped_column(String(20), index=True)
    fields: Mapped[dict] = mapped_column(JSON, default=dict)  # guidance front matter, or the signposting data
    body: Mapped[str] = mapped_column(Text, default="")  # guidance Markdown ("" for signposting)
    author: Mapped[str] = mapped_column(String(80))  # username, or "system" for the seed
    submitted_by: Mapped[str | None] = mapped_column(String(80))
    reviewer: Mapped[str | None] = mapped_column(String(80))
    comment: Mapped[str | None] = mapped_column(Text)  # the reviewer's reason for sending it back
    restored_from: Mapped[int | None] = mapped_column(Integer)  # version number this draft was restored from
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
