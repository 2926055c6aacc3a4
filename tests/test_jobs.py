"""Durable jobs on PostgreSQL (procrastinate): a periodic purge runs once per tick across servers; a handoff's
Notify messages are queued in the same transaction as the handoff, wait for a worker (a restart loses nothing),
and are retried with back-off when Notify fails, without sending any message twice."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import procrastinate
import pytest
from sqlalchemy import text

from handoff_support import FULL_ANSWERS, handoff_db, reset_caches  # noqa: F401
from test_handoff_notify import SECRET, SERVICE_ID, TEMPLATES, FakeNotify, fake_notify  # noqa: F401

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(not POSTGRES, reason="needs TEST_POSTGRES_URL (.ci/run starts PostgreSQL)")


@pytest.fixture
def on_postgres(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", POSTGRES)


@pytest.fixture
def jobs_db(on_postgres, handoff_db, monkeypatch) -> Iterator[None]:  # noqa: F811
    from assistant import jobs
    from core.database import get_engine

    with get_engine().begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_periodic_defers; DELETE FROM procrastinate_events; "
                          "DELETE FROM procrastinate_jobs; DELETE FROM procrastinate_workers"))
    monkeypatch.setattr(jobs, "NOTIFY_RETRY", procrastinate.RetryStrategy(max_attempts=4, wait=0))
    jobs._app_for.cache_clear()
    yield
    jobs._app_for.cache_clear()


def job_rows(task: str) -> list[tuple]:
    from core.database import get_engine

    with get_engine().connect() as conn:
        return list(conn.execute(text("SELECT status, args, attempts FROM procrastinate_jobs WHERE task_name = :t "
                                      "ORDER BY id"), {"t": task}))


def wait_for(condition, what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.1)


def test_a_periodic_purge_runs_once_per_tick_across_two_servers(jobs_db, monkeypatch):
    from assistant import jobs, retention
    from core.settings import get_settings

    runs: list[int] = []
    lock = threading.Lock()

    def counted_purge() -> None:
        with lock:
            runs.append(1)

    monkeypatch.setattr(retention, "purge_all", counted_purge)
    every_second = "* * * * * *"  # croniter's seconds field, so the test need not wait for a minute
    url = get_settings().sqlalchemy_url
    servers = [jobs.Worker(app=jobs._app_for.__wrapped__(url, every_second)).start() for _ in range(2)]
    try:
        wait_for(lambda: sum(s == "succeeded" for s, _a, _n in job_rows(jobs.PURGE_TASK)) >= 3, "three purges")
    finally:
        for server in servers:
            server.stop()
    rows = job_rows(jobs.PURGE_TASK)
    ticks = [args["timestamp"] for _status, args, _attempts in rows]
    assert len(ticks) == len(set(ticks))  # each tick deferred once for both servers
    succeeded = sum(status == "succeeded" for status, _args, _attempts in rows)
    assert len(runs) == succeeded and all(attempts == 1 for *_rest, attempts in rows if _rest[0] == "succeeded")


@pytest.fixture
def notify_configured(jobs_db, fake_notify, tmp_path, monkeypatch) -> FakeNotify:  # noqa: F811
    alerts = tmp_path / "staff_alerts.yaml"
    alerts.write_text("hubs:\n  armley: armley.team@example.gov.uk\n")
    env = {"NOTIFY_API_KEY": f"test_key-{SERVICE_ID}-{SECRET}", "NOTIFY_BASE_URL": fake_notify.url,
           "NOTIFY_STAFF_ALERTS_FILE": str(alerts), **TEMPLATES}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reset_caches()
    return fake_notify


def trail(reference: str) -> list[tuple[str, str]]:
    """What became of each message (sent, failed, skipped); the "sending" marks before each try are left out."""
    from core.audit import recent

    return [(e.action, e.detail) for e in reversed(recent(reference=reference))
            if e.action.startswith("notification") and e.action != "notification_sending"]


def test_notify_waits_for_a_worker_and_is_retried_without_sending_twice(notify_configured):
    from assistant import jobs
    from assistant.handoffs.consent import wording
    from assistant.handoffs.service import create_handoff

    answers = {**FULL_ANSWERS, "contact_method": "email", "email": "quintessa.marlowe@example.com"}
    created = create_handoff(answers, "j" * 43, wording("leeds", "armley"))
    # No worker yet (a server restarting): the job is in the database, nothing was sent, nothing is lost.
    [(status, args, _attempts)] = job_rows(jobs.NOTIFY_TASK)
    assert status == "todo" and args == {"reference": created.reference}  # the reference only, no personal data
    assert notify_configured.requests == []

    notify_configured.mode = "fail"
    worker = jobs.Worker().start()
    try:
        wait_for(lambda: len(notify_configured.requests) >= 1, "a first, failing attempt")
        notify_configured.mode = "ok"
        wait_for(lambda: job_rows(jobs.NOTIFY_TASK)[0][0] == "succeeded", "the retried job to succeed")
    finally:
        worker.stop()
    sent = [(action, kind) for action, kind in trail(created.reference) if action == "notification_sent"]
    assert sorted(sent) == [("notification_sent", "parent_email"), ("notification_sent", "staff_alert")]
    assert job_rows(jobs.NOTIFY_TASK)[0][2] >= 2  # tried again after the failure


def test_a_repeated_delivery_sends_only_what_is_missing(notify_configured):
    from assistant.handoffs import notify
    from assistant.handoffs.consent import wording
    from assistant.handoffs.service import create_handoff, withdraw

    answers = {**FULL_ANSWERS, "contact_method": "email", "email": "quintessa.marlowe@example.com"}
    created = create_handoff(answers, "r" * 43, wording("leeds", "armley"))
    notify.deliver(created.reference)
    assert len(notify_configured.requests) == 2
    notify.deliver(created.reference)  # a job retried after a server died mid-way
    assert len(notify_configured.requests) == 2
    withdraw(created.token)
    notify.deliver(created.reference)  # withdrawn: nothing is sent, nothing fails
    assert len(notify_configured.requests) == 2


def test_a_publish_queues_its_index_update_for_a_worker_and_an_unpublish_removes_the_page(jobs_db):
    from assistant import jobs
    from editorial_support import STAY_AND_PLAY, make_content_user, user
    from knowledge_base import content_version
    from knowledge_base.editorial import guidance, indexing, workflow
    from knowledge_base.editorial.seed import seed_from_bundled
    from knowledge_base.indexer import indexed_digests

    seed_from_bundled()
    editor, approver = user(make_content_user("ed", "editor")), user(make_content_user("ap", "approver"))
    page = guidance.state(STAY_AND_PLAY)
    workflow.save(STAY_AND_PLAY, page.current.fields, page.current.body + "\n\nIt meets on Saturdays too.",
                  page.lock, editor)
    workflow.submit(STAY_AND_PLAY, workflow.current_lock(STAY_AND_PLAY), editor)
    before, version = indexed_digests(STAY_AND_PLAY), content_version.current()

    assert guidance.approve(STAY_AND_PLAY, workflow.current_lock(STAY_AND_PLAY), approver).index_note == ""
    [(status, args, _attempts)] = job_rows(indexing.SYNC_TASK)
    assert status == "todo" and args == {"doc_id": STAY_AND_PLAY}  # queued with the publish, not run in the request
    assert indexed_digests(STAY_AND_PLAY) == before

    def run_queued_jobs() -> None:
        worker = jobs.Worker().start()
        try:
            wait_for(lambda: all(s == "succeeded" for s, _a, _n in job_rows(indexing.SYNC_TASK)), "the index job")
        finally:
            worker.stop()

    run_queued_jobs()
    published = indexed_digests(STAY_AND_PLAY)
    assert published and published != before and content_version.current() > version  # every server refreshes

    guidance.unpublish(STAY_AND_PLAY, workflow.current_lock(STAY_AND_PLAY), approver)
    assert indexed_digests(STAY_AND_PLAY) == published  # still there until a worker takes the job
    run_queued_jobs()
    assert indexed_digests(STAY_AND_PLAY) == {} and len(job_rows(indexing.SYNC_TASK)) == 2
