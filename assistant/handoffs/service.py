"""Create a handoff once, show it to the parent by private link, and withdraw it (deleting personal data)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.database import session_scope
from assistant.handoffs import notify
from core import audit
from assistant.handoffs.consent import ConsentWording
from assistant.handoffs.drafts import parent_token, stored_key, token_hash
from core.encryption import decrypt_json, encrypt_json
from assistant.handoffs.models import Handoff, HandoffNote, utcnow
from assistant.handoffs.references import new_reference

log = logging.getLogger("assistant.handoffs")


class HandoffNotFound(LookupError):
    pass


class HandoffWithdrawn(LookupError):
    pass


@dataclass
class Created:
    reference: str
    token: str
    new: bool


@dataclass
class HandoffView:
    reference: str
    status: str
    area: str
    hub: str
    concerns: list[str]
    answers: dict
    created_at: dt.datetime
    consent_version: str
    consent_text: str
    consent_given_at: dt.datetime
    decline_reason: str | None = None
    notes: list[dict] = field(default_factory=list)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything here is UTC.
    return value.replace(tzinfo=dt.timezone.utc) if value is not None and value.tzinfo is None else value


def to_view(handoff: Handoff, notes: list[dict] | None = None) -> HandoffView:
    answers = decrypt_json(handoff.personal_encrypted) if handoff.personal_encrypted else {}
    return HandoffView(
        handoff.reference, handoff.status, handoff.area, handoff.hub, list(handoff.concerns or []), answers,
        aware(handoff.created_at), handoff.consent_version, handoff.consent_text, aware(handoff.consent_given_at),
        handoff.decline_reason, notes or [],
    )


def add_handoff(session: Session, answers: dict, idempotency_key: str, consent: ConsentWording) -> Handoff:
    """The whole creation in the caller's transaction: the handoff, its consent record and the audit entry."""
    handoff = Handoff(
        reference=new_reference(),
        idempotency_key=stored_key(idempotency_key),
        parent_token_hash=token_hash(parent_token(idempotency_key)),
        area=answers["area"],
        hub=answers["hub"],
        concerns=list(answers["concerns"]),
        status="new",
        personal_encrypted=encrypt_json(answers),
        consent_version=consent.version,
        consent_text=consent.full_text,
        consent_given_at=utcnow(),
    )
    session.add(handoff)
    session.flush()
    audit.record(session, "parent", "created", handoff.reference, f"consent={consent.version}")
    return handoff


def _existing(idempotency_key: str) -> str | None:
    with session_scope() as session:
        return session.scalar(select(Handoff.reference).where(Handoff.idempotency_key == stored_key(idempotency_key)))


def create_handoff(answers: dict, idempotency_key: str, consent: ConsentWording) -> Created:
    """Idempotent: the same key always gives the same handoff, however often or concurrently it is sent."""
    token = parent_token(idempotency_key)
    for _attempt in range(5):
        if reference := _existing(idempotency_key):
            return Created(reference, token, new=False)
        try:
            with session_scope() as session:
                reference = add_handoff(session, answers, idempotency_key, consent).reference
                queued = notify.queue_in(session, reference)  # PostgreSQL: a durable job, committed with the handoff
        except IntegrityError:
            continue  # the same key won a race (found next time round), or a rare reference clash
        log.info("handoff created reference=%s area=%s", reference, answers["area"])
        if not queued:
            notify.handoff_created(reference, answers)  # after the commit, once per handoff; never blocks or raises
        return Created(reference, token, new=True)
    raise RuntimeError("could not create handoff")


def _by_token(session: Session, token: str) -> Handoff:
    if not token or len(token) > 100:
        raise HandoffNotFound()
    handoff = session.scalar(select(Handoff).where(Handoff.parent_token_hash == token_hash(token)))
    if handoff is None:
        raise HandoffNotFound()
    if handoff.withdrawn_at is not None:
        raise HandoffWithdrawn(handoff.reference)
    return handoff


def for_parent(token: str) -> HandoffView:
    with session_scope() as session:
        return to_view(_by_token(session, token))


def withdraw(token: str) -> str:
    """Deletes the personal data and notes at once; keeps only that a handoff existed and was withdrawn."""
    with session_scope() as session:
        handoff = _by_token(session, token)
        for note in session.scalars(select(HandoffNote).where(HandoffNote.handoff_id == handoff.id)):
            session.delete(note)
        handoff.personal_encrypted = None
        handoff.concerns = []
        handoff.decline_reason = None
        handoff.status = "withdrawn"
        handoff.withdrawn_at = utcnow()
        audit.record(session, "parent", "withdrawn_deleted", handoff.reference)
        reference = handoff.reference
    log.info("handoff withdrawn reference=%s", reference)
    return reference
