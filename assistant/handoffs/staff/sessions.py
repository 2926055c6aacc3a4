"""Server-side staff sessions: the cookie holds a random token, the database only its hash.

A session ends at the first of: sign-out, STAFF_IDLE_MINUTES without a request, STAFF_SESSION_HOURS after it
began (absolute), or the account's session epoch moving on. A sign-in, a password change and a password reset
move the epoch on, so each of them ends every older session of that account (one place signed in at a time)."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select

from core import audit
from core.settings import get_settings
from core.database import session_scope
from assistant.handoffs.drafts import token_hash
from assistant.handoffs.models import utcnow
from core.staff import StaffSession, StaffUser
from assistant.handoffs.service import aware

COOKIE_NAME = "fh_staff"
# last_seen_at is written at most this often, so a page of requests is not a page of writes.
TOUCH_EVERY = dt.timedelta(seconds=60)


def start(user_id: int) -> str:
    """A new session for this account; every older one ends (the epoch moves on and their rows go)."""
    token, now = secrets.token_urlsafe(32), utcnow()
    expires = now + dt.timedelta(hours=get_settings().staff_session_hours)
    with session_scope() as session:
        user = session.get(StaffUser, user_id)
        assert user is not None, "sessions start only for an account that exists"
        user.session_epoch = (user.session_epoch or 0) + 1
        session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
        session.add(StaffSession(token_hash=token_hash(token), user_id=user_id, expires_at=expires,
                                 epoch=user.session_epoch, created_at=now, last_seen_at=now))
    return token


def _is_live(row: StaffSession, user: StaffUser | None, now: dt.datetime) -> bool:
    idle_limit = dt.timedelta(minutes=get_settings().staff_idle_minutes)
    last_seen = aware(row.last_seen_at or row.created_at or now)
    return bool(user and user.active and row.epoch == (user.session_epoch or 0)
                and aware(row.expires_at) > now and now - last_seen <= idle_limit)


def user_for(token: str | None) -> StaffUser | None:
    if not token or len(token) > 100:
        return None
    now = utcnow()
    with session_scope() as session:
        row = session.get(StaffSession, token_hash(token))
        if row is None:
            return None
        user = session.get(StaffUser, row.user_id)
        if not _is_live(row, user, now):
            session.delete(row)  # idle, past its lifetime, or replaced by a newer sign-in: gone for good
            return None
        if now - aware(row.last_seen_at or now) >= TOUCH_EVERY:
            row.last_seen_at = now
        return user


def end(token: str | None) -> None:
    """Sign-out: the session's row goes, and the trail says who signed out."""
    if not token or len(token) > 100:
        return
    with session_scope() as session:
        row = session.get(StaffSession, token_hash(token))
        if row is None:
            return
        user = session.get(StaffUser, row.user_id)
        session.delete(row)
        if user is not None:
            audit.record(session, f"staff:{user.username}", "signed_out")


def end_all(user_id: int) -> None:
    with session_scope() as session:
        session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))


def purge_expired() -> int:
    now = utcnow()
    idle_cutoff = now - dt.timedelta(minutes=get_settings().staff_idle_minutes)
    with session_scope() as session:
        return session.execute(delete(StaffSession).where(
            (StaffSession.expires_at < now) | (StaffSession.last_seen_at < idle_cutoff))).rowcount or 0


def count_for(user_id: int) -> int:
    with session_scope() as session:
        return len(session.scalars(select(StaffSession.token_hash).where(StaffSession.user_id == user_id)).all())
