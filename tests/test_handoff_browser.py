"""Tell it once end to end in Debian chromium against the live server, axe-clean and reflowing at 320 px on every
page visited (a long email address and a pasted link in the story must wrap, not widen the page)."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from live_support import assert_accessible, create_live_user, sign_in_staff

pytestmark = pytest.mark.browser
QUESTION = "my 2 year old only says a few words, should I worry?"
NAME, PHONE = "Quintessa Marlowe-Fairbanks", "07700 900 982"
EMAIL = "quintessa.marlowe-fairbanks.family@hammersmith-and-fulham-parents.example.org.uk"
TRIED = "Naming things on walks, and ideas from https://www.bbc.co.uk/tiny-happy-people/articles/talking-games-toddlers"


def _live_db() -> Path:
    return Path(os.environ["LIVE_SERVER_VAR_DIR"]) / "family_hub.db"





def test_tell_it_once_end_to_end(live_server, nojs_page, browser, axe):
    page = nojs_page  # the parent's side must work with no JavaScript at all
    # 1. The parent chats, starts tell it once, edits, consents and gets a reference.
    page.goto(live_server + "/")
    page.select_option("#area", "leeds")
    page.fill("#message", QUESTION)
    page.click("#chat-form button[type=submit]")
    page.wait_for_url("**/?area=leeds#latest")
    assert_accessible(page, axe)
    page.click("#share-story-link")
    assert "only says a few words" in page.input_value("#noticed")  # pre-filled from the redacted chat
    assert page.is_checked("#concerns") and page.is_checked("input[name=child_age][value='2']")
    assert_accessible(page, axe)
    page.select_option("#hub", "armley")
    page.fill("#child_name", "Zebedee")
    page.fill("#noticed", page.input_value("#noticed") + "\nHe points instead of asking.")
    page.fill("#parent_name", NAME)
    page.check("#contact_method")  # phone
    page.fill("#phone", "12345")
    page.click("button:has-text('Continue')")
    assert "Enter a UK phone number" in page.inner_text(".govuk-error-summary")
    assert page.title().startswith("Error:")
    assert_accessible(page, axe)
    page.fill("#phone", PHONE)
    page.fill("#email", EMAIL)
    page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text() == "Check your answers"
    assert "Armley Family Hub at Leeds City Council" in page.inner_text("main")
    assert_accessible(page, axe)
    page.click("button:has-text('Change what you have tried')")
    page.fill("#tried", TRIED)
    page.click("button:has-text('Continue')")
    assert TRIED in page.inner_text(".govuk-summary-list") and EMAIL in page.inner_text(".govuk-summary-list")
    assert_accessible(page, axe)
    page.click("main form[action='/share/consent'] button")
    assert not page.is_checked("#consent")
    assert_accessible(page, axe)
    page.click("button:has-text('Agree and send')")
    assert "Tick the box to agree" in page.inner_text(".govuk-error-summary")
    assert_accessible(page, axe)
    page.check("#consent")
    page.click("button:has-text('Agree and send')")
    panel = page.inner_text(".govuk-panel")
    reference = re.search(r"FH-[2-9A-HJ-NP-Z]{6}", panel).group(0)
    story_url = page.url.split("?")[0]
    assert_accessible(page, axe)
    page.goto(story_url + "/print")
    assert NAME in page.inner_text("main") and EMAIL in page.inner_text("main")
    assert_accessible(page, axe)

    # 2. Staff from that hub sign in, see it, open it (audited) and accept it; 3. another hub cannot see it.
    create_live_user("amy.armley", "--role", "hub_staff", "--hub", "armley")
    create_live_user("ben.chapeltown", "--role", "hub_staff", "--hub", "chapeltown")
    create_live_user("ada.admin", "--role", "admin")
    other_context, other = sign_in_staff(browser, live_server, "ben.chapeltown", axe)
    assert reference not in other.inner_text("main")
    assert_accessible(other, axe)
    response = other.goto(f"{live_server}/staff/handoffs/{reference}")
    assert response.status == 404 and NAME not in other.content()
    assert_accessible(other, axe)
    other_context.close()

    staff_context, staff = sign_in_staff(browser, live_server, "amy.armley", axe)
    assert reference in staff.inner_text("table")
    assert_accessible(staff, axe)
    staff.click(f"a:has-text('{reference}')")
    assert staff.inner_text("#status-tag") == "Opened" and PHONE in staff.inner_text("main")
    assert EMAIL in staff.inner_text("main")
    assert_accessible(staff, axe)
    staff.click("button:has-text('Accept request')")
    assert staff.inner_text("#status-tag") == "Accepted"
    assert_accessible(staff, axe)
    staff_context.close()

    # 4. The parent withdraws, and the personal data is gone from the database.
    page.goto(story_url + "/withdraw")
    assert_accessible(page, axe)
    page.click("button:has-text('Withdraw and delete')")
    assert "Your story has been deleted" in page.inner_text("h1")
    assert_accessible(page, axe)
    with sqlite3.connect(_live_db()) as db:
        row = db.execute("SELECT status, personal_encrypted, concerns FROM handoffs WHERE reference = ?", (reference,)).fetchone()
        assert row == ("withdrawn", None, "[]")
    raw = b"".join(p.read_bytes() for p in _live_db().parent.glob("family_hub.db*"))
    assert NAME.encode() not in raw and PHONE.encode() not in raw and EMAIL.encode() not in raw and b"Zebedee" not in raw

    # The admin reads the audit trail of this run.
    admin_context, admin = sign_in_staff(browser, live_server, "ada.admin", axe)
    admin.goto(live_server + "/staff/users")
    assert "amy.armley" in admin.inner_text("table")
    assert_accessible(admin, axe)
    admin.goto(live_server + "/staff/audit")
    assert_accessible(admin, axe)
    trail = admin.inner_text("table")
    admin_context.close()
    print(f"\nAudit trail of the end-to-end run ({reference}), newest first:\n{trail}")
    for expected in ("staff:amy.armley\tviewed", "new -> opened", "opened -> accepted", "parent\twithdrawn_deleted"):
        assert expected in trail
    assert NAME not in trail and PHONE not in trail and "ben.chapeltown\tviewed" not in trail
