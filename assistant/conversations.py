"""Conversations keep only redacted parent text, so a follow-up can be understood in context."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from core.database import Base, session_scope

HISTORY_TURNS = 3


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ConversationRecord(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    area: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_active_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TurnRecord(Base):
    __tablename__ = "conversation_turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    redacted_text: Mapped[str] = mapped_column(Text)  # never the message as typed
    answer: Mapped[str] = mapped_column(Text, default="")
    route: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    top_similarity: Mapped[float | None]
    extras: Mapped[dict] = mapped_column(JSON, default=dict)  # sources and service cards, for the no-JS page
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)


class ConversationNotFound(LookupError):
    pass


def start_conversation(area: str | None) -> str:
    conversation_id = secrets.token_hex(16)
    with session_scope() as session:
        session.add(ConversationRecord(id=conversation_id, area=area))
    return conversation_id


def recent_messages(conversation_id: str) -> list[str]:
    """The last few redacted parent messages, oldest first; raises ConversationNotFound."""
    with session_scope() as session:
        if session.get(ConversationRecord, conversation_id) is None:
            raise ConversationNotFound(conversation_id)
        rows = session.scalars(
            select(TurnRecord.redacted_text)
            .where(TurnRecord.conversation_id == conversation_id)
            .order_by(TurnRecord.id.desc())
            .limit(HISTORY_TURNS)
        ).all()
    return list(reversed(rows))


def transcript(conversation_id: str) -> list[TurnRecord]:
    with session_scope() as session:
        if session.get(ConversationRecord, conversation_id) is None:
            raise ConversationNotFound(conversation_id)
        return list(
            session.scalars(
                select(TurnRecord).where(TurnRecord.conversation_id == conversation_id).order_by(TurnRecord.id)
            )
        )


def record_turn(
    conversation_id: str,
    redacted_text: str,
    answer: str,
    route: str,
    status: str,
    top_similarity: float | None,
    extras: dict,
) -> None:
    with session_scope() as session:
        session.add(
            TurnRecord(
                conversation_id=conversation_id,
                redacted_text=redacted_text,
                answer=answer,
                route=route,
                status=status,
                top_similarity=top_similarity,
                extras=extras,
            )
        )
        conversation = session.get(ConversationRecord, conversation_id)
        if conversation is not None:
            conversation.last_active_at = _now()


def purge_older_than(cutoff: dt.datetime) -> int:
    """Delete conversations (and their redacted turns) last active before the cutoff (CHAT_RETENTION_DAYS)."""
    from sqlalchemy import delete

    with session_scope() as session:
        old = select(ConversationRecord.id).where(ConversationRecord.last_active_at < cutoff)
        session.execute(delete(TurnRecord).where(TurnRecord.conversation_id.in_(old)))
        return session.execute(delete(ConversationRecord).where(ConversationRecord.last_active_at < cutoff)).rowcount or 0
