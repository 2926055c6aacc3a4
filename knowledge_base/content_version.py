"""A counter of guidance publishes, kept in the database so every app server can tell, with one cheap
one-row read, that its in-memory search index (keywords and vectors) is behind the shared Chroma index."""

from __future__ import annotations

import logging

from sqlalchemy import Integer, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from core.database import Base, session_scope

log = logging.getLogger("knowledge_base.content_version")
ROW_ID = 1  # one row, made by migration 0006


class ContentVersion(Base):
    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)


def bump() -> None:
    """Called after the shared index has changed (publish, unpublish, rebuild). Atomic in SQL, so two servers
    publishing at once both count. Before the schema exists (an index built with no database yet) there is no
    other server to tell, so that is only logged."""
    try:
        with session_scope() as session:
            session.execute(update(ContentVersion).where(ContentVersion.id == ROW_ID)
                            .values(version=ContentVersion.version + 1))
    except SQLAlchemyError as exc:
        log.warning("content version not bumped type=%s", type(exc).__name__)


def current() -> int | None:
    """The latest version, or None when it cannot be read (the searcher then keeps what it has)."""
    try:
        with session_scope() as session:
            return session.scalar(select(ContentVersion.version).where(ContentVersion.id == ROW_ID))
    except SQLAlchemyError as exc:
        log.warning("content version unreadable type=%s", type(exc).__name__)
        return None
