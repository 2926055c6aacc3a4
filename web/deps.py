"""Request dependencies for the staff pages, in FastAPI's `Annotated` style: who is signed in, with which
role, and a posted form whose CSRF token has been checked. A guard that refuses raises `Refusal`, and the
handler registered in web/app.py renders its page, so routes never repeat the checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from assistant.handoffs.staff import sessions
from assistant.handoffs.staff.users import CAPABILITIES
from core.staff import StaffUser
from web.handoff_web import csrf_ok, form_fields, page, problem

CONTENT_HOME = "/staff/content"


class Refusal(Exception):
    """A guard said no; `render` makes the page the person sees instead."""

    def __init__(self, render: Callable[[Request], Response]) -> None:
        super().__init__("refused")
        self.render = render


def current_user(request: Request) -> StaffUser | None:
    return sessions.user_for(request.cookies.get(sessions.COOKIE_NAME))


MaybeStaff = Annotated[StaffUser | None, Depends(current_user)]


def signed_in(user: MaybeStaff) -> StaffUser:
    if user is None:
        raise Refusal(lambda _request: RedirectResponse("/staff", 303))
    return user


Staff = Annotated[StaffUser, Depends(signed_in)]


def administrator(user: Staff) -> StaffUser:
    if user.role != "admin":
        raise Refusal(lambda request: page(request, "share/problem.html", {
            "user": user, "heading": "You cannot see this page", "link": None,
            "message": "Only administrators can see this page."}, 403))
    return user


Admin = Annotated[StaffUser, Depends(administrator)]


def content_staff(user: Staff) -> StaffUser:
    """Signed in without a content role: not found, as if the content pages did not exist."""
    if not any(c in (user.capabilities or []) for c in CAPABILITIES):
        raise Refusal(lambda request: page(request, "share/problem.html", {
            "user": user, "heading": "Page not found", "link": None,
            "message": "If you typed the web address, check it is correct."}, 404))
    return user


ContentStaff = Annotated[StaffUser, Depends(content_staff)]


def _checked_form(back: tuple[str, str]) -> Callable:
    async def checked(request: Request, fields: Annotated[dict[str, list[str]], Depends(form_fields)]) -> dict[str, list[str]]:
        if not csrf_ok(request, fields):
            raise Refusal(lambda request: problem(
                request, 403, "This form has expired",
                "For your security, we could not accept this form. Go back, refresh the page and try again.", back))
        return fields

    return checked


StaffForm = Annotated[dict[str, list[str]], Depends(_checked_form(("/staff", "Back to staff pages")))]
ContentForm = Annotated[dict[str, list[str]], Depends(_checked_form((CONTENT_HOME, "Back to content")))]


def install(app: FastAPI) -> None:
    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refusal)
        return exc.render(request)

    app.add_exception_handler(Refusal, refused)


# The parent's conversation, held in an HttpOnly cookie (web/routers/chat_page.py), never in an address.
CONVERSATION_COOKIE = "fh_conversation"


def conversation_of(request: Request) -> str | None:
    value = request.cookies.get(CONVERSATION_COOKIE, "")
    return value if 0 < len(value) <= 64 else None
