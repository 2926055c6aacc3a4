"""Helpers shared by the share and staff pages: form reading, CSRF cookie, no-store page responses."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from assistant.handoffs.staff import sessions
from web import csrf
from web.templating import templates
from web.cookies import secure_cookies

MAX_FORM_FIELDS = 200
MAX_PART_BYTES = 64 * 1024


async def form_fields(request: Request) -> dict[str, list[str]]:
    """The posted form as lists of strings (checkboxes repeat). Files are refused."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_PART_BYTES)
    except Exception:  # multipart limits and malformed bodies
        raise HTTPException(400, "The form could not be read. Go back and try again.") from None
    fields: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            raise HTTPException(400, "Files cannot be sent with this form.")
        fields.setdefault(key, []).append(value)
    return fields


def first(fields: dict[str, list[str]], name: str) -> str:
    return (fields.get(name) or [""])[0]


def _csrf_cookie(request: Request) -> tuple[str, str]:
    """(cookie name, value or "") for this request's scheme."""
    name = csrf.cookie_name(secure_cookies(request))
    return name, request.cookies.get(name) or ""


def _binding(request: Request) -> str:
    return csrf.session_binding(request.cookies.get(sessions.COOKIE_NAME))


def csrf_ok(request: Request, fields: dict[str, list[str]]) -> bool:
    return csrf.is_valid(_csrf_cookie(request)[1], first(fields, "csrf_token"), _binding(request))


def page(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
    """Render with a CSRF token; pages that may show personal data are never cached or leaked by referrer."""
    cookie_name, cookie = _csrf_cookie(request)
    fresh = not cookie or len(cookie) > 64
    if fresh:
        cookie = csrf.new_cookie_value()
    token = csrf.form_token(cookie, _binding(request))
    response = templates.TemplateResponse(
        request, name, {"csrf_token": token, "error_summary": [], **context}, status_code=status_code
    )
    if fresh:
        response.set_cookie(cookie_name, cookie, httponly=True, samesite="lax",
                            secure=secure_cookies(request), path="/")
    no_store(response)
    return response


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def problem(request: Request, status_code: int, heading: str, message: str, link: tuple[str, str] | None = None) -> Response:
    return page(request, "share/problem.html", {"heading": heading, "message": message, "link": link}, status_code)


def summary(errors: list) -> list[dict]:
    return [{"field_id": e.field_id, "message": e.message} for e in errors]
