"""The staff queue and the work on one handoff: open, accept, decline with a reason, close, add notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.database import session_scope
from core import audit
from core.errors import FieldError
from assistant.handoffs.choices import form_choices
from core.encryption import decrypt_json, encrypt_json
from assistant.handoffs.models import Handoff, HandoffNote, utcnow
from core.staff import StaffUser
from assistant.handoffs.service import HandoffNotFound, HandoffView, aware, to_view
from assistant.handoffs.staff.scope import visible_to

STATUSES = ("new", "opened", "accepted", "declined", "closed", "withdrawn")
ACTIVE_STATUSES = ("new", "opened", "accepted", "declined")
# action -> (statuses it may follow, the status it sets)
TRANSITIONS = {
    "accept": (("new", "opened"), "accepted"),
    "decline": (("new", "opened"), "declined"),
    "close": (("accepted", "declined"), "closed"),
}
MAX_NOTE_CHARS = 2000


class NotAllowed(FieldError):
    """A status change or note that cannot happen now; the message says why, and which field it is about."""


@dataclass
class QueueRow:
    reference: str
    status: str
    hub: str
    concerns: list[str]
    created_at: dt.datetime


def actor(user: StaffUser) -> str:
    return f"staff:{user.username}"


def queue(user: StaffUser, status: str | None = None, concern: str | None = None) -> list[QueueRow]:
    query = select(Handoff).where(visible_to(user)).order_by(Handoff.created_at, Handoff.id)
    query = query.where(Handoff.status == status) if status in STATUSES else query.where(Handoff.status.in_(ACTIVE_STATUSES))
    with session_scope() as session:
        rows = [QueueRow(h.reference, h.status, h.hub, list(h.concerns or []), aware(h.created_at))
                for h in session.scalars(query)]
    # Filtered here because JSON containment differs between SQLite and PostgreSQL.
    return [row for row in rows if not concern or concern in row.concerns]


def _in_scope(session: Session, user: StaffUser, reference: str) -> Handoff:
    handoff = session.scalar(select(Handoff).where(Handoff.reference == reference, visible_to(user)))
    if handoff is None:
        raise HandoffNotFound(reference)
    return handoff


def _notes(session: Session, handoff: Handoff) -> list[dict]:
    rows = session.execute(
        select(HandoffNote, StaffUser.username).outerjoin(StaffUser, HandoffNote.author_id == StaffUser.id)
        .where(HandoffNote.handoff_id == handoff.id).order_by(HandoffNote.id)
    )
    return [{"author": name or "former user", "at": aware(note.created_at), "text": decrypt_json(note.body_encrypted)}
            for note, name in rows]


def open_handoff(user: StaffUser, reference: str) -> HandoffView:
    """Every view is audited; the first one moves New to Opened."""
    with session_scope() as session:
        handoff = _in_scope(session, user, reference)
        audit.record(session, actor(user), "viewed", reference)
        if handoff.status == "new":
            handoff.status, handoff.opened_at = "opened", utcnow()
            audit.record(session, actor(user), "status_changed", reference, "new -> opened")
        return to_view(handoff, _notes(session, handoff))


def read_for_export(user: StaffUser, reference: str, fmt: str) -> HandoffView:
    with session_scope() as session:
        handoff = _in_scope(session, user, reference)
        audit.record(session, actor(user), "exported", reference, f"format={fmt}")
        return to_view(handoff, _notes(session, handoff))


def change_status(user: StaffUser, reference: str, action: str, reason: str = "") -> str:
    with session_scope() as session:
        handoff = _in_scope(session, user, reference)
        # A declined request is refused beside the reason field; any other change beside the status (a conflict).
        field, status = ("reason", 422) if action == "decline" else ("status-tag", 409)
        if action not in TRANSITIONS:
            raise NotAllowed("Choose accept, decline or close", field, status)
        allowed_from, new_status = TRANSITIONS[action]
        if handoff.status not in allowed_from:
            raise NotAllowed(f"You cannot {action} a request that is {handoff.status}", field, status)
        if action == "decline" and reason not in form_choices()["decline_reasons"]:
            raise NotAllowed("Select why you are declining this request", field, status)
        detail = f"{handoff.status} -> {new_status}" + (f" reason={reason}" if action == "decline" else "")
        handoff.status = new_status
        if action == "decline":
            handoff.decline_reason = reason
        if action == "close":
            handoff.closed_at = utcnow()
        else:
            handoff.decided_at = utcnow()
        audit.record(session, actor(user), "status_changed", reference, detail)
        return new_status


def add_note(user: StaffUser, reference: str, text: str) -> None:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise NotAllowed("Enter a note", "note")
    if len(text) > MAX_NOTE_CHARS:
        raise NotAllowed(f"A note must be {MAX_NOTE_CHARS:,} characters or fewer. You have written {len(text):,}.", "note")
    with session_scope() as session:
        handoff = _in_scope(session, user, reference)
        if handoff.status == "withdrawn":
            raise NotAllowed("The parent has withdrawn this request, so you cannot add notes", "note")
        session.add(HandoffNote(handoff_id=handoff.id, author_id=user.id, body_encrypted=encrypt_json(text)))
        audit.record(session, actor(user), "note_added", reference)
