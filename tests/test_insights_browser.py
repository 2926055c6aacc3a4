"""The parents' survey and the insights page in Debian chromium with JavaScript off: axe-clean, reflowing at
320 px; and a canary word typed into chat and into a survey comment never reaches the export, the insights
page or the server's log."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from live_support import ROOT, assert_accessible, create_live_user, sign_in_staff

pytestmark = pytest.mark.browser
QUESTION = "my 2 year old only says a few words, should I worry?"


def _canary() -> str:
    number = uuid.uuid4().int
    return "Vex" + "".join("bcdfghjklmnprstvz"[(number >> (5 * i)) % 17] for i in range(6))


def test_survey_and_insights_without_javascript(live_server, nojs_page, browser, axe, tmp_path):
    canary = _canary()
    page = nojs_page
    # A parent chats (the canary in a message), gets an answer, and follows the survey link under it.
    page.goto(live_server + "/")
    page.select_option("#area", "leeds")
    page.fill("#message", f"the word {canary} keeps coming up at nursery, is that normal?")
    page.click("#chat-form button[type=submit]")
    page.wait_for_url("**/?area=leeds#latest")
    page.fill("#message", QUESTION)
    page.click("#chat-form button[type=submit]")
    page.wait_for_url("**/?area=leeds#latest")
    assert page.locator("#survey-link").count() == 1  # only under the latest answer
    assert_accessible(page, axe)
    page.click("#survey-link")
    assert page.url.endswith("/survey?after=answer&area=leeds")
    assert_accessible(page, axe)
    page.click("#survey-form button[type=submit]")  # nothing answered
    assert "Answer at least one question" in page.inner_text(".govuk-error-summary")
    assert page.title().startswith("Error:")
    assert_accessible(page, axe)
    page.check("#helped-2")  # partly
    page.check("#ease")  # very difficult
    page.check("#sharing")  # health visitor
    page.check("#sharing-3")  # GP
    page.fill("#comment", f"The {canary} leaflet was confusing")
    page.click("#survey-form button[type=submit]")
    assert page.url.endswith("/survey/thanks")
    assert_accessible(page, axe)

    # An area manager sees Leeds: charts as images with tables, a filter and a download, all without script.
    create_live_user("insights-manager", "--role", "area_manager", "--area", "leeds")
    context, staff = sign_in_staff(browser, live_server, "insights-manager", axe, javascript=False)
    staff.goto(live_server + "/staff/insights")
    # This week's questions and survey answers (and whatever else the other browser tests sharing this server
    # did this week, such as stories): each chart followed by its table.
    assert staff.locator("#questions-table").count() == 1 and staff.locator("#helped-table").count() == 1
    assert staff.locator("img.app-chart").count() == staff.locator("table.govuk-table").count() >= 2
    assert_accessible(staff, axe)
    staff.fill("#from", "next tuesday")
    staff.click("button:has-text('Show figures')")
    assert "Enter the start date" in staff.inner_text(".govuk-error-summary")
    assert_accessible(staff, axe)
    download = staff.request.get(live_server + "/staff/insights/download")
    assert download.status == 200
    files = zipfile.ZipFile(io.BytesIO(download.body()))
    assert {row["area"] for row in csv.DictReader(io.StringIO(files.read("turns.csv").decode()))} == {"leeds"}
    insights_html = staff.content()
    context.close()

    # The editor of Leeds reads comments (redacted) on their own page, which is axe-clean too.
    create_live_user("insights-editor", "--role", "editor", "--area", "leeds")
    context, editor = sign_in_staff(browser, live_server, "insights-editor", axe, javascript=False)
    editor.goto(live_server + "/staff/survey-comments")
    assert "leaflet was confusing" in editor.inner_text("main")
    assert_accessible(editor, axe)
    context.close()

    # The canary is in no export file, no insights page, no download and no log line.
    out = tmp_path / "export"
    env = {**os.environ, "VAR_DIR": os.environ["LIVE_SERVER_VAR_DIR"]}
    done = subprocess.run([sys.executable, "-m", "assistant", "insights", "export", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    exported = "".join(path.read_text() for path in out.iterdir())
    assert "leeds" in exported
    for text in (exported, insights_html, *(files.read(name).decode() for name in files.namelist()),
                 (Path(os.environ["LIVE_SERVER_VAR_DIR"]) / "server.log").read_text(errors="replace")):
        assert canary.lower() not in text.lower()
        assert "leaflet was confusing" not in text
