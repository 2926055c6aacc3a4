"""Staff side over HTTP: sign-in, scope (404 outside it), status flow, notes, exports, audit and accounts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from handoff_support import PASSWORD, client, csrf_token, handoff_db, make_user, share, sign_in  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def _audit(reference: str | None = None) -> list[tuple[str, str, str]]:
    from core.audit import recent

    return [(e.actor, e.action, e.detail) for e in reversed(recent(reference=reference))]


def _shared_reference(client) -> str:
    sent, _draft, _token = share(client)
    from assistant.handoffs.service import for_parent

    return for_parent(sent.headers["location"].split("/my-story/")[1].split("?")[0]).reference


def test_hub_staff_work_a_request_and_every_step_is_audited(client):
    reference = _shared_reference(client)
    make_user("amy", "hub_staff", ["armley"])
    signed_in = sign_in(client, "amy")
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie
    queue = client.get("/staff/handoffs")
    assert reference in queue.text and "New" in queue.text and "minute" in queue.text
    detail = client.get(f"/staff/handoffs/{reference}")
    assert detail.status_code == 200 and "Quintessa Marlowe-Fairbanks" in detail.text and ">Opened<" in detail.text
    token = csrf_token(detail.text)
    assert client.post(f"/staff/handoffs/{reference}/status", data={"action": "decline", "csrf_token": token}).status_code == 422
    assert client.post(f"/staff/handoffs/{reference}/status", data={"action": "close", "csrf_token": token}).status_code == 409
    assert client.post(f"/staff/handoffs/{reference}/status", data={"action": "accept", "csrf_token": token}).status_code == 303
    assert client.post(f"/staff/handoffs/{reference}/notes", data={"note": "Rang Quintessa", "csrf_token": token}).status_code == 303
    assert client.post(f"/staff/handoffs/{reference}/notes", data={"note": "n" * 2001, "csrf_token": token}).status_code == 422
    exported = json.loads(client.get(f"/staff/handoffs/{reference}/export/json").text)
    assert exported["answers"]["phone"] == "07700 900 982" and exported["notes"][0]["text"] == "Rang Quintessa"
    csv_text = client.get(f"/staff/handoffs/{reference}/export/csv").text
    assert "Quintessa Marlowe-Fairbanks" in csv_text
    assert client.post(f"/staff/handoffs/{reference}/status", data={"action": "close", "csrf_token": token}).status_code == 303
    trail = _audit(reference)
    # The two refused changes and the refused note re-show the request, so they count as views.
    assert [a for _who, a, _d in trail] == ["created", "viewed", "status_changed", "viewed", "viewed", "status_changed",
                                            "note_added", "viewed", "exported", "exported", "status_changed"]
    assert ("staff:amy", "status_changed", "new -> opened") in trail
    assert ("staff:amy", "status_changed", "accepted -> closed") in trail
    assert not any("Quintessa" in str(row) or "0770" in str(row) for row in _audit())  # no personal data


def test_requests_outside_your_scope_are_not_found(client):
    reference = _shared_reference(client)  # Armley, Leeds
    make_user("ben", "hub_staff", ["chapeltown"])
    make_user("lee", "area_manager", area="leeds")
    make_user("hana", "area_manager", area="hammersmith-fulham")
    make_user("root", "admin")
    for outsider in ("ben", "hana", "root"):
        other = type(client)(client.app, follow_redirects=False)
        sign_in(other, outsider)
        assert reference not in other.get("/staff/handoffs").text
        for url in (f"/staff/handoffs/{reference}", f"/staff/handoffs/{reference}/export/json"):
            response = other.get(url)
            assert response.status_code == 404 and "Quintessa" not in response.text
        token = csrf_token(other.get("/staff/handoffs").text)
        assert other.post(f"/staff/handoffs/{reference}/status", data={"action": "accept", "csrf_token": token}).status_code == 404
    manager = type(client)(client.app, follow_redirects=False)
    sign_in(manager, "lee")
    assert reference in manager.get("/staff/handoffs").text
    assert not any(who in ("staff:ben", "staff:hana", "staff:root") for who, _a, _d in _audit(reference))


def test_queue_filters_by_status_and_concern_oldest_first(client):
    first = _shared_reference(client)
    second = _shared_reference(client)
    make_user("amy", "hub_staff", ["armley"])
    sign_in(client, "amy")
    page = client.get("/staff/handoffs").text
    assert page.index(first) < page.index(second)
    assert first not in client.get("/staff/handoffs?concern=sleep").text
    assert first in client.get("/staff/handoffs?concern=speech").text
    client.get(f"/staff/handoffs/{first}")
    new_only = client.get("/staff/handoffs?status=new").text
    assert second in new_only and first not in new_only
    assert client.get("/staff/handoffs?status=nonsense&concern=%00").status_code == 200


def test_sign_in_is_throttled_and_never_says_which_part_was_wrong(client):
    make_user("amy", "hub_staff", ["armley"])
    for _ in range(5):
        wrong = sign_in(client, "amy", "not the password")
        assert wrong.status_code == 401 and "Enter a correct username and password" in wrong.text
    locked = sign_in(client, "amy")  # the right password, but locked for now
    assert locked.status_code == 429 and "Wait 15 minutes" in locked.text
    assert sign_in(client, "nobody", "whatever").status_code == 401


def test_forged_csrf_on_staff_forms_is_refused(client):
    make_user("amy", "hub_staff", ["armley"])
    client.get("/staff")
    response = client.post("/staff/sign-in", data={"username": "amy", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403 and "For your security" in response.text


def test_admin_manages_users_and_reads_the_audit_trail(client):
    make_user("root", "admin")
    make_user("amy", "hub_staff", ["armley"])
    sign_in(client, "root")
    page = client.get("/staff/users")
    token = csrf_token(page.text)
    bad = client.post("/staff/users", data={"username": "new", "role": "hub_staff", "hub": "", "password": PASSWORD,
                                            "csrf_token": token})
    assert bad.status_code == 422 and "hub_staff need one or more hubs" in bad.text
    short = client.post("/staff/users", data={"username": "new", "role": "admin", "password": "short", "csrf_token": token})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    made = client.post("/staff/users", data={"username": "cara", "role": "hub_staff", "hub": "seacroft",
                                             "password": PASSWORD, "csrf_token": token})
    assert made.status_code == 200 and "Account cara added" in made.text
    from core.database import session_scope
    from core.staff import StaffUser
    with session_scope() as session:
        amy_id = session.scalar(select(StaffUser.id).where(StaffUser.username == "amy"))
    client.post(f"/staff/users/{amy_id}/active", data={"active": "no", "csrf_token": token})
    assert sign_in(type(client)(client.app, follow_redirects=False), "amy").status_code == 401
    trail = client.get("/staff/audit").text
    assert "user_created" in trail and "user_deactivated" in trail
    staff = type(client)(client.app, follow_redirects=False)
    sign_in(staff, "cara")
    assert staff.get("/staff/audit").status_code == 403 and staff.get("/staff/users").status_code == 403


def test_signed_out_pages_redirect_and_sign_out_ends_the_session(client):
    assert client.get("/staff/handoffs").headers["location"] == "/staff"
    make_user("amy", "hub_staff", ["armley"])
    sign_in(client, "amy")
    token = csrf_token(client.get("/staff/handoffs").text)
    client.post("/staff/sign-out", data={"csrf_token": token})
    assert client.get("/staff/handoffs").status_code == 303


def test_cli_creates_users_from_stdin_and_purges(handoff_db):
    env = dict(os.environ)
    run = lambda *args, stdin="": subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=env,  # noqa: E731
                                                 input=stdin, capture_output=True, text=True, timeout=120)
    made = run("users", "create", "dee", "--role", "hub_staff", "--hub", "bootle", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    refused = run("users", "create", "eve", "--role", "area_manager", "--password-stdin", stdin=PASSWORD + "\n")
    assert refused.returncode == 2 and "area_manager need an area" in refused.stderr
    assert "dee\thub_staff\tbootle\tactive" in run("users", "list").stdout
    purged = run("handoffs", "purge")
    assert purged.returncode == 0 and "Deleted 0 closed, 0 withdrawn and 0 never-closed" in purged.stdout


def test_the_sign_in_throttle_is_bounded_per_address_and_reset_by_a_success(client):
    from assistant.handoffs.staff import throttle

    make_user("bea", "hub_staff", ["armley"])
    for _ in range(2):
        assert sign_in(client, "bea", "wrong").status_code == 401
    assert sign_in(client, "bea").status_code == 303  # a success clears that username's failures here
    # Someone elsewhere guessing bea's password cannot lock bea out of her own address.
    for _ in range(6):
        throttle.record_failure("bea", "203.0.113.9")
    assert throttle.is_locked("bea", "203.0.113.9") and not throttle.is_locked("bea", "testclient")
    # Guessing many usernames cannot grow the table without end.
    for number in range(throttle.MAX_KEYS + 50):
        throttle.record_failure(f"guess{number}", "198.51.100.7")
    assert throttle.tracked() <= throttle.MAX_KEYS


def test_a_csrf_token_is_bound_to_the_staff_session_it_was_given_in(client):
    make_user("amy", "hub_staff", ["armley"])
    token_before = csrf_token(client.get("/staff").text)  # the sign-in page: no session yet
    assert sign_in(client, "amy").status_code == 303
    refused = client.post("/staff/sign-out", data={"csrf_token": token_before})
    assert refused.status_code == 403 and "For your security" in refused.text
    token_now = csrf_token(client.get("/staff/handoffs").text)  # the sign-out form in the page header
    assert client.post("/staff/sign-out", data={"csrf_token": token_now}).status_code == 303


def test_over_tls_the_csrf_cookie_has_the_host_prefix(client, monkeypatch):
    from core.settings import get_settings

    monkeypatch.setenv("COOKIE_SECURE", "true")
    get_settings.cache_clear()
    try:
        fresh = type(client)(client.app, base_url="https://testserver", follow_redirects=False)
        page = fresh.get("/staff")
        cookie = next(v for k, v in page.headers.multi_items() if k == "set-cookie" and "csrf" in v)
        assert cookie.startswith("__Host-fh_csrf=") and "secure" in cookie.lower() and "path=/" in cookie.lower()
        assert "domain=" not in cookie.lower()
        # and the form works with it
        made = make_user("bea", "hub_staff", ["armley"])
        assert made is not None
        response = fresh.post("/staff/sign-in", data={"username": "bea", "password": PASSWORD,
                                                      "csrf_token": csrf_token(page.text)})
        assert response.status_code == 303
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
