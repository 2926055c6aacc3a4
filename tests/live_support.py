"""Helpers for browser tests against the live server: staff accounts made through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


def create_live_user(username: str, *args: str) -> None:
    """`python -m assistant users create` against the live server's data directory."""
    env = {**os.environ, "VAR_DIR": os.environ["LIVE_SERVER_VAR_DIR"]}
    done = subprocess.run([sys.executable, "-m", "assistant", "users", "create", username, *args, "--password-stdin"],
                          cwd=ROOT, env=env, input=PASSWORD + "\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def assert_accessible(page, axe) -> None:
    violations = axe(page)
    assert violations == [], f"{page.url}: {violations}"


def sign_in_staff(browser, live_server: str, username: str, axe, javascript: bool = True):
    """A fresh browser context signed in as `username` (the sign-in page checked with axe on the way)."""
    # bypass_csp: the strict Content-Security-Policy would otherwise block the injected axe-core script.
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + "/staff")
    assert_accessible(page, axe)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    return context, page
