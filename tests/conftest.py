"""Shared fixtures: an isolated var/ directory, an in-process client, a live server and a real browser."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    # Every test run gets its own data directory, so tests never touch ./var or each other.
    base = Path(tempfile.mkdtemp(prefix="fh-test-"))
    os.environ["VAR_DIR"] = str(base / "var")
    # Trained safety routers are shared with `make install` (var/cache), so no test server retrains them.
    os.environ.setdefault("MODEL_CACHE_DIR", str(ROOT / "var" / "cache"))
    os.environ.setdefault("CHAT_RATE_LIMIT", "100000/minute")
    os.environ.setdefault("SHARE_RATE_LIMIT", "100000/hour")
    os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789")
    os.environ.setdefault("HANDOFF_ENCRYPTION_KEY", "")
    reset_caches()


def reset_caches() -> None:
    """Settings and engines are cached per process; call after changing environment variables."""
    from core.settings import get_settings
    from core.database import engine_for

    get_settings.cache_clear()
    engine_for.cache_clear()


@pytest.fixture(scope="session")
def app_client() -> Iterator:
    from fastapi.testclient import TestClient

    from web.app import create_app

    with TestClient(create_app()) as client:
        yield client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app_client, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server on loopback, with a copy of the already-built index (no second build)."""
    var_dir = tmp_path_factory.mktemp("live") / "var"
    shutil.copytree(Path(os.environ["VAR_DIR"]) / "chroma", var_dir / "chroma")
    port = _free_port()
    env = {**os.environ, "VAR_DIR": str(var_dir), "PORT": str(port)}
    log_path = var_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError("server did not start in time")
    os.environ["LIVE_SERVER_VAR_DIR"] = str(var_dir)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `make browser` (make test does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


# Tests inject axe-core as an inline script, which the app's strict CSP rightly blocks; the CSP itself
# is exercised by test_chat_browser.py::test_strict_content_security_policy_breaks_nothing.
@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser) -> Iterator:
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


AXE_RUN = """async () => await axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""


def axe_violations(page) -> list[dict]:
    """Runs axe-core (WCAG 2.0-2.2 A and AA, plus best practice) on the page; returns the violations."""
    page.add_script_tag(path=str(AXE_JS))
    if page.evaluate("typeof axe") == "undefined":
        return _axe_on_copy(page)  # scripts are off in this page: check the same HTML in a scripted one
    return _summarise(page.evaluate(AXE_RUN))


def _axe_on_copy(page) -> list[dict]:
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S | re.I)
    # bypass_csp: the copy gets axe-core injected, which the strict Content-Security-Policy would block.
    context = page.context.browser.new_context(viewport=page.viewport_size, bypass_csp=True)
    try:
        checker = context.new_page()
        checker.goto(page.url)  # same origin, so the page's stylesheets load for colour-contrast checks
        checker.set_content(html)
        checker.add_script_tag(path=str(AXE_JS))
        return _summarise(checker.evaluate(AXE_RUN))
    finally:
        context.close()


def _summarise(result: dict) -> list[dict]:
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]]


@pytest.fixture
def axe():
    return axe_violations
