"""The survey table: answers carry an area and an ISO week only, so nothing links them to a conversation."""

from __future__ import annotations

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.database import Base


class SurveyResponse(Base):
    """One parent's optional answers.

    The key is random (never an increasing number) and there is no timestamp finer than the ISO week, no
    conversation id, no handoff reference and no client address: a response cannot be tied back to a chat.
    """

    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    area: Mapped[str | None] = mapped_column(String(40), index=True)
    iso_week: Mapped[str] = mapped_column(String(8), index=True)  # e.g. "2026-W48"
    shown_after: Mapped[str] = mapped_column(String(20))  # "answer" or "handoff": where the form was offered
    helped: Mapped[str | None] = mapped_column(String(10))
    ease: Mapped[int | None] = mapped_column(Integer)
    sharing: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Redacted before it is stored, shown only to editors of the area, emptied after 90 days, never exported.
    comment: Mapped[str | None] = mapped_column(Text)


class TurnCount(Base):
    """Chat turns counted by ISO week, area, topic, route and status: counted as they happen, so the open
    figures outlive the conversations themselves (deleted after CHAT_RETENTION_DAYS). Never any text."""

    __tablename__ = "turn_counts"

    iso_week: Mapped[str] = mapped_column(String(8), primary_key=True)
    area: Mapped[str] = mapped_column(String(40), primary_key=True)  # an area id, or "not-given"
    topic: Mapped[str] = mapped_column(String(30), primary_key=True)  # the best guidance section's topic, or "none"
    route: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    turns: Mapped[int] = mapped_column(Integer, default=0)
