"""Staff account pages in Debian chromium against the live server, with no JavaScript: change your password, an
administrator's one-time reset link, and choosing a new password from it. Every page is axe-clean and reflows
at 320 CSS px."""

from __future__ import annotations

import pytest
from live_support import PASSWORD, assert_accessible, create_live_user, sign_in_staff

pytestmark = pytest.mark.browser
NEW_PASSWORD = "heron teapot gravel sunrise"
RESET_PASSWORD = "walnut ferry blanket comet"


def test_password_change_and_reset_pages_work_without_javascript(live_server, browser, axe):
    create_live_user("cleo.password", "--role", "hub_staff", "--hub", "armley")
    create_live_user("abe.admin", "--role", "admin")
    context, staff = sign_in_staff(browser, live_server, "cleo.password", axe, javascript=False)
    staff.click("a:has-text('Change password')")
    assert_accessible(staff, axe)
    staff.fill("#current_password", PASSWORD)
    staff.fill("#new_password", "Password123!")
    staff.fill("#confirm_password", "Password123!")
    staff.click("button:has-text('Change password')")
    assert "most common passwords" in staff.inner_text(".govuk-error-summary")
    assert_accessible(staff, axe)
    staff.fill("#current_password", PASSWORD)
    staff.fill("#new_password", NEW_PASSWORD)
    staff.fill("#confirm_password", NEW_PASSWORD)
    staff.click("button:has-text('Change password')")
    assert "Your password has been changed" in staff.inner_text("main")
    assert_accessible(staff, axe)
    context.close()

    admin_context, admin = sign_in_staff(browser, live_server, "abe.admin", axe, javascript=False)
    admin.goto(live_server + "/staff/users")
    admin.click("tr:has-text('cleo.password') button:has-text('Make a password reset link')")
    assert_accessible(admin, axe)
    link = admin.inner_text("#reset-link").strip()
    admin_context.close()

    visitor_context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    visitor = visitor_context.new_page()
    visitor.goto(link)
    assert "cleo.password" in visitor.inner_text("main")
    assert_accessible(visitor, axe)
    visitor.fill("#new_password", RESET_PASSWORD)
    visitor.fill("#confirm_password", "not the same")
    visitor.click("button:has-text('Set new password')")
    assert "do not match" in visitor.inner_text(".govuk-error-summary")
    assert_accessible(visitor, axe)
    visitor.fill("#new_password", RESET_PASSWORD)
    visitor.fill("#confirm_password", RESET_PASSWORD)
    visitor.click("button:has-text('Set new password')")
    assert "Your password has been set" in visitor.inner_text("main")
    assert_accessible(visitor, axe)
    assert visitor.goto(link).status == 410  # used once
    assert_accessible(visitor, axe)
    visitor_context.close()
