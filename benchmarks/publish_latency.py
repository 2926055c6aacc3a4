"""Benchmark publish-to-answerable latency over real HTTP (uvicorn on loopback).

An editor saves a change to the stay-and-play page and sends it for review; another user approves it; the
clock runs from the approve request until /api/chat answers with the new words. Repeated several times.

    .venv/bin/python benchmarks/publish_latency.py [--publishes 8]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chat_latency import ROOT, free_port, start_server  # noqa: E402

PASSWORD = "benchmark password not for production"
DOC = "family-hubs-stay-and-play"
HEADING = "## What happens at stay and play?"
QUESTION = "What happens at stay and play?"
POLL_SECONDS = 0.02
GIVE_UP_SECONDS = 30


def create_user(env: dict[str, str], username: str, role: str) -> None:
    subprocess.run([sys.executable, "-m", "assistant", "users", "create", username, "--role", role, "--password-stdin"],
                   cwd=ROOT, env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True)


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def sign_in(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    token = hidden(client.get("/staff").text, "csrf_token")
    response = client.post("/staff/sign-in", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.text
    return client


def edit_form(page: str) -> dict[str, str]:
    """The edit form as a browser would post it."""
    data = {name: html.unescape(value) for name, value in re.findall(r'name="([\w-]+)" type="text"[^>]*value="([^"]*)"', page)}
    data.update({name: html.unescape(value) for name, value in
                 re.findall(r'<textarea[^>]*name="(summary|sources|body)"[^>]*>(.*?)</textarea>', page, re.S)})
    data["topic"] = re.search(r'<select[^>]*name="topic".*?<option value="([^"]+)" selected', page, re.S).group(1)
    data["area"] = re.search(r'name="area" type="radio" value="([^"]+)" checked', page).group(1)
    if 'name="verify" type="checkbox" value="yes" checked' in page:
        data["verify"] = "yes"
    data.update(csrf_token=hidden(page, "csrf_token"), lock=hidden(page, "lock"), action="save")
    data.pop("question", None)
    return data


def with_marker(body: str, marker: str) -> str:
    start = body.index(HEADING) + len(HEADING)
    end = body.index("\n## ", start)
    return (f"{body[:start]}\nAt stay and play you and your child sing the {marker} song together, then play with "
            f"toys, books and paint. You stay with your child the whole time.{body[end:]}")


def one_publish(url: str, editor: httpx.Client, approver: httpx.Client, chat: httpx.Client) -> tuple[float, float]:
    """(approve request seconds, approve-to-answerable seconds)."""
    marker = f"bench{secrets.token_hex(3)}"
    page_url = f"/staff/content/{DOC}"
    form = edit_form(editor.get(page_url).text)
    form["body"] = with_marker(form["body"], marker)
    assert editor.post(f"{page_url}/save", data=form).status_code == 303
    page = editor.get(page_url).text
    assert editor.post(f"{page_url}/submit", data={"csrf_token": hidden(page, "csrf_token"),
                                                   "lock": hidden(page, "lock")}).status_code == 303
    page = approver.get(page_url).text
    started = time.perf_counter()
    done = approver.post(f"{page_url}/approve", data={"csrf_token": hidden(page, "csrf_token"), "lock": hidden(page, "lock")})
    responded = time.perf_counter()
    assert done.status_code == 303, done.text
    while time.perf_counter() - started < GIVE_UP_SECONDS:
        if marker in chat.post(f"{url}/api/chat", json={"message": QUESTION}).json()["answer"]:
            return responded - started, time.perf_counter() - started
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"the published text was not answerable after {GIVE_UP_SECONDS} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publishes", type=int, default=8)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="fh-bench-publish-")) / "var"
    env = {**os.environ, "VAR_DIR": str(var_dir), "CHAT_RATE_LIMIT": "1000000/minute", "LOG_LEVEL": "WARNING",
           "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
           "MODEL_CACHE_DIR": os.environ.get("MODEL_CACHE_DIR", str(Path(__file__).resolve().parent.parent / "var" / "cache"))}
    port = free_port()
    server = start_server(env, port)  # start-up seeds the database and builds the index
    try:
        create_user(env, "bench.editor", "editor")
        create_user(env, "bench.approver", "approver")
        url = f"http://127.0.0.1:{port}"
        editor, approver, chat = sign_in(url, "bench.editor"), sign_in(url, "bench.approver"), httpx.Client(timeout=30)
        chat.post(f"{url}/api/chat", json={"message": QUESTION})  # warm-up
        requests, answerable = [], []
        for _ in range(args.publishes):
            request_s, answerable_s = one_publish(url, editor, approver, chat)
            requests.append(request_s * 1000)
            answerable.append(answerable_s * 1000)
        print(f"publishes: {len(answerable)} (one guidance page, changed section re-embedded each time)")
        print(f"approve request (re-index + searcher refresh): p50 {statistics.median(requests):.0f} ms, "
              f"max {max(requests):.0f} ms")
        print(f"publish to answerable on /api/chat:           p50 {statistics.median(answerable):.0f} ms, "
              f"max {max(answerable):.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
