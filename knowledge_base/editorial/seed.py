"""First run: copy the bundled Markdown guidance and signposting YAML into the database as published."""

from __future__ import annotations

import logging

from core.settings import get_settings
from core.database import session_scope
from knowledge_base.documents import load_documents
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
            for document in load_documents(get_settings().content_dir):
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


def prepare() -> None:
    """Start-up: seed on first run, and let safety signposting read the published text from the database."""
    from knowledge_base.editorial.signposting import install_published_source

    seed_from_bundled()
    install_published_source()
