"""Counting chat turns for the open figures as they happen: one row per ISO week, area, topic, route and
status, incremented in place. Counts only; nothing about the message or the conversation."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from assistant.insights.models import TurnCount
from assistant.insights.weeks import current_week
from core.database import session_scope

NOT_GIVEN = "not-given"  # the parent did not choose an area
NO_TOPIC = "none"


def count_turn(area: str | None, topic: str | None, route: str, status: str) -> None:
    key = {"iso_week": current_week(), "area": area or NOT_GIVEN, "topic": topic or NO_TOPIC,
           "route": route, "status": status}
    # Update first (the common case), insert when the row is new; a concurrent insert of the same row loses the
    # race on the primary key and retries as an update, so no turn is counted twice or lost. Works the same on
    # SQLite and PostgreSQL.
    for _attempt in range(3):
        with session_scope() as session:
            bumped = session.execute(
                update(TurnCount).where(*(getattr(TurnCount, k) == v for k, v in key.items()))
                .values(turns=TurnCount.turns + 1)
            ).rowcount
            if bumped:
                return
        try:
            with session_scope() as session:
                session.add(TurnCount(**key, turns=1))
            return
        except IntegrityError:
            continue
