"""The chat page in Polish and Arabic (right to left) in Debian chromium: lang and dir, the language carried
from reply to message in a hidden field (with and without JavaScript), axe-core clean and reflowing at 320 px."""

from __future__ import annotations

import pytest
from live_support import assert_accessible

pytestmark = pytest.mark.browser
POLISH_QUESTION = "Mówimy w domu po polsku i po angielsku, czy to nie pomiesza dziecku w głowie?"
ARABIC_EMERGENCY = "ابنتي لا تتنفس ووجهها أزرق، ماذا أفعل؟"


def test_a_polish_conversation_without_javascript(live_server, nojs_page, axe):
    page = nojs_page
    page.goto(live_server + "/")
    page.click("#language-choice a[hreflang=pl]")  # a plain link: no JavaScript needed to choose
    page.wait_for_url("**/?lang=pl")
    assert page.get_attribute("html", "lang") == "pl" and page.get_attribute("html", "dir") == "ltr"
    assert page.locator("h1").inner_text().startswith("Zapytaj")
    assert_accessible(page, axe)
    page.fill("#message", POLISH_QUESTION)
    page.click("#chat-form button[type=submit]")
    page.wait_for_url("**/?lang=pl#latest")
    assert page.locator("#conversation-language").input_value() == "pl"
    answer = page.locator("#latest .app-chat__answer")
    assert answer.locator("[lang=pl]").count() >= 1 and answer.locator("[lang=en]").count() >= 1
    assert "tłumacza" in " ".join(answer.locator("[lang=pl]").all_inner_texts())  # the interpreter offer, in Polish
    assert_accessible(page, axe)
    page.fill("#message", "ok")  # a short English word: the conversation stays Polish
    page.click("#chat-form button[type=submit]")
    page.wait_for_url("**/?lang=pl#latest")
    assert page.locator("#latest").get_attribute("data-language") == "pl"
    assert_accessible(page, axe)


@pytest.mark.parametrize("javascript", [False, True])
def test_an_arabic_page_reads_right_to_left_and_urgent_help_comes_in_arabic_and_english(live_server, browser, axe, javascript):
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server + "/?lang=ar")
        assert page.get_attribute("html", "lang") == "ar" and page.get_attribute("html", "dir") == "rtl"
        assert page.locator("#conversation-language").input_value() == "ar"
        assert_accessible(page, axe)
        page.fill("#message", ARABIC_EMERGENCY)
        page.click("#chat-form button[type=submit]")
        if javascript:
            page.wait_for_selector("#latest[data-language=ar]")
            assert page.locator("#conversation-language").input_value() == "ar"
        else:
            page.wait_for_url("**/?lang=ar#latest")
        answer = page.locator("#latest .app-chat__answer")
        arabic = answer.locator("[lang=ar]").first
        assert arabic.get_attribute("dir") == "rtl" and "999" in arabic.inner_text()
        assert "Call 999 now" in " ".join(answer.locator("[lang=en]").all_inner_texts())
        assert_accessible(page, axe)
    finally:
        context.close()
