"""Tables for tell it once. Personal data lives only in the encrypted `*_encrypted` columns."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.database import Base
from core.staff import utcnow


class Handoff(Base):
    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    parent_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # sha256; the link itself is never kept
    area: Mapped[str] = mapped_column(String(40), index=True)
    hub: Mapped[str] = mapped_column(String(40), index=True)  # hub id, or "not-sure"
    concerns: Mapped[list[str]] = mapped_column(JSON, default=list)  # codes only, for the queue filter
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    decline_reason: Mapped[str | None] = mapped_column(String(40))  # a code from form_choices.yaml
    personal_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once withdrawn
    consent_version: Mapped[str] = mapped_column(String(40))
    consent_text: Mapped[str] = mapped_column(Text)  # the exact words shown (no personal data)
    consent_given_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class HandoffNote(Base):
    __tablename__ = "handoff_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    body_encrypted: Mapped[bytes] = mapped_column(LargeBinary)  # notes can be about the family
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NotificationSend(Base):
    """One parent confirmation sent (or being sent) to one recipient, kept for a day to limit messages per
    recipient. Holds a keyed hash of the number or address, never the number or address itself."""

    __tablename__ = "notification_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    recipient_hash: Mapped[str] = mapped_column(String(64), index=True)  # HMAC-SHA256, hex
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
