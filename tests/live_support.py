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
