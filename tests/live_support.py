"""Helpers for browser tests against the live server: staff accounts made through the real CLI, and the
accessibility checks every visited page gets (axe-core, plus WCAG 1.4.10 reflow, which axe does not test)."""

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


# WCAG 1.4.10 Reflow: content fits 320 CSS px (a 1280 px screen at 400% zoom) without scrolling sideways.
REFLOW_WIDTH = 320
# What passes the viewport's right edge: elements, and text that does not wrap (a box can fit while a long
# word or address inside it spills out), so a failure names what to fix.
OVERFLOWING = """(width) => {
  const past = (rect) => rect.right > width + 0.5 && rect.width > 0;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (past(el.getBoundingClientRect()) && !Array.from(el.children).some((c) => past(c.getBoundingClientRect()))) {
      found.push(name(el));
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    range.selectNodeContents(walker.currentNode);
    if (Array.from(range.getClientRects()).some(past)) {
      found.push(`text in ${name(walker.currentNode.parentElement)}: "${walker.currentNode.textContent.trim().slice(0, 60)}"`);
    }
  }
  return found.slice(0, 10);
}"""


def assert_reflows(page) -> None:
    """At 320 CSS px wide the page scrolls only vertically (tables may scroll inside their own box).

    The page is narrowed in place and then restored, so answers added by JavaScript and pages reached by a
    form post are checked as the person sees them, without reloading or re-posting.
    """
    original = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": original["height"]})
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        overflowing = [] if width <= REFLOW_WIDTH else page.evaluate(OVERFLOWING, REFLOW_WIDTH)
    finally:
        page.set_viewport_size(original)
    assert width <= REFLOW_WIDTH, f"{page.url}: {width} px wide at {REFLOW_WIDTH} px; overflowing: {overflowing}"


def assert_accessible(page, axe) -> None:
    """axe-core finds no WCAG 2.2 AA or best-practice violation, and the page reflows at 320 px."""
    violations = axe(page)
    assert violations == [], f"{page.url}: {violations}"
    assert_reflows(page)


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
