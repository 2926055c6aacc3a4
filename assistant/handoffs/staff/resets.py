"""One-time password reset links. An administrator makes one and passes it on (no email service is needed);
the database keeps only a hash of its token; it works once, for PASSWORD_RESET_MINUTES. Making a new link
cancels the account's earlier ones, and using one ends every session the account had."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select

from core import audit
from core.database import session_scope
from core.settings import get_settings
from core.staff import PasswordReset, StaffSession, StaffUser, utcnow
from assistant.handoffs.drafts import token_hash
from assistant.handoffs.service import aware
from assistant.handoffs.staff.users import InvalidUser, PasswordRefused, check_new_password, set_password

PATH = "/staff/reset-password"
MAX_TOKEN_CHARS = 100


class ResetLinkInvalid(InvalidUser):
    """Unknown, used, expired, or for an account that is no longer active: all look the same."""

    def __init__(self) -> None:
        super().__init__("This reset link has expired or has already been used. Ask your administrator for a new one",
                         "new_password", 410)


def issue(user_id: int, by: str) -> tuple[str, str, dt.datetime]:
    """(username, token, expiry) for an account; raises InvalidUser for an unknown or inactive one."""
    token, now = secrets.token_urlsafe(32), utcnow()
    expires = now + dt.timedelta(minutes=get_settings().password_reset_minutes)
    with session_scope() as session:
        user = session.get(StaffUser, user_id)
        if user is None:
            raise InvalidUser("There is no such user", "username", 404)
        if not user.active:
            raise InvalidUser(f"{user.username} is deactivated. Reactivate the account first", "username", 409)
        session.execute(delete(PasswordReset).where(PasswordReset.user_id == user_id))
        session.add(PasswordReset(token_hash=token_hash(token), user_id=user_id, created_by=by[:100],
                                  created_at=now, expires_at=expires))
        audit.record(session, by, "password_reset_issued", detail=f"user={user.username}")
        return user.username, token, expires


def _usable(token: str) -> tuple[PasswordReset, StaffUser] | None:
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    with session_scope() as session:
        row = session.get(PasswordReset, token_hash(token))
        user = session.get(StaffUser, row.user_id) if row else None
        if row is None or user is None or row.used_at is not None or aware(row.expires_at) <= utcnow() or not user.active:
            return None
        return row, user


def username_for(token: str) -> str:
    """Whose password this link resets; raises ResetLinkInvalid."""
    found = _usable(token)
    if found is None:
        raise ResetLinkInvalid()
    return found[1].username


def redeem(token: str, new: str, confirm: str) -> str:
    """Set the new password, spend the link, end every session. Returns the username; raises PasswordRefused."""
    found = _usable(token)
    if found is None:
        raise ResetLinkInvalid()
    check_new_password(found[1], new, confirm)
    with session_scope() as session:
        row = session.get(PasswordReset, token_hash(token))
        user = session.get(StaffUser, found[1].id)
        # Checked again inside the transaction that spends it, so two posts of one link cannot both succeed.
        if row is None or row.used_at is not None or user is None:
            raise ResetLinkInvalid()
        row.used_at = utcnow()
        set_password(session, user, new)

        session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
        audit.record(session, f"staff:{user.username}", "password_reset_used", detail=f"by={row.created_by}")
        return user.username


def purge_expired() -> int:
    with session_scope() as session:
        spent = select(PasswordReset.token_hash).where(
            (PasswordReset.expires_at < utcnow()) | PasswordReset.used_at.is_not(None))
        return session.execute(delete(PasswordReset).where(PasswordReset.token_hash.in_(spent))).rowcount or 0


__all__ = ["PATH", "PasswordRefused", "ResetLinkInvalid", "issue", "redeem", "username_for", "purge_expired"]
