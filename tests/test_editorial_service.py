"""Content workflow against a real, fresh SQLite database: two-person rule, locking, history, validation,
export, content gaps and signposting. (Publishing into the live index is tested over HTTP.)"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from editorial_support import STAY_AND_PLAY, make_content_user, user
from handoff_support import PASSWORD, handoff_db  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeded(handoff_db):  # noqa: F811
    from knowledge_base.editorial.seed import seed_from_bundled

    assert seed_from_bundled() > 40
    assert seed_from_bundled() == 0  # first run only
    return handoff_db


def _draft(doc_id: str, who, change: str = "Extra sentence."):
    from knowledge_base.editorial import workflow
    from knowledge_base.editorial.guidance import state

    page = state(doc_id)
    return workflow.save(doc_id, page.current.fields, page.current.body + f"\n\n{change}", page.lock, who)


def _lock(doc_id: str) -> int:
    from knowledge_base.editorial.workflow import current_lock

    return current_lock(doc_id)


def test_self_approval_is_refused_even_with_both_roles(seeded):
    from knowledge_base.editorial import workflow
    from knowledge_base.editorial.guidance import state

    both = user(make_content_user("both", "editor", "approver"))
    other = user(make_content_user("approver", "approver"))
    _draft(STAY_AND_PLAY, both)
    workflow.submit(STAY_AND_PLAY, _lock(STAY_AND_PLAY), both)
    with pytest.raises(workflow.NotAllowed, match="someone else must approve"):
        workflow.approve(STAY_AND_PLAY, _lock(STAY_AND_PLAY), both)
    assert state(STAY_AND_PLAY).working.status == "in_review"  # the refusal changed nothing
    outcome = workflow.approve(STAY_AND_PLAY, _lock(STAY_AND_PLAY), other)
    page = state(STAY_AND_PLAY)
    assert page.working is None and page.published.number == outcome.number == 2
    assert page.published.reviewer == other.username and page.published.body.endswith("Extra sentence.")


def test_anyone_who_touched_the_change_cannot_approve_it(seeded):
    from knowledge_base.editorial import workflow

    first = user(make_content_user("first", "editor", "approver"))
    second = user(make_content_user("second", "editor", "approver"))
    third = user(make_content_user("third", "approver"))
    _draft(STAY_AND_PLAY, first, "First editor's words.")
    _draft(STAY_AND_PLAY, second, "Second editor's words.")
    workflow.submit(STAY_AND_PLAY, _lock(STAY_AND_PLAY), second)
    for person in (first, second):
        with pytest.raises(workflow.NotAllowed):
            workflow.approve(STAY_AND_PLAY, _lock(STAY_AND_PLAY), person)
    workflow.approve(STAY_AND_PLAY, _lock(STAY_AND_PLAY), third)


def test_capabilities_are_checked_in_the_service(seeded):
    from knowledge_base.editorial import workflow

    editor = user(make_content_user("ed", "editor"))
    approver = user(make_content_user("ap", "approver"))
    staff = user(make_content_user("hub", role="hub_staff", hubs=["armley"]))
    with pytest.raises(workflow.NotAllowed, match="editor role"):
        _draft(STAY_AND_PLAY, approver)
    with pytest.raises(workflow.NotAllowed, match="editor role"):
        _draft(STAY_AND_PLAY, staff)
    _draft(STAY_AND_PLAY, editor)
    workflow.submit(STAY_AND_PLAY, _lock(STAY_AND_PLAY), editor)
    with pytest.raises(workflow.NotAllowed, match="approver role"):
        workflow.approve(STAY_AND_PLAY, _lock(STAY_AND_PLAY), editor)


def test_two_saves_from_the_same_form_conflict_instead_of_overwriting(seeded):
    from knowledge_base.editorial import workflow
    from knowledge_base.editorial.guidance import history, state

    anna, ben = user(make_content_user("anna", "editor")), user(make_content_user("ben", "editor"))
    page = state(STAY_AND_PLAY)
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def save(who, words: str) -> None:
        barrier.wait()  # both saves start together, from the same lock
        try:
            results[who.username] = workflow.save(STAY_AND_PLAY, page.current.fields, page.current.body + words,
                                                  page.lock, who)
        except workflow.Conflict as exc:
            results[who.username] = exc

    threads = [threading.Thread(target=save, args=(anna, "\n\nAnna's text.")),
               threading.Thread(target=save, args=(ben, "\n\nBen's text."))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    conflicts = [r for r in results.values() if isinstance(r, workflow.Conflict)]
    assert len(conflicts) == 1 and "Someone else changed this page" in str(conflicts[0])
    assert len(history(STAY_AND_PLAY)) == 2  # the seed plus exactly one draft: nothing silently overwritten
    with pytest.raises(workflow.Conflict):  # an old form can never submit, approve or restore either
        workflow.submit(STAY_AND_PLAY, page.lock, anna)


def test_history_keeps_every_version_and_restore_makes_a_new_draft(seeded):
    from knowledge_base.editorial import workflow
    from knowledge_base.editorial.guidance import history, state

    editor, approver = user(make_content_user("ed", "editor")), user(make_content_user("ap", "approver"))
    original = state(STAY_AND_PLAY).published.body
    _draft(STAY_AND_PLAY, editor, "Version two words.")
    workflow.submit(STAY_AND_PLAY, _lock(STAY_AND_PLAY), editor)
    workflow.approve(STAY_AND_PLAY, _lock(STAY_AND_PLAY), approver)
    entries = history(STAY_AND_PLAY)
    assert [(v.number, v.status) for v, _ in entries] == [(2, "published"), (1, "archived")]
    added = [line.text for line in entries[0][1] if line.kind == "added"]
    assert added == ["", "Version two words."] or added == ["Version two words."]
    outcome = workflow.restore(STAY_AND_PLAY, 1, _lock(STAY_AND_PLAY), editor)
    page = state(STAY_AND_PLAY)
    assert outcome.number == 3 and page.working.status == "draft" and page.working.restored_from == 1
    assert page.working.body == original and "Version two words." in page.published.body  # live until approved
    with pytest.raises(workflow.NotFound):
        workflow.restore(STAY_AND_PLAY, 99, _lock(STAY_AND_PLAY), editor)


def test_send_back_needs_a_comment_and_unpublish_removes_the_published_version(seeded):
    from knowledge_base.editorial import workflow
    from knowledge_base.editorial.guidance import state
    from knowledge_base.editorial.store import published_documents

    editor, approver = user(make_content_user("ed", "editor")), user(make_content_user("ap", "approver"))
    _draft(STAY_AND_PLAY, editor)
    workflow.submit(STAY_AND_PLAY, _lock(STAY_AND_PLAY), editor)
    with pytest.raises(workflow.NotAllowed, match="comment"):
        workflow.send_back(STAY_AND_PLAY, _lock(STAY_AND_PLAY), approver, "  ")
    workflow.send_back(STAY_AND_PLAY, _lock(STAY_AND_PLAY), approver, "Please add the Saturday sessions.")
    page = state(STAY_AND_PLAY)
    assert page.working.status == "draft" and page.working.comment == "Please add the Saturday sessions."
    removed: list[str] = []
    workflow.unpublish(STAY_AND_PLAY, _lock(STAY_AND_PLAY), approver, on_unpublish=removed.append)
    assert removed == [STAY_AND_PLAY] and state(STAY_AND_PLAY).published is None
    assert STAY_AND_PLAY not in {d.id for d in published_documents()}


def test_every_step_is_audited_without_the_text(seeded):
    from core.audit import recent
    from knowledge_base.editorial import workflow

    editor, approver = user(make_content_user("ed", "editor")), user(make_content_user("ap", "approver"))
    _draft(STAY_AND_PLAY, editor, "Secret-ish new sentence.")
    workflow.submit(STAY_AND_PLAY, _lock(STAY_AND_PLAY), editor)
    workflow.approve(STAY_AND_PLAY, _lock(STAY_AND_PLAY), approver)
    workflow.restore(STAY_AND_PLAY, 1, _lock(STAY_AND_PLAY), editor)
    workflow.unpublish(STAY_AND_PLAY, _lock(STAY_AND_PLAY), approver)
    trail = [(e.actor, e.action, e.detail) for e in reversed(recent()) if e.action.startswith("content_")]
    assert [a for _, a, _ in trail] == ["content_saved", "content_submitted", "content_approved", "content_published",
                                        "content_restored", "content_unpublished"]
    assert trail[0] == (f"staff:{editor.username}", "content_saved", f"doc={STAY_AND_PLAY} version=2")
    assert trail[2][0] == f"staff:{approver.username}"
    assert not any("Secret-ish" in str(row) for row in trail)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title": ""}, "title", "Enter a title"),
    ({"area": "narnia"}, "area", "Choose national or one of the pilot areas"),
    ({"topic": "astrology"}, "topic", "Choose a topic from the list"),
    ({"review_by": {"day": "1", "month": "1", "year": "2020"}}, "review_by-day", "The review by date must be in the future"),
    ({"review_by": {"day": "31", "month": "2", "year": "2030"}}, "review_by-day", "must be a real date"),
    ({"sources": "NHS | not-a-url"}, "sources", "Source line 1: enter a full web address starting with https://"),
    ({"sources": "NHS without a bar"}, "sources", "Source line 1: put a | between the name and the web address"),
    ({"sources": ""}, "sources", "Add at least one source"),
    ({"body": "   "}, "body", "Enter the guidance text"),
    ({"doc_id": "Not An Id"}, "doc_id", "lower-case letters"),
])
def test_invalid_front_matter_gives_a_plain_error_on_the_right_field(change, field, message):
    from knowledge_base.editorial.forms import FormErrors, GuidanceForm, validate

    good = GuidanceForm(doc_id="a-page", title="A page", topic="family_hubs", ages="0-5", area="leeds",
                        summary="About a page.", sources="NHS | https://www.nhs.uk/",
                        last_reviewed={"day": "1", "month": "11", "year": "2026"},
                        review_by={"day": "1", "month": "5", "year": "2027"}, body="## A question?\nAn answer.")
    today = dt.date(2026, 11, 21)
    assert validate(good, today).areas == ["leeds"]
    bad = GuidanceForm(**{**good.__dict__, **change})
    with pytest.raises(FormErrors) as caught:
        validate(bad, today)
    assert message in caught.value.errors[field], caught.value.errors
    assert len(caught.value.errors) == 1, caught.value.errors


def test_export_writes_markdown_that_loads_back_identically(seeded, tmp_path):
    from knowledge_base.documents import load_documents
    from knowledge_base.editorial import workflow
    from knowledge_base.editorial.store import published_documents

    editor, approver = user(make_content_user("ed", "editor")), user(make_content_user("ap", "approver"))
    _draft(STAY_AND_PLAY, editor, "Exported sentence: stay and play in the park in summer.")
    workflow.submit(STAY_AND_PLAY, _lock(STAY_AND_PLAY), editor)
    workflow.approve(STAY_AND_PLAY, _lock(STAY_AND_PLAY), approver)
    out = tmp_path / "export"
    done = subprocess.run([sys.executable, "-m", "assistant", "content", "export", str(out)], cwd=ROOT,
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    exported = {d.id: d for d in load_documents(out)}  # the same loader and validation as the bundled files
    published = {d.id: d for d in published_documents()}
    assert exported == published and len(exported) > 40
    assert "Exported sentence" in exported[STAY_AND_PLAY].body
    assert (out / "signposting.yaml").exists()


def test_content_gaps_are_grouped_by_meaning_and_counted_by_week_and_area(seeded):
    from assistant.conversations import record_turn, start_conversation
    from core.database import session_scope
    from assistant.conversations import TurnRecord
    from assistant.content_gaps import gaps_report, iso_week

    leeds, nowhere = start_conversation("leeds"), start_conversation(None)
    swimming = ["are there swimming lessons for babies", "baby swimming classes near me",
                "where can my toddler learn to swim"]
    for text in swimming:
        record_turn(leeds, text, "", "guidance", "unanswerable", 0.2, {})
    record_turn(nowhere, "baby swimming lessons cost", "", "guidance", "answered", 0.38, {})  # weak match
    record_turn(nowhere, "help with my baby's passport application", "", "guidance", "unanswerable", 0.1, {})
    record_turn(nowhere, "help", "", "guidance", "clarification", None, {})
    record_turn(leeds, "is stay and play free", "", "guidance", "answered", 0.8, {})  # answered well: not a gap
    record_turn(leeds, "he's not breathing", "", "emergency", "signposted", None, {})  # safety: not a gap
    with session_scope() as session:  # one of the swimming questions was asked three weeks ago
        old = session.query(TurnRecord).filter(TurnRecord.redacted_text == swimming[0]).one()
        old.created_at = old.created_at - dt.timedelta(weeks=3)
        old_week = iso_week(old.created_at)
    report = gaps_report(weeks=12)
    assert report.total == 6
    top = report.groups[0]
    assert top.count == 4 and set(top.examples) == {*swimming, "baby swimming lessons cost"}
    assert top.by_area == {"leeds": 3, "none": 1}
    assert top.by_week[old_week] == 1 and sum(top.by_week.values()) == 4
    assert top.by_status == {"unanswerable": 3, "low_confidence": 1}
    assert sorted(g.count for g in report.groups) == [1, 1, 4]
    assert gaps_report(weeks=12, area="leeds").total == 3
    assert gaps_report(weeks=1).total == 5


def test_signposting_edits_need_a_second_person_and_then_reach_the_parent(seeded):
    from guardrails.safety import signposting as safety
    from knowledge_base.editorial import signposting, workflow
    from knowledge_base.editorial.guidance import state
    from knowledge_base.editorial.models import SIGNPOSTING_ID

    previous = safety._published_source
    signposting.install_published_source()
    try:
        editor = user(make_content_user("ed", "editor", "approver"))
        approver = user(make_content_user("ap", "approver"))
        current = state(SIGNPOSTING_ID, "signposting")
        form = signposting.SignpostingForm.from_data(current.current.fields)
        assert signposting.validate(form, current.current.fields)["routes"]["medical"] == form.routes["medical"]
        original = safety.signposting_for("emergency", "leeds")
        form.routes["emergency"] = "Call 999 now. Edited by the council on a test day."
        form.contacts["leeds"] += "\nLeeds test contact | 0113 000 0000 | checked"
        signposting.save(form, current.lock, editor)
        workflow.submit(SIGNPOSTING_ID, workflow.current_lock(SIGNPOSTING_ID), editor)
        with pytest.raises(workflow.NotAllowed, match="someone else"):
            workflow.approve(SIGNPOSTING_ID, workflow.current_lock(SIGNPOSTING_ID), editor)
        assert safety.signposting_for("emergency", "leeds") == original  # nothing live until approved
        workflow.approve(SIGNPOSTING_ID, workflow.current_lock(SIGNPOSTING_ID), approver)
        text = safety.signposting_for("emergency", "leeds")
        assert text.startswith("Call 999 now. Edited by the council") and "Leeds test contact: 0113 000 0000" in text
        assert "leeds: Leeds test contact: 0113 000 0000" not in safety.unverified_contacts()  # marked checked
        bad = signposting.SignpostingForm.from_data(state(SIGNPOSTING_ID, "signposting").current.fields)
        bad.routes["crisis"], bad.contacts["leeds"] = " ", "Leeds | call us maybe"
        with pytest.raises(Exception) as caught:
            signposting.save(bad, workflow.current_lock(SIGNPOSTING_ID), editor)
        assert caught.value.errors == {"route-crisis": "Enter the text for parent in crisis",
                                       "contacts-leeds": "Line 1: the phone number can only have numbers and spaces"}
    finally:
        safety.use_published_source(previous)


def test_cli_creates_editors_and_approvers(handoff_db):  # noqa: F811
    env = dict(os.environ)

    def run(*args: str):
        return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=env, input=PASSWORD + "\n",
                               capture_output=True, text=True, timeout=120)

    assert run("users", "create", "eda", "--role", "editor", "--password-stdin").returncode == 0
    assert run("users", "create", "abe", "--role", "approver", "--password-stdin").returncode == 0
    both = run("users", "create", "bo", "--role", "editor", "--role", "approver", "--password-stdin")
    assert both.returncode == 0 and "Created editor and approver bo" in both.stdout
    mixed = run("users", "create", "hs", "--role", "hub_staff", "--hub", "armley", "--role", "editor", "--password-stdin")
    assert mixed.returncode == 0, mixed.stderr
    two = run("users", "create", "no", "--role", "admin", "--role", "hub_staff", "--password-stdin")
    assert two.returncode == 2 and "only one of" in two.stderr
    listed = run("users", "list").stdout
    for line in ("eda\tcontent+editor", "abe\tcontent+approver", "bo\tcontent+editor+approver", "hs\thub_staff+editor"):
        assert line in listed


def test_list_puts_overdue_reviews_first_and_filters(seeded):
    from core.database import session_scope
    from knowledge_base.editorial.models import EditorialVersion
    from knowledge_base.editorial.store import list_guidance

    with session_scope() as session:  # two pages whose review date has passed
        for doc_id, when in (("speech-dummies", "2026-01-01"), ("potty-readiness-signs", "2025-06-01")):
            version = session.query(EditorialVersion).filter_by(document_id=doc_id, status="published").one()
            version.fields = {**version.fields, "review_by": when}
    rows = list_guidance()
    assert [r.doc_id for r in rows[:2]] == ["potty-readiness-signs", "speech-dummies"] and rows[0].overdue
    assert not rows[2].overdue
    assert [r.doc_id for r in list_guidance(topic="toileting", query="ready")] == ["potty-readiness-signs"]
    assert {r.area for r in list_guidance(area="leeds")} == {"leeds"}
    assert list_guidance(status="draft") == [] and len(list_guidance(status="published")) == len(rows)
