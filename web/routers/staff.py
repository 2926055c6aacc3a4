"""Tell it once, the staff side: sign in, the queue, one request, notes, exports, accounts and the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from core.settings import get_settings
from assistant.handoffs import export
from core import audit
from assistant.handoffs.choices import all_hubs, form_choices, hub_label, label
from core.staff import StaffUser, utcnow
from assistant.handoffs.service import HandoffNotFound
from assistant.handoffs.staff import casework, passwords, resets, sessions, throttle, users
from web import oidc
from assistant.handoffs.summary import answer_rows
from web.deps import Admin, MaybeStaff, Staff, StaffForm
from web.handoff_web import first, no_store, page, problem
from web.templating import AREA_LABELS, templates
from web.cookies import secure_cookies

router = APIRouter(include_in_schema=False)


def _age(when: dt.datetime) -> str:
    minutes = int((utcnow() - when).total_seconds() // 60)
    for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "under a minute"


templates.env.filters.update(age=_age, hub_label=hub_label, concern_label=lambda code: label("concerns", code))


def _sign_in_page(request: Request, status_code: int = 200, error: str = "", username: str = "") -> Response:
    errors = {"username": error} if error else {}
    summary = [{"field_id": "username", "message": error}] if error else []
    return page(request, "staff/sign_in.html", {"errors": errors, "error_summary": summary, "username": username,
                                                "user": None, "oidc": oidc.configured()}, status_code)


def _not_found(request: Request, user: StaffUser) -> Response:
    return page(request, "share/problem.html", {"user": user, "heading": "Request not found", "link": ("/staff/handoffs", "All requests"),
                                                "message": "There is no request with that reference that you can see."}, 404)


@router.get("/staff")
def staff_home(request: Request, user: MaybeStaff) -> Response:
    return RedirectResponse(users.home_page(user), 303) if user else _sign_in_page(request)


@router.post("/staff/sign-in")
def sign_in(request: Request, fields: StaffForm) -> Response:
    username, password = first(fields, "username").strip()[:80], first(fields, "password")[:1000]
    address = request.client.host if request.client else "unknown"
    if throttle.is_locked(username, address):
        return _sign_in_page(request, 429, f"Too many attempts. Wait {get_settings().login_lockout_minutes} minutes, then try again", username)
    user = users.authenticate(username, password) if username and password else None
    if user is None:
        throttle.record_failure(username, address)
        return _sign_in_page(request, 401, "Enter a correct username and password", username)
    throttle.record_success(username, address)
    return _start_session(request, RedirectResponse(users.home_page(user), 303), sessions.start(user.id))


def _start_session(request: Request, response: Response, token: str) -> Response:
    response.set_cookie(sessions.COOKIE_NAME, token, httponly=True, samesite="strict",
                        secure=secure_cookies(request), path="/staff")
    return no_store(response)


@router.get("/staff/oidc/sign-in")
async def oidc_sign_in(request: Request) -> Response:
    if not oidc.configured():
        return problem(request, 404, "Page not found", "Council account sign-in is not set up.", ("/staff", "Staff sign in"))
    try:
        return no_store(await oidc.start(request, str(request.url_for("oidc_callback"))))
    except oidc.SignInFailed as exc:
        return problem(request, exc.status_code, exc.heading, exc.message, ("/staff", "Back to staff sign in"))


@router.get("/staff/oidc/callback")
async def oidc_callback(request: Request) -> Response:
    if not oidc.configured():
        return problem(request, 404, "Page not found", "Council account sign-in is not set up.", ("/staff", "Staff sign in"))
    try:
        user = await oidc.finish(request)
    except oidc.SignInFailed as exc:
        refused = problem(request, exc.status_code, exc.heading, exc.message, ("/staff", "Back to staff sign in"))
        return oidc.clear_flow(request, refused)
    # A page, not a redirect: browsers do not send a SameSite=Strict cookie on a redirect that began at the
    # provider's site, so the next page must be reached from ours.
    done = page(request, "share/problem.html", {"heading": "You are signed in", "link": (users.home_page(user), "Continue"),
                                                "message": f"You are signed in as {user.username}.", "user": None})
    token = await run_in_threadpool(sessions.start, user.id)
    return oidc.clear_flow(request, _start_session(request, done, token))


@router.post("/staff/sign-out")
def sign_out(request: Request, fields: StaffForm) -> Response:
    sessions.end(request.cookies.get(sessions.COOKIE_NAME))  # audited as signed_out
    response = RedirectResponse("/staff", 303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/staff")
    return response


def _password_page(request: Request, user: StaffUser | None, template: str, status_code: int = 200,
                   error: str = "", field: str = "", **extra: object) -> Response:
    errors = {field: error} if error else {}
    return page(request, template, {"user": user, "errors": errors, "min_chars": passwords.rules()["min_chars"],
                                    "error_summary": [{"field_id": field, "message": error}] if error else [],
                                    **extra}, status_code)


@router.get("/staff/account/password")
def password_form(request: Request, user: Staff) -> Response:
    return _password_page(request, user, "staff/password.html", nav="/staff/account/password")


@router.post("/staff/account/password")
def change_password(request: Request, user: Staff, fields: StaffForm) -> Response:
    try:
        users.change_password(user.id, first(fields, "current_password")[:1000], first(fields, "new_password")[:2000],
                              first(fields, "confirm_password")[:2000])
    except users.InvalidUser as exc:
        return _password_page(request, user, "staff/password.html", exc.status, str(exc), exc.field)
    # The change ended every session of this account, this one too: carry on here with a fresh one.
    done = _password_page(request, user, "staff/password.html", message="Your password has been changed",
                          home=users.home_page(user))
    return _start_session(request, done, sessions.start(user.id))


@router.post("/staff/users/{user_id}/reset")
def make_reset_link(request: Request, user_id: int, user: Admin, fields: StaffForm) -> Response:
    try:
        username, token, expires = resets.issue(user_id, by=casework.actor(user))
    except users.InvalidUser as exc:
        return _users_page(request, user, exc.status, error=str(exc), field=exc.field)
    link = str(request.url_for("reset_password_form").include_query_params(token=token))
    return page(request, "staff/reset_link.html", {"user": user, "nav": "/staff/users", "username": username,
                                                   "link": link, "expires": expires.strftime("%H:%M UTC on %d %B %Y")})


def _reset_refused(request: Request, exc: users.InvalidUser) -> Response:
    return problem(request, exc.status, "This link cannot be used", str(exc), ("/staff", "Staff sign in"))


@router.get(resets.PATH)
def reset_password_form(request: Request, token: str = "") -> Response:
    try:
        username = resets.username_for(token)
    except resets.ResetLinkInvalid as exc:
        return _reset_refused(request, exc)
    return _password_page(request, None, "staff/reset_password.html", username=username, token=token,
                          action=resets.PATH)


@router.post(resets.PATH)
def reset_password(request: Request, fields: StaffForm) -> Response:
    token = first(fields, "token")[:resets.MAX_TOKEN_CHARS + 1]
    username = ""
    try:
        username = resets.username_for(token)
        resets.redeem(token, first(fields, "new_password")[:2000], first(fields, "confirm_password")[:2000])
    except resets.ResetLinkInvalid as exc:
        return _reset_refused(request, exc)
    except users.InvalidUser as exc:
        return _password_page(request, None, "staff/reset_password.html", exc.status, str(exc), exc.field,
                              username=username, token=token, action=resets.PATH)
    response = page(request, "share/problem.html", {"user": None, "heading": "Your password has been set",
                                                    "message": "Sign in with your new password.",
                                                    "link": ("/staff", "Staff sign in")})
    response.delete_cookie(sessions.COOKIE_NAME, path="/staff")
    return response


@router.get("/staff/handoffs")
def queue(request: Request, user: Staff, status: str = "", concern: str = "") -> Response:
    status = status if status in casework.STATUSES else ""
    concern = concern if concern in form_choices()["concerns"] else ""
    scope = ", ".join(hub_label(h) for h in user.hubs) if user.role == "hub_staff" else AREA_LABELS.get(user.area or "", "no area")
    return page(request, "staff/queue.html", {
        "user": user, "nav": "/staff/handoffs", "rows": casework.queue(user, status or None, concern or None),
        "status": status, "concern": concern, "statuses": form_choices()["statuses"],
        "concerns": form_choices()["concerns"], "scope_label": scope})


def _detail(request: Request, user: StaffUser, reference: str, status_code: int = 200, errors: dict | None = None,
            message: str = "") -> Response:
    try:
        view = casework.open_handoff(user, reference[:9])
    except HandoffNotFound:
        return _not_found(request, user)
    errors = errors or {}
    return page(request, "staff/handoff.html", {
        "user": user, "nav": "/staff/handoffs", "h": view, "rows": answer_rows(view.answers), "errors": errors,
        "error_summary": [{"field_id": k, "message": v} for k, v in errors.items()], "message": message,
        "statuses": form_choices()["statuses"], "decline_reasons": form_choices()["decline_reasons"]}, status_code)


@router.get("/staff/handoffs/{reference}")
def handoff_detail(request: Request, reference: str, user: Staff, done: str = "") -> Response:
    messages = {"status": "The status has been changed.", "note": "Your note has been added."}
    return _detail(request, user, reference, message=messages.get(done, ""))


def _casework_post(request: Request, user: StaffUser, reference: str, change: Callable[[], object], done: str) -> Response:
    """Run one change to a request; a refusal is shown beside the field it is about."""
    try:
        change()
    except HandoffNotFound:
        return _not_found(request, user)
    except casework.NotAllowed as exc:
        return _detail(request, user, reference, exc.status, {exc.field: str(exc)})
    return RedirectResponse(f"/staff/handoffs/{reference[:9]}?done={done}", 303)


@router.post("/staff/handoffs/{reference}/status")
def change_status(request: Request, reference: str, user: Staff, fields: StaffForm) -> Response:
    return _casework_post(request, user, reference, lambda: casework.change_status(
        user, reference[:9], first(fields, "action"), first(fields, "reason")), "status")


@router.post("/staff/handoffs/{reference}/notes")
def add_note(request: Request, reference: str, user: Staff, fields: StaffForm) -> Response:
    return _casework_post(request, user, reference, lambda: casework.add_note(user, reference[:9], first(fields, "note")),
                          "note")


@router.get("/staff/handoffs/{reference}/export/{fmt}")
def export_handoff(request: Request, reference: str, fmt: str, user: Staff) -> Response:
    if fmt not in ("json", "csv", "print"):
        return problem(request, 404, "Page not found", "You can export as print, json or csv.")
    try:
        view = casework.read_for_export(user, reference[:9], fmt)
    except HandoffNotFound:
        return _not_found(request, user)
    if fmt == "print":
        return page(request, "share/print.html", {"story": view, "rows": answer_rows(view.answers), "notes": view.notes,
                                                  "heading": f"Request {view.reference}", "back_url": f"/staff/handoffs/{view.reference}"})
    body, media = (export.as_json(view), "application/json") if fmt == "json" else (export.as_csv(view), "text/csv; charset=utf-8")
    headers = {"Content-Disposition": f'attachment; filename="{view.reference}.{fmt}"'}
    return no_store(Response(body, media_type=media, headers=headers))


@router.get("/staff/audit")
def audit_trail(request: Request, user: Admin) -> Response:
    return page(request, "staff/audit.html", {"user": user, "nav": "/staff/audit", "events": audit.recent()})


def _users_page(request: Request, user: StaffUser, status_code: int = 200, form: dict | None = None,
                error: str = "", field: str = "", message: str = "") -> Response:
    return page(request, "staff/users.html", {
        "user": user, "nav": "/staff/users", "users": users.list_users(), "form": form or {}, "message": message,
        "errors": {field: error} if error else {}, "error_summary": [{"field_id": field, "message": error}] if error else [],
        "roles": [("hub_staff", "Hub staff"), ("area_manager", "Area manager"), ("admin", "Administrator")],
        "hubs": list(all_hubs().values())}, status_code)


@router.get("/staff/users")
def list_users(request: Request, user: Admin) -> Response:
    return _users_page(request, user)


@router.post("/staff/users")
def create_user(request: Request, user: Admin, fields: StaffForm) -> Response:
    form = {name: first(fields, name).strip() for name in ("username", "role", "hub", "area")}
    try:
        users.create_user(form["username"], first(fields, "password"), form["role"], [form["hub"]] if form["hub"] else [],
                          form["area"] or None, by=casework.actor(user))
    except users.InvalidUser as exc:
        return _users_page(request, user, exc.status, form, str(exc), exc.field)
    return _users_page(request, user, message=f"Account {form['username']} added.")


@router.post("/staff/users/{user_id}/active")
def set_active(request: Request, user_id: int, user: Admin, fields: StaffForm) -> Response:
    try:
        users.set_active(user_id, first(fields, "active") == "yes", by=casework.actor(user))
    except users.InvalidUser as exc:
        return _users_page(request, user, exc.status, error=str(exc), field=exc.field)
    return RedirectResponse("/staff/users", 303)
