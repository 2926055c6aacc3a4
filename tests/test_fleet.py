"""The fleet (`make fleet-test`): PostgreSQL, a `chroma run` server, redis-server and two app servers on
loopback, as a council runs them behind a load balancer. Skipped by the ordinary test run (FLEET_TEST=1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from conftest import ROOT, reset_caches
from handoff_support import FULL_ANSWERS, hidden, csrf_token
from redis_support import free_port, running_redis
from test_chroma_server import CHROMA_CLI
from test_handoff_notify import SECRET, SERVICE_ID, TEMPLATES, FakeNotify

pytestmark = pytest.mark.skipif(os.environ.get("FLEET_TEST") != "1" or not os.environ.get("TEST_POSTGRES_URL"),
                                reason="the fleet runs with `make fleet-test` (needs TEST_POSTGRES_URL)")
MARKER = "zorblefrump"


@dataclass
class Fleet:
    servers: list[str]
    processes: list[subprocess.Popen]
    logs: list[Path]
    database_url: str
    chroma_url: str
    notify: FakeNotify


def _fresh_database(base_url: str) -> str:
    url = make_url(base_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS family_hub_fleet WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE family_hub_fleet"))
    admin.dispose()
    return url.set(database="family_hub_fleet").render_as_string(hide_password=False)


def _wait_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.5)
    process.kill()
    pytest.fail(f"app server did not become ready: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Iterator[Fleet]:
    base = tmp_path_factory.mktemp("fleet")
    database_url = _fresh_database(os.environ["TEST_POSTGRES_URL"])
    chroma_port = free_port()
    chroma = subprocess.Popen([str(CHROMA_CLI), "run", "--path", str(base / "chroma"), "--host", "127.0.0.1",
                               "--port", str(chroma_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    notify = FakeNotify()
    threading.Thread(target=notify.serve_forever, daemon=True).start()
    alerts = base / "staff_alerts.yaml"
    alerts.write_text("hubs:\n  armley: armley.team@example.gov.uk\n")
    processes: list[subprocess.Popen] = []
    with running_redis(base) as redis_url:
        env = {**os.environ, "DATABASE_URL": database_url, "CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
               "REDIS_URL": redis_url, "SECRET_KEY": "fleet-secret-key-0123456789-0123456789",
               "HANDOFF_ENCRYPTION_KEY": Fernet.generate_key().decode(), "TRUSTED_PROXIES": "127.0.0.1",
               "CHAT_RATE_LIMIT": "6/minute", "SHARE_RATE_LIMIT": "50/hour", "PURGE_INTERVAL_MINUTES": "1",
               "NOTIFY_API_KEY": f"test_key-{SERVICE_ID}-{SECRET}", "NOTIFY_BASE_URL": notify.url,
               "NOTIFY_STAFF_ALERTS_FILE": str(alerts), **TEMPLATES}
        env.pop("FLEET_TEST", None)
        servers, logs = [], []
        try:
            for number in range(2):  # one after the other: the first builds the shared index, the second finds it
                port, log = free_port(), base / f"server{number}.log"
                with open(log, "wb") as out:
                    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)],
                                               cwd=ROOT, env={**env, "VAR_DIR": str(base / f"var{number}")},
                                               stdout=out, stderr=subprocess.STDOUT)
                processes.append(process)
                servers.append(f"http://127.0.0.1:{port}")
                logs.append(log)
                _wait_ready(servers[-1], process, log)
            yield Fleet(servers, processes, logs, database_url, env["CHROMA_URL"], notify)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            for process in processes:
                process.wait(timeout=60)
            chroma.terminate()
            chroma.wait(timeout=30)
            notify.shutdown()


def chat(server: str, message: str, client_ip: str, conversation_id: str | None = None) -> httpx.Response:
    return httpx.post(f"{server}/api/chat", json={"message": message, "conversation_id": conversation_id},
                      headers={"X-Forwarded-For": client_ip}, timeout=60)


def test_a_name_given_on_one_server_is_removed_on_the_other(fleet):
    first = chat(fleet.servers[0], "My daughter Amelia is 2 and not talking yet", "203.0.113.1").json()
    second = chat(fleet.servers[1], "amelia still won't say any words", "203.0.113.1", first["conversation_id"])
    assert second.status_code == 200 and second.json()["redactions"]
    engine = create_engine(fleet.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT redacted_text FROM conversation_turns WHERE conversation_id = :c"),
                              {"c": first["conversation_id"]}).scalars().all()
    engine.dispose()
    assert len(stored) == 2 and not any("amelia" in turn.lower() for turn in stored)


def test_the_chat_limit_is_shared_by_both_servers(fleet):
    statuses = [chat(fleet.servers[n % 2], "hello", "203.0.113.2").status_code for n in range(7)]
    assert statuses == [200] * 6 + [429]  # 6/minute for the client, not 6 per server


def test_a_publish_is_answerable_on_both_servers_within_two_seconds(fleet, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", fleet.database_url)
    monkeypatch.setenv("CHROMA_URL", fleet.chroma_url)
    reset_caches()
    from knowledge_base.build import current_documents, reindex_document

    original = next(d for d in current_documents() if d.topic == "toileting")
    changed = original.model_copy(update={"body": original.body + f"\n\n## The {MARKER} potty club\n\n"
                                          f"The {MARKER} potty club meets every Monday at the hub.\n"})
    question = f"when does the {MARKER} potty club meet"
    try:
        reindex_document(changed)  # an editor's publish, on a third process: shared index and version bumped
        published = time.monotonic()
        waiting = set(fleet.servers)
        while waiting and time.monotonic() - published < 2.0:
            for server in list(waiting):
                if MARKER in chat(server, question, "203.0.113.3").json()["answer"]:
                    waiting.discard(server)
        assert not waiting, f"not answerable within 2 s on {sorted(waiting)}"
    finally:
        reindex_document(original)
        monkeypatch.undo()
        reset_caches()


def test_a_scheduled_job_runs_once_across_servers(fleet):
    engine = create_engine(fleet.database_url)

    def purge_jobs() -> list[tuple]:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT status, args, attempts FROM procrastinate_jobs "
                                          "WHERE task_name = 'retention_purge'")))

    deadline = time.monotonic() + 90  # the purge is deferred on each minute (PURGE_INTERVAL_MINUTES=1)
    while not any(status == "succeeded" for status, *_ in purge_jobs()) and time.monotonic() < deadline:
        time.sleep(1)
    jobs = purge_jobs()
    engine.dispose()
    succeeded = [row for row in jobs if row[0] == "succeeded"]
    assert succeeded and all(attempts == 1 for _s, _a, attempts in succeeded)
    ticks = [args["timestamp"] for _s, args, _n in jobs]
    assert len(ticks) == len(set(ticks))  # one job per minute for the whole fleet, not one per server
    purges = sum('"retention purge conversations=' in line for log in fleet.logs for line in log.read_text().splitlines())
    assert purges == 2 + len(succeeded)  # each server's start-up purge, then each job once


def _share_form(client: httpx.Client, server: str) -> dict:
    form = client.get(f"{server}/share")
    token = csrf_token(form.text)
    data = {**FULL_ANSWERS, "contact_method": "email", "email": "quintessa.marlowe@example.com",
            "csrf_token": token, "form_key": hidden(form.text, "form_key")}
    check = client.post(f"{server}/share", data=data)
    assert check.status_code == 200, check.text[-500:]
    draft = hidden(check.text, "draft")
    consent = client.post(f"{server}/share/consent", data={"draft": draft, "csrf_token": token})
    return {"draft": draft, "csrf_token": token, "consent": "yes", "consent_version": hidden(consent.text, "consent_version")}


def test_a_server_killed_during_a_handoff_submit_loses_and_doubles_nothing(fleet):
    headers = {"X-Forwarded-For": "203.0.113.4"}
    with httpx.Client(headers=headers, timeout=60, follow_redirects=False) as client:
        final = _share_form(client, fleet.servers[0])
        outcome: list[object] = []
        sending = threading.Thread(target=lambda: outcome.append(_try_post(client, f"{fleet.servers[0]}/share/send", final)))
        sending.start()
        time.sleep(0.05)  # the request is on its way or being handled
        fleet.processes[0].send_signal(signal.SIGKILL)
        fleet.processes[0].wait(timeout=30)
        sending.join(timeout=60)
        # The parent's browser (or the load balancer) sends the same form again, now to the other server.
        again = client.post(f"{fleet.servers[1]}/share/send", data=final)
        assert again.status_code == 303, again.text[-500:]
    engine = create_engine(fleet.database_url)
    with engine.connect() as conn:
        references = conn.execute(text("SELECT reference FROM handoffs")).scalars().all()
        jobs = conn.execute(text("SELECT args FROM procrastinate_jobs WHERE task_name = 'notify_handoff'")).scalars().all()
    engine.dispose()
    assert len(references) == 1
    assert jobs == [{"reference": references[0]}]
    # Sent by the surviving server, at once or, if the killed server had taken the job, once its heartbeat stops.
    deadline = time.monotonic() + 120
    while len(fleet.notify.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # anything sent twice would arrive now
    sent = [(r["template_id"], r["email_address"]) for r in fleet.notify.requests]
    assert sorted(sent) == sorted({(TEMPLATES["NOTIFY_TEMPLATE_PARENT_EMAIL"], "quintessa.marlowe@example.com"),
                                   (TEMPLATES["NOTIFY_TEMPLATE_STAFF_ALERT"], "armley.team@example.gov.uk")})


def _try_post(client: httpx.Client, url: str, data: dict) -> object:
    try:
        return client.post(url, data=data).status_code
    except httpx.HTTPError as exc:
        return type(exc).__name__
