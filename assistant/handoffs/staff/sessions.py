"""Server-side staff sessions: the cookie holds a random token, the database only its hash."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select

from core.settings import get_settings
from core.database import session_scope
from assistant.handoffs.drafts import token_hash
from assistant.handoffs.models import utcnow
from core.staff import StaffSession, StaffUser
from assistant.handoffs.service import aware

COOKIE_NAME = "fh_staff"


def start(user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(hours=get_settings().staff_session_hours)
    with session_scope() as session:
        session.add(StaffSession(token_hash=token_hash(token), user_id=user_id, expires_at=expires))
    return token


def user_for(token: str | None) -> StaffUser | None:
    if not token or len(token) > 100:
        return None
    with session_scope() as session:
        row = session.get(StaffSession, token_hash(token))
        if row is None or aware(row.expires_at) < utcnow():
            return None
        user = session.get(StaffUser, row.user_id)
        return user if user and user.active else None


def end(token: str | None) -> None:
    if token:
        with session_scope() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))


def purge_expired() -> int:
    with session_scope() as session:
        return session.execute(delete(StaffSession).where(StaffSession.expires_at < utcnow())).rowcount or 0


def count_for(user_id: int) -> int:
    with session_scope() as session:
        return len(session.scalars(select(StaffSession.token_hash).where(StaffSession.user_id == user_id)).all())
