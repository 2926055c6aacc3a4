"""First run: copy the bundled Markdown guidance and signposting YAML into the database as published."""

from __future__ import annotations

import logging

from core.database import session_scope
from knowledge_base.documents import bundled_documents
from knowledge_base.editorial.content import fields_of
from knowledge_base.editorial.models import SIGNPOSTING_ID, EditorialDocument, EditorialVersion
from knowledge_base.editorial.store import is_seeded

log = logging.getLogger(__name__)
SEED_AUTHOR = "system"


def seed_from_bundled() -> int:
    """Seed whatever kind of content is not in the database yet; returns how many documents were added.

    Only on first run: after that the database is the source of truth and the files are not read again."""
    from guardrails.safety._data import load

    added = 0
    with session_scope() as session:
        if not is_seeded(session, "guidance"):
            for document in bundled_documents():
                session.add(EditorialDocument(id=document.id, kind="guidance"))
                session.add(EditorialVersion(document_id=document.id, number=1, status="published",
                                             fields=fields_of(document), body=document.body.strip(), author=SEED_AUTHOR))
                added += 1
        if not is_seeded(session, "signposting"):
            session.add(EditorialDocument(id=SIGNPOSTING_ID, kind="signposting"))
            session.add(EditorialVersion(document_id=SIGNPOSTING_ID, number=1, status="published",
                                         fields=load("signposting.yaml"), body="", author=SEED_AUTHOR))
            added += 1
    if added:
        log.info("editorial seeded documents=%d", added)
    return added


def add_bundled_questions() -> int:
    """Example questions came after the first seed of some databases: a published version that has none, and
    whose text is still the bundled text, takes the bundled file's. An edited page keeps what its editors wrote."""
    from sqlalchemy import select

    bundled = {d.id: d for d in bundled_documents() if d.questions}
    added = 0
    with session_scope() as session:
        for version in session.scalars(select(EditorialVersion).where(
                EditorialVersion.status == "published", EditorialVersion.document_id.in_(list(bundled)))):
            document = bundled[version.document_id]
            if "questions" not in version.fields and version.body.strip() == document.body.strip():
                version.fields = {**version.fields, "questions": document.questions}
                added += 1
    if added:
        log.info("editorial example questions added documents=%d", added)
    return added


def prepare() -> None:
    """Start-up: seed on first run, and let safety signposting read the published text from the database."""
    from knowledge_base.editorial.signposting import install_published_source

    seed_from_bundled()
    add_bundled_questions()
    install_published_source()
