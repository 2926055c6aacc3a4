"""Helpers for the content-editor tests: users with content roles, signed-in clients, form posts."""

from __future__ import annotations

import re
import secrets

from fastapi.testclient import TestClient

from handoff_support import PASSWORD, csrf_token, sign_in

STAY_AND_PLAY = "family-hubs-stay-and-play"  # a real bundled guidance page
SECTION_HEADING = "## What happens at stay and play?"
QUESTION = "What happens at stay and play?"  # answered from that section (cost questions go to the directory)


def make_content_user(prefix: str, *capabilities: str, role: str = "content", **kwargs) -> str:
    """A user with a unique name (the session database is shared by these tests); returns the username."""
    from assistant.handoffs.staff.users import create_user

    username = f"{prefix}.{secrets.token_hex(3)}"
    create_user(username, PASSWORD, role, kwargs.get("hubs", []), kwargs.get("area"), by="test",
                capabilities=list(capabilities))
    return username


def user(username: str):
    from sqlalchemy import select

    from core.database import session_scope
    from core.staff import StaffUser

    with session_scope() as session:
        return session.scalar(select(StaffUser).where(StaffUser.username == username))


def signed_in(app_client: TestClient, username: str) -> TestClient:
    client = TestClient(app_client.app, follow_redirects=False)
    assert sign_in(client, username).status_code == 303
    return client


def lock_of(html: str) -> str:
    match = re.search(r'name="lock" value="(\d+)"', html)
    assert match, "page has no lock field"
    return match.group(1)


def edit_form(html: str) -> dict[str, str]:
    """The edit form's current values, as a browser would post them."""
    def value(name: str) -> str:
        match = re.search(rf'name="{re.escape(name)}" type="text"[^>]*value="([^"]*)"', html)
        return _unescape(match.group(1)) if match else ""

    def text(name: str) -> str:
        match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
        return _unescape(match.group(1)) if match else ""

    topic = re.search(r'<select[^>]*name="topic".*?<option value="([^"]+)" selected', html, re.S)
    area = re.search(r'name="area" type="radio" value="([^"]+)" checked', html)
    data = {"title": value("title"), "ages": value("ages"), "summary": text("summary"), "sources": text("sources"),
            "body": text("body"), "topic": topic.group(1) if topic else "", "area": area.group(1) if area else "",
            "csrf_token": csrf_token(html), "lock": lock_of(html), "action": "save"}
    for name in ("last_reviewed", "review_by"):
        for part in ("day", "month", "year"):
            data[f"{name}-{part}"] = value(f"{name}-{part}")
    if re.search(r'name="verify" type="checkbox" value="yes" checked', html):
        data["verify"] = "yes"
    return data


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)
