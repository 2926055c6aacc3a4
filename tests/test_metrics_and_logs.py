"""/metrics (Prometheus): turns by route and status, stage timings, safety routes, unanswered turns, the hub
queue, job failures and import results, readable only from allowed networks or with the bearer token, and
added up across worker processes. Logs: one JSON object a line, never a parent's words."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import ROOT, reset_caches
from redis_support import free_port

TOKEN = "metrics-token-for-tests"


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.fixture
def scrape(app_client, monkeypatch):
    monkeypatch.setenv("METRICS_BEARER_TOKEN", TOKEN)
    reset_caches()
    yield lambda: samples(app_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text)
    monkeypatch.undo()
    reset_caches()


def test_metrics_are_refused_outside_the_allowed_networks_without_the_token(app_client, scrape):
    assert app_client.get("/metrics").status_code == 403  # the test client is not on loopback
    assert app_client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert app_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_allowed_networks_setting(monkeypatch):
    from core.metrics import may_scrape

    assert may_scrape("127.0.0.1", None) and not may_scrape("10.1.2.3", None)
    monkeypatch.setenv("METRICS_ALLOWED_NETWORKS", "10.1.0.0/16")
    reset_caches()
    try:
        assert may_scrape("10.1.2.3", None) and not may_scrape("127.0.0.1", None)
    finally:
        monkeypatch.undo()
        reset_caches()


def test_turns_stages_safety_and_unanswered_are_counted(app_client, scrape):
    before = scrape()
    app_client.post("/api/chat", json={"message": "when should my child start potty training"})
    app_client.post("/api/chat", json={"message": "my child has stopped breathing"})
    after = scrape()

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("fha_turns_total", route="guidance", status="answered") == 1
    assert grew("fha_turns_total", route="emergency", status="signposted") == 1
    assert grew("fha_safety_routes_total", route="emergency") == 1
    assert grew("fha_stage_seconds_count", stage="redact") == 2
    assert ("fha_unanswered_turns_total", ()) in after
    assert after[("fha_handoff_queue_size", (("status", "new"),))] >= 0
    assert ("fha_handoff_queue_oldest_age_seconds", ()) in after


def test_job_failures_and_import_results_are_counted(app_client, scrape, monkeypatch):
    from assistant import retention
    from knowledge_base.directory.importer import ImportReport, count_import

    before = scrape()
    monkeypatch.setattr(retention, "purge_all", lambda: 1 / 0)
    schedule = retention.PurgeSchedule(interval_seconds=0.01).start()
    for _ in range(3000):  # until the failing purge has run at least once
        if after_failures(scrape(), before):
            break
        time.sleep(0.01)
    schedule.stop()
    count_import(ImportReport(area="leeds", imported=3, unchanged=2, skipped=[("x", "no name")]))
    after = scrape()
    assert after_failures(after, before) >= 1
    assert after[("fha_directory_import_records_total", (("outcome", "imported"),))] - \
        before.get(("fha_directory_import_records_total", (("outcome", "imported"),)), 0) == 3
    assert after[("fha_directory_imports_total", (("result", "imported"),))] >= 1


def after_failures(now: dict, before: dict) -> float:
    key = ("fha_job_failures_total", (("job", "retention_purge"),))
    return now.get(key, 0) - before.get(key, 0)


CANARY = "Zephyrina Quillfeather"


@pytest.fixture(scope="module")
def two_worker_server(app_client, tmp_path_factory):
    """A real `serve --workers 2` with its standard output (the log) apart from standard error."""
    var_dir = tmp_path_factory.mktemp("workers") / "var"
    shutil.copytree(Path(os.environ["VAR_DIR"]) / "chroma", var_dir / "chroma")
    port = free_port()
    env = {**os.environ, "VAR_DIR": str(var_dir), "LOG_LEVEL": "DEBUG"}
    out, err = open(var_dir / "stdout.log", "wb"), open(var_dir / "stderr.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), "--workers", "2"],
                               cwd=ROOT, env=env, stdout=out, stderr=err)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            if httpx.get(f"{url}/api/ready", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"server did not start: {(var_dir / 'stderr.log').read_text()[-2000:]}")
        time.sleep(0.5)
    yield url, process, var_dir
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=60)
    out.close()
    err.close()


def test_metrics_add_up_every_worker(two_worker_server):
    url, _process, _var = two_worker_server
    for _ in range(6):  # new connections: the kernel spreads them over both workers
        with httpx.Client() as client:
            client.post(f"{url}/api/chat", json={"message": "when should my child start potty training"}, timeout=60)
    text = httpx.get(f"{url}/metrics", timeout=10).text
    turns = sum(value for (name, _labels), value in samples(text).items() if name == "fha_turns_total")
    assert turns == 6


def test_logs_are_json_lines_without_message_text(two_worker_server):
    url, process, var_dir = two_worker_server
    messages = [f"My daughter {CANARY} is 2 and not talking", f"{CANARY} still won't use the potty",
                "call me on 07700 900123 about Zephyrina"]
    for message in messages:
        assert httpx.post(f"{url}/api/chat", json={"message": message}, timeout=60).status_code == 200
    process.terminate()  # graceful: the workers flush and exit
    # Bounded by the grace period and the health-ping wait (WORKER_HEALTHCHECK_SECONDS), not by speed.
    process.wait(timeout=150)
    lines = [line for line in (var_dir / "stdout.log").read_text().splitlines() if line.strip()]
    events = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(e["message"].startswith("turn route=") for e in events)
    assert {"time", "level", "logger", "message"} <= set(events[0])
    everything = (var_dir / "stdout.log").read_text() + (var_dir / "stderr.log").read_text()
    for word in ("Zephyrina", "Quillfeather", "07700", "potty", "talking"):
        assert word not in everything
