"""Fixtures and helpers for the tell-it-once tests: a fresh real database per test, users, and form posts."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
FULL_ANSWERS = {
    "child_name": "Zebedee", "child_age": "2", "area": "leeds", "hub": "armley", "concerns": ["speech"],
    "noticed": "He only says a few words and gets cross when we do not understand.",
    "tried": "Reading books together every night.", "involved": ["health-visitor"], "involved_other": "",
    "help_wanted": "Someone to check his talking.", "parent_name": "Quintessa Marlowe-Fairbanks",
    "contact_method": "phone", "phone": "07700 900 982", "email": "", "contact_times": "Mornings",
    "access_needs": "",
}


def reset_caches() -> None:
    from core.settings import get_settings
    from core.database import engine_for

    get_settings.cache_clear()
    engine_for.cache_clear()


def _clear_postgres_tables() -> None:
    from sqlalchemy import text

    from core.database import get_engine

    with get_engine().begin() as conn:
        conn.execute(text("DELETE FROM handoff_notes; DELETE FROM handoffs; DELETE FROM staff_sessions; "
                          "DELETE FROM staff_password_resets; DELETE FROM directory_import_batches; "
                          "DELETE FROM staff_users; DELETE FROM handoff_audit; DELETE FROM notification_sends; "
                          "DELETE FROM survey_responses; DELETE FROM turn_counts"))  # a fresh database per test, as with SQLite


@pytest.fixture
def handoff_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real, empty database: a new SQLite file, or the PostgreSQL in DATABASE_URL with our rows cleared."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    reset_caches()
    from assistant.schema import upgrade
    from assistant.handoffs.staff import throttle

    upgrade()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _clear_postgres_tables()
    throttle.reset()
    yield tmp_path / "var" / "family_hub.db"
    monkeypatch.undo()
    reset_caches()


@pytest.fixture
def client(handoff_db: Path) -> Iterator[TestClient]:
    from web.app import create_app

    # No `with`: the lifespan would build the search index, which these tests do not need.
    yield TestClient(create_app(), follow_redirects=False)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"page has no {name} field"
    return match.group(1)


def share(client: TestClient, answers: dict | None = None, consent: bool = True) -> tuple:
    """The parent journey over HTTP; returns (final response, sealed draft, csrf token)."""
    form = client.get("/share")
    token = csrf_token(form.text)
    data = {**FULL_ANSWERS, **(answers or {}), "csrf_token": token, "form_key": hidden(form.text, "form_key")}
    check = client.post("/share", data=data)
    assert check.status_code == 200, check.text
    draft = hidden(check.text, "draft")
    consent_page = client.post("/share/consent", data={"draft": draft, "csrf_token": token})
    sent = client.post("/share/send", data={"draft": draft, "csrf_token": token, **({"consent": "yes"} if consent else {}),
                                            "consent_version": hidden(consent_page.text, "consent_version")})
    return sent, draft, token


def make_user(username: str, role: str, hubs: list[str] | None = None, area: str | None = None) -> int:
    from assistant.handoffs.staff.users import create_user

    return create_user(username, PASSWORD, role, hubs or [], area, by="test")


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    token = csrf_token(client.get("/staff").text)
    return client.post("/staff/sign-in", data={"username": username, "password": password, "csrf_token": token})
