"""The editorial workflow: save draft -> submit -> approve and publish (by someone else) or send back;
unpublish; restore an old version as a new draft. Every step is audited and guarded by optimistic locking.

Routes call these functions and show the exceptions' messages; nothing here knows about HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.database import session_scope
from core import audit
from core.staff import StaffUser
from core.staff import can
from knowledge_base.editorial import indexing
from knowledge_base.editorial.content import document_of
from knowledge_base.editorial.models import EditorialDocument, EditorialVersion, utcnow
from knowledge_base.editorial.store import WORKING, published, versions, working

log = logging.getLogger(__name__)
MAX_COMMENT_CHARS = 2000


class WorkflowError(Exception):
    """A refused step, with a message for the person who tried it."""


class NotFound(WorkflowError, LookupError):
    pass


class Conflict(WorkflowError):
    """Someone else changed the document since this form was shown."""


class NotAllowed(WorkflowError):
    pass


@dataclass(frozen=True)
class Outcome:
    number: int  # the version acted on
    message: str  # what happened, for the page
    index_note: str = ""  # set when the search index could not be updated


def actor(user: StaffUser) -> str:
    return f"staff:{user.username}"


def require(user: StaffUser | None, capability: str) -> StaffUser:
    if not can(user, capability):
        raise NotAllowed("You need the editor role to change content" if capability == "editor"
                         else "You need the approver role to publish content")
    assert user is not None
    return user


def _take_lock(session: Session, doc_id: str, expected: int) -> None:
    """Bump the lock only if nobody else has: the first statement of the transaction, so SQLite serialises it."""
    done = session.execute(update(EditorialDocument)
                           .where(EditorialDocument.id == doc_id, EditorialDocument.lock_version == expected)
                           .values(lock_version=EditorialDocument.lock_version + 1))
    if done.rowcount != 1:
        if session.get(EditorialDocument, doc_id) is None:
            raise NotFound("There is no page with that id")
        raise Conflict("Someone else changed this page after you opened it. Your text is below: "
                       "check their changes, then save again.")


def current_lock(doc_id: str) -> int:
    with session_scope() as session:
        doc = session.get(EditorialDocument, doc_id)
        if doc is None:
            raise NotFound("There is no page with that id")
        return doc.lock_version


def _next_number(session: Session, doc_id: str) -> int:
    return (session.scalar(select(func.max(EditorialVersion.number)).where(EditorialVersion.document_id == doc_id)) or 0) + 1


def _add_draft(session: Session, doc_id: str, fields: dict[str, Any], body: str, author: str,
               restored_from: int | None = None) -> int:
    old = working(session, doc_id)
    if old is not None:
        old.status = "archived"  # kept in history: a newer draft replaces it, nothing is lost
    number = _next_number(session, doc_id)
    session.add(EditorialVersion(document_id=doc_id, number=number, status="draft", fields=fields, body=body,
                                 author=author, restored_from=restored_from))
    return number


def create(doc_id: str, kind: str, fields: dict[str, Any], body: str, user: StaffUser) -> Outcome:
    """A new page, as a first draft."""
    require(user, "editor")
    try:
        with session_scope() as session:
            session.add(EditorialDocument(id=doc_id, kind=kind, lock_version=1))
            session.flush()
            number = _add_draft(session, doc_id, fields, body, user.username)
            audit.record(session, actor(user), "content_created", detail=f"doc={doc_id} version={number}")
    except IntegrityError:
        raise Conflict("There is already a page with this id. Choose another id.") from None
    return Outcome(number, "Your new page has been saved as a draft.")


def save(doc_id: str, fields: dict[str, Any], body: str, lock: int, user: StaffUser) -> Outcome:
    require(user, "editor")
    with session_scope() as session:
        _take_lock(session, doc_id, lock)
        number = _add_draft(session, doc_id, fields, body, user.username)
        audit.record(session, actor(user), "content_saved", detail=f"doc={doc_id} version={number}")
    return Outcome(number, "Your draft has been saved.")


def submit(doc_id: str, lock: int, user: StaffUser) -> Outcome:
    require(user, "editor")
    with session_scope() as session:
        _take_lock(session, doc_id, lock)
        draft = working(session, doc_id)
        if draft is None or draft.status != "draft":
            raise NotAllowed("There is no draft to send for review")
        draft.status, draft.submitted_by, draft.comment = "in_review", user.username, None
        audit.record(session, actor(user), "content_submitted", detail=f"doc={doc_id} version={draft.number}")
        return Outcome(draft.number, "The draft has been sent for review. Someone else must approve it.")


def contributors(session: Session, doc_id: str) -> set[str]:
    """Everyone who wrote or submitted any version since the last publish: none of them may approve it."""
    live = published(session, doc_id)
    since = live.number if live else 0
    names: set[str] = set()
    for version in versions(session, doc_id):
        if version.number > since:
            names |= {version.author, version.submitted_by or ""}
    return names - {""}


PublishHook = Callable[[str, dict[str, Any], str], None]


def approve(doc_id: str, lock: int, user: StaffUser, on_publish: PublishHook | None = None) -> Outcome:
    require(user, "approver")
    with session_scope() as session:
        _take_lock(session, doc_id, lock)
        review = working(session, doc_id)
        if review is None or review.status != "in_review":
            raise NotAllowed("There is nothing waiting for review on this page")
        if user.username in contributors(session, doc_id):
            raise NotAllowed("You worked on this version, so someone else must approve it")
        old = published(session, doc_id)
        if old is not None:
            old.status = "archived"
            session.flush()  # one published version at a time, even mid-transaction
        review.status, review.reviewer, review.decided_at = "published", user.username, utcnow()
        audit.record(session, actor(user), "content_approved", detail=f"doc={doc_id} version={review.number}")
        audit.record(session, actor(user), "content_published", detail=f"doc={doc_id} version={review.number}")
        number, fields, body = review.number, dict(review.fields), review.body
        queued = on_publish is not None and indexing.queue_sync(session, doc_id)
    note = "" if queued else _run_hook(on_publish, doc_id, fields, body)
    return Outcome(number, f"Version {number} is published.", note)


def send_back(doc_id: str, lock: int, user: StaffUser, comment: str) -> Outcome:
    require(user, "approver")
    comment = comment.strip()
    if not comment:
        raise NotAllowed("Enter a comment saying what needs to change")
    if len(comment) > MAX_COMMENT_CHARS:
        raise NotAllowed(f"The comment must be {MAX_COMMENT_CHARS:,} characters or fewer")
    with session_scope() as session:
        _take_lock(session, doc_id, lock)
        review = working(session, doc_id)
        if review is None or review.status != "in_review":
            raise NotAllowed("There is nothing waiting for review on this page")
        review.status, review.reviewer, review.comment, review.decided_at = "draft", user.username, comment, utcnow()
        audit.record(session, actor(user), "content_sent_back", detail=f"doc={doc_id} version={review.number}")
        return Outcome(review.number, "The draft has been sent back to the editor with your comment.")


def unpublish(doc_id: str, lock: int, user: StaffUser, on_unpublish: Callable[[str], None] | None = None) -> Outcome:
    require(user, "approver")
    with session_scope() as session:
        _take_lock(session, doc_id, lock)
        doc = session.get(EditorialDocument, doc_id)
        if doc is not None and doc.kind != "guidance":
            raise NotAllowed("Safety signposting cannot be unpublished; publish a corrected version instead")
        live = published(session, doc_id)
        if live is None:
            raise NotAllowed("This page is not published")
        live.status, live.decided_at = "archived", utcnow()
        audit.record(session, actor(user), "content_unpublished", detail=f"doc={doc_id} version={live.number}")
        number = live.number
        queued = on_unpublish is not None and indexing.queue_sync(session, doc_id)
    note = "" if queued else _run_hook(on_unpublish, doc_id)
    return Outcome(number, "The page is unpublished. The assistant no longer uses it.", note)


def restore(doc_id: str, number: int, lock: int, user: StaffUser) -> Outcome:
    require(user, "editor")
    with session_scope() as session:
        _take_lock(session, doc_id, lock)
        old = session.scalar(select(EditorialVersion).where(EditorialVersion.document_id == doc_id,
                                                            EditorialVersion.number == number))
        if old is None:
            raise NotFound("There is no such version")
        new_number = _add_draft(session, doc_id, dict(old.fields), old.body, user.username, restored_from=number)
        audit.record(session, actor(user), "content_restored", detail=f"doc={doc_id} version={new_number} from={number}")
    return Outcome(new_number, f"Version {number} has been copied into a new draft (version {new_number}). "
                   "Send it for review to publish it.")


def _run_hook(hook: Callable[..., None] | None, *args: Any) -> str:
    if hook is None:
        return ""
    try:
        with indexing.index_write_lock:
            hook(*args)
    except Exception as exc:  # the database change stands; the next start-up index build catches up
        log.error("editorial index update failed type=%s", type(exc).__name__)
        return "The change is saved, but the search index could not be updated. It will be updated when the service restarts."
    return ""


# Guidance hooks: publishing re-indexes only that document; unpublishing removes its chunks.
def reindex_guidance(doc_id: str, fields: dict[str, Any], body: str) -> None:
    from knowledge_base.build import reindex_document

    reindex_document(document_of(doc_id, fields, body))


def remove_guidance(doc_id: str) -> None:
    from knowledge_base.build import remove_document

    remove_document(doc_id)


def is_working(status: str) -> bool:
    return status in WORKING
