"""Tell it once, service layer, against a real SQLite file (or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from handoff_support import FULL_ANSWERS, handoff_db  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def _create(key: str = "k" * 43, **changes):
    from assistant.handoffs.consent import wording
    from assistant.handoffs.service import create_handoff

    answers = {**FULL_ANSWERS, **changes}
    return create_handoff(answers, key, wording(answers["area"], answers["hub"]))


def _count(model) -> int:
    from core.database import session_scope

    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_personal_fields_are_encrypted_at_rest(handoff_db):
    from core.database import get_engine
    from assistant.handoffs.service import for_parent

    created = _create()
    assert for_parent(created.token).answers["phone"] == "07700 900 982"  # readable through the service
    get_engine().dispose()
    raw = b"".join(p.read_bytes() for p in handoff_db.parent.glob("family_hub.db*"))
    if not os.environ.get("DATABASE_URL"):
        assert created.reference.encode() in raw  # the file really holds the handoff
    for secret in ("07700 900 982", "Quintessa", "Zebedee", "Reading books together"):
        assert secret.encode() not in raw


def test_consent_wording_and_time_are_stored_with_the_handoff(handoff_db):
    from core.database import session_scope
    from assistant.handoffs.models import Handoff

    created = _create()
    with session_scope() as session:
        handoff = session.scalar(select(Handoff).where(Handoff.reference == created.reference))
        assert handoff.consent_version == "2025-06-v1"
        assert "Armley Family Hub at Leeds City Council" in handoff.consent_text
        assert "6 months after your request is closed" in handoff.consent_text
        assert "ico.org.uk" in handoff.consent_text and "software" in handoff.consent_text
        assert handoff.consent_given_at is not None


def test_withdrawal_deletes_personal_data_and_keeps_a_stub(handoff_db):
    from core.database import session_scope
    from assistant.handoffs.models import Handoff, HandoffNote
    from core.staff import AuditEvent
    from assistant.handoffs.service import HandoffWithdrawn, for_parent, withdraw
    from assistant.handoffs.staff import casework
    from handoff_support import make_user

    created = _create()
    make_user("amy", "hub_staff", ["armley"])
    from core.staff import StaffUser
    with session_scope() as session:
        amy = session.scalar(select(StaffUser))
    casework.add_note(amy, created.reference, "Spoke to Quintessa")
    withdraw(created.token)
    with session_scope() as session:
        handoff = session.scalar(select(Handoff).where(Handoff.reference == created.reference))
        assert (handoff.personal_encrypted, handoff.concerns, handoff.status) == (None, [], "withdrawn")
        assert handoff.withdrawn_at is not None and handoff.area == "leeds"
        assert session.scalar(select(func.count()).select_from(HandoffNote)) == 0
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.reference == created.reference)).all()
    assert "withdrawn_deleted" in actions
    with pytest.raises(HandoffWithdrawn):
        for_parent(created.token)


def test_the_same_idempotency_key_creates_one_handoff(handoff_db):
    from assistant.handoffs.models import Handoff

    first, second = _create("same-key"), _create("same-key")
    assert (first.new, second.new) == (True, False)
    assert first.reference == second.reference and first.token == second.token
    assert _count(Handoff) == 1


def test_fifty_concurrent_submissions_make_exactly_fifty_handoffs(handoff_db):
    from assistant.handoffs.models import Handoff
    from core.staff import AuditEvent

    keys = [f"key-{n:02d}" for n in range(50)]
    with ThreadPoolExecutor(max_workers=25) as pool:
        # Each key sent twice at once as well: a double click from 50 parents.
        results = list(pool.map(lambda key: _create(key), keys + keys))
    assert _count(Handoff) == 50
    assert len({r.reference for r in results}) == 50
    assert sum(r.new for r in results) == 50
    assert _count(AuditEvent) == 50


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from core.database import session_scope
    from assistant.handoffs.consent import wording
    from assistant.handoffs.service import add_handoff
    sys.path.insert(0, "tests")
    from handoff_support import FULL_ANSWERS
    with session_scope() as session:
        add_handoff(session, FULL_ANSWERS, "killed-key", wording("leeds", "armley"))
        session.flush()
        print("inside transaction", flush=True)
        time.sleep(60)
""")


def test_a_process_killed_mid_submission_leaves_no_partial_record(handoff_db):
    from assistant.handoffs.models import Handoff
    from core.staff import AuditEvent

    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER], cwd=ROOT, env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "inside transaction", proc.stderr.read()
    finally:
        proc.kill()  # SIGKILL: no cleanup code runs
        proc.wait()
    assert (_count(Handoff), _count(AuditEvent)) == (0, 0)
    assert _create("killed-key").new  # the database is usable and the key was never taken


def test_retention_purge_deletes_closed_handoffs_past_retention(handoff_db):
    from core.database import session_scope
    from assistant.handoffs.models import Handoff
    from core.staff import AuditEvent
    from assistant.handoffs.retention import purge

    old, recent, open_one = _create("a"), _create("b"), _create("c")
    now = dt.datetime.now(dt.timezone.utc)
    with session_scope() as session:
        for ref, closed in ((old.reference, now - dt.timedelta(days=200)), (recent.reference, now - dt.timedelta(days=10))):
            session.scalar(select(Handoff).where(Handoff.reference == ref)).closed_at = closed
    report = purge()
    assert (report.closed_deleted, report.withdrawn_deleted) == (1, 0)
    with session_scope() as session:
        left = set(session.scalars(select(Handoff.reference)))
        purged = session.scalars(select(AuditEvent.reference).where(AuditEvent.action == "retention_deleted")).all()
    assert left == {recent.reference, open_one.reference} and purged == [old.reference]


def test_retention_purge_deletes_never_closed_handoffs_after_their_own_period(handoff_db):
    from core.database import session_scope
    from assistant.handoffs.models import Handoff
    from assistant.handoffs.retention import purge

    stale, opened_late, fresh = _create("s"), _create("o"), _create("f")
    now = dt.datetime.now(dt.timezone.utc)
    with session_scope() as session:
        for ref in (stale.reference, opened_late.reference):
            session.scalar(select(Handoff).where(Handoff.reference == ref)).created_at = now - dt.timedelta(days=400)
        # Opened recently: counted from its last change, so it stays.
        session.scalar(select(Handoff).where(Handoff.reference == opened_late.reference)).opened_at = now - dt.timedelta(days=5)
    report = purge()
    assert report.open_deleted == 1
    with session_scope() as session:
        assert set(session.scalars(select(Handoff.reference))) == {opened_late.reference, fresh.reference}


def test_audit_events_cannot_be_changed_or_deleted(handoff_db):
    from core.database import session_scope
    from core.staff import AuditEvent, AuditIsAppendOnly

    _create()
    with pytest.raises(AuditIsAppendOnly), session_scope() as session:
        session.scalar(select(AuditEvent)).detail = "edited"
    with pytest.raises(AuditIsAppendOnly), session_scope() as session:
        session.delete(session.scalar(select(AuditEvent)))
    assert _count(AuditEvent) == 1


def test_form_messages_are_specific():
    from assistant.handoffs.forms import read_answers, validate

    def errors(**changes):
        form = {k: (v if isinstance(v, list) else [v]) for k, v in {**FULL_ANSWERS, **changes}.items()}
        return {e.field_id: e.message for e in validate(read_answers(form))}

    assert errors() == {}
    assert errors(noticed="x" * 1501)["noticed"] == ("What you have noticed must be 1,500 characters or fewer. "
                                                    "You have written 1,501.")
    assert errors(contact_method="email", email="not-an-email")["email"].startswith("Enter an email address in the correct format")
    assert errors(phone="12345")["phone"].startswith("Enter a UK phone number")
    assert errors(contact_method="text", phone="0113 496 0000")["phone"].startswith("Enter a mobile number")
    assert errors(hub="bootle")["hub"].startswith("Select a family hub in the area")
    assert errors(concerns=[])["concerns"] == "Select what you are worried about"
    assert errors(parent_name="")["parent_name"] == "Enter your name"


def test_prefill_uses_redacted_text_and_skips_safeguarding_turns(handoff_db):
    from assistant.conversations import record_turn, start_conversation
    from assistant.handoffs.prefill import prefill

    conversation = start_conversation("leeds")
    record_turn(conversation, "my 2 year old <PERSON> only says a few words", "…", "guidance", "answered", 0.8, {})
    record_turn(conversation, "a safeguarding message", "…", "safeguarding", "signposted", None, {})
    answers = prefill(conversation)
    assert answers["area"] == "leeds" and answers["child_age"] == "2" and answers["concerns"] == ["speech"]
    assert "<PERSON>" in answers["noticed"] and "safeguarding" not in answers["noticed"]


def test_keys_rotate_and_a_broken_key_stops_start_up(handoff_db, monkeypatch):
    from cryptography.fernet import Fernet

    from assistant.handoffs.boot import BadEncryptionKey, on_startup
    from assistant.handoffs.service import for_parent
    from handoff_support import reset_caches

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", old_key)
    reset_caches()
    created = _create()
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", f"{new_key},{old_key}")  # newest first; old data still readable
    reset_caches()
    assert for_parent(created.token).answers["parent_name"] == "Quintessa Marlowe-Fairbanks"
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", new_key)  # the old key removed: old data cannot be read
    reset_caches()
    from cryptography.fernet import InvalidToken
    with pytest.raises(InvalidToken):
        for_parent(created.token)
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", "not-a-fernet-key")
    reset_caches()
    with pytest.raises(BadEncryptionKey, match="HANDOFF_ENCRYPTION_KEY"):
        on_startup()


def test_first_requests_racing_for_the_development_key_all_get_the_same_key(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from core.keys import encryption_keys
    from conftest import reset_caches

    monkeypatch.setenv("VAR_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", "")
    reset_caches()
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            keys = list(pool.map(lambda _: tuple(encryption_keys()), range(64)))
        assert len(set(keys)) == 1 and keys[0] and keys[0][0]
        assert [p.name for p in (tmp_path / "fresh").iterdir()] == ["handoff-encryption.key"]
    finally:
        monkeypatch.undo()
        reset_caches()


def test_keys_rotate_re_encrypts_every_record_with_the_newest_key(handoff_db, monkeypatch):
    from cryptography.fernet import Fernet

    from assistant.commands.keys import rotate_records
    from assistant.handoffs.service import for_parent
    from handoff_support import reset_caches

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", old)
    reset_caches()
    created = _create("rotate-me")
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", f"{new},{old}")
    reset_caches()
    assert rotate_records() >= 1
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", new)  # the old key removed: records still open
    reset_caches()
    assert for_parent(created.token).answers["child_name"] == FULL_ANSWERS["child_name"]


def test_production_never_writes_a_key_file_and_serve_names_the_missing_key(tmp_path):
    env = {**os.environ, "ENVIRONMENT": "production", "VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "",
           "HANDOFF_ENCRYPTION_KEY": ""}
    result = subprocess.run([sys.executable, "-m", "assistant", "serve", "--port", "1"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "SECRET_KEY and HANDOFF_ENCRYPTION_KEY" in result.stdout
    assert not list((tmp_path / "var").glob("*.key"))
