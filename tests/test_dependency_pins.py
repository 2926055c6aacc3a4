"""Every dependency is pinned exactly and with hashes, and the install refuses anything else (issue 12 item 14):
a substituted or tampered file on a registry cannot reach a council's server."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(?P<version>\S+)\s*\\?$")


def _entries(path: Path) -> dict[str, list[str]]:
    """name -> its --hash options, from a pip-compile style lock file."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = ENTRY.match(stripped)
        if match:
            current = match["name"].lower().replace("_", "-")
            entries[current] = []
        elif stripped.startswith("--hash=sha256:") and current:
            entries[current].append(stripped.split(":", 1)[1].rstrip(" \\"))
        else:
            raise AssertionError(f"{path.name}: not an exact pin or a hash: {stripped!r}")
    return entries


def test_every_pin_has_a_sha256_hash():
    for lock in ("requirements.lock", "requirements-build.lock"):
        entries = _entries(ROOT / lock)
        assert entries, lock
        missing = [name for name, hashes in entries.items() if not hashes]
        assert not missing, f"{lock}: pins without hashes: {missing}"
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for hashes in entries.values() for h in hashes)


def test_pip_setuptools_and_torch_are_pinned():
    build = _entries(ROOT / "requirements-build.lock")
    assert {"pip", "setuptools"} <= set(build)
    assert "torch" in _entries(ROOT / "requirements.lock")
    assert re.search(r"^torch==2\.13\.0 ", (ROOT / "requirements.lock").read_text(), re.MULTILINE)


def test_the_install_requires_hashes_and_builds_without_fetching():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in recipe.splitlines() if "pip install" in line]
    assert installs
    for line in installs:
        if "-e ." in line:
            # The project itself: its build backend is the pinned setuptools, nothing fetched to build it.
            assert "--no-build-isolation" in line and "--no-deps" in line, line
        else:
            assert "--require-hashes" in line, line
