"""Append-only audit trail. Callers pass codes and references, never message text or personal fields."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.database import session_scope
from core.staff import AuditEvent

ACTIONS = {
    "created", "viewed", "status_changed", "note_added", "exported", "withdrawn_deleted", "retention_deleted",
    "signed_in", "sign_in_failed", "signed_out", "user_created", "user_deactivated", "user_reactivated",
    # Content editing (knowledge_base/editorial): detail names the document and version, never its text.
    "content_created", "content_saved", "content_submitted", "content_approved", "content_published",
    "content_sent_back", "content_unpublished", "content_restored", "directory_imported", "directory_import_failed",
    # Staff accounts (issue 12): detail names the account, never a password or token.
    "password_changed", "password_change_refused", "password_reset_issued", "password_reset_used", "oidc_bound",
    # Directory imports are staged and published by a second person; an operator's command-line import is direct.
    "directory_import_staged", "directory_import_published", "directory_import_discarded",
}


def record(session: Session, actor: str, action: str, reference: str | None = None, detail: str = "") -> None:
    assert action in ACTIONS, action  # a fixed vocabulary keeps free text out of the trail
    session.add(AuditEvent(actor=actor[:100], action=action, reference=reference, detail=detail[:200]))


def recent(limit: int = 500, reference: str | None = None) -> list[AuditEvent]:
    with session_scope() as session:
        query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if reference:
            query = query.where(AuditEvent.reference == reference)
        return list(session.scalars(query))


def purge_older_than(cutoff: dt.datetime) -> int:
    """Delete audit events recorded before the cutoff (AUDIT_RETENTION_DAYS); returns how many. The one way an
    event ever goes: whole events past retention, in one statement (the ORM refuses to change or delete one)."""
    from sqlalchemy import delete

    with session_scope() as session:
        return session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff)).rowcount or 0
