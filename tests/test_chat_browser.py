"""The parent chat page in Debian chromium: with and without JavaScript, axe-core clean and reflowing at 320 px."""

from __future__ import annotations

import pytest
from live_support import assert_accessible

pytestmark = pytest.mark.browser
QUESTION = "my 2 year old only says a few words, should I worry?"
# A directory answer whose text carries the example directory's longest email address.
CONTACT_QUESTION = "how do I contact the stay and play at St Helens Central?"
LONG_EMAIL = "st-helens-central.familyhub@lcr.example.org"


def test_parent_gets_a_sourced_answer_without_javascript(live_server, nojs_page, axe):
    page = nojs_page
    page.goto(live_server + "/")
    assert_accessible(page, axe)
    page.select_option("#area", "leeds")
    page.fill("#message", QUESTION)
    page.click("button[type=submit]")
    page.wait_for_url("**/?area=leeds#latest")  # post/redirect/get; the address names no conversation
    answer = page.locator("#latest .app-chat__answer")
    assert "health visitor" in answer.inner_text().lower()
    assert page.locator("#latest a[href^='https://']").count() >= 1
    assert "not medical advice" in page.locator("#latest").inner_text()
    assert page.locator("#area").input_value() == "leeds"
    assert page.locator("#example-directory .govuk-tag").inner_text() == "Example directory"
    assert_accessible(page, axe)


def test_directory_answer_with_long_email_addresses_fits_a_narrow_screen(live_server, nojs_page, axe):
    page = nojs_page
    page.goto(live_server + "/")
    page.select_option("#area", "liverpool-city-region")
    page.fill("#message", CONTACT_QUESTION)
    page.click("button[type=submit]")
    page.wait_for_url("**/?area=liverpool-city-region#latest")
    assert LONG_EMAIL in page.locator("#latest .app-chat__answer").inner_text()
    assert page.locator("#latest .app-chat__cards .govuk-summary-card").count() >= 1
    assert_accessible(page, axe)


def test_empty_message_shows_the_govuk_error_summary(live_server, nojs_page, axe):
    page = nojs_page
    page.goto(live_server + "/")
    page.click("button[type=submit]")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "type a message" in summary.inner_text().lower()
    assert page.title().startswith("Error:")
    assert_accessible(page, axe)


def test_javascript_enhancement_adds_answers_in_place(live_server, page, axe):
    page.goto(live_server + "/")
    page.fill("#message", "how do I know if my child is ready for potty training?")
    page.click("button[type=submit]")
    page.wait_for_selector("#latest")
    assert page.url.rstrip("/") == live_server  # no reload: the answer was added in place
    assert "potty" in page.locator("#latest").inner_text().lower()
    page.wait_for_timeout(1100)  # GOV.UK buttons ignore a second click within one second (double-submit guard)
    page.fill("#message", "what about at night?")
    page.click("button[type=submit]")
    page.wait_for_function("document.querySelectorAll('.app-chat__turn').length === 2")
    assert any(w in page.locator("#latest").inner_text().lower() for w in ("night", "bed", "dry"))
    assert page.locator("#share-story-link").get_attribute("href") == "/share"  # the conversation is in a cookie
    assert_accessible(page, axe)


def test_page_works_on_a_phone_screen(live_server, browser, axe):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, axe)
    context.close()


@pytest.mark.parametrize("path", ["/privacy", "/accessibility", "/no-such-page"])
def test_information_and_error_pages_are_accessible(live_server, page, axe, path):
    response = page.goto(live_server + path)
    assert response.status == (404 if path == "/no-such-page" else 200)
    assert page.locator("h1").count() == 1
    assert_accessible(page, axe)


def test_strict_content_security_policy_breaks_nothing(live_server, browser):
    """With CSP enforced, the GOV.UK components and chat.js run and the browser reports no violation."""
    context = browser.new_context()  # CSP enforced
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.goto(live_server + "/")
    assert page.locator("body.govuk-frontend-supported").count() == 1  # js-enabled.js ran
    page.fill("#message", "how do I know if my child is ready for potty training?")
    page.click("button[type=submit]")
    page.locator("#latest").wait_for()
    assert page.url.rstrip("/") == live_server  # chat.js added the answer in place
    assert violations == []
    context.close()
