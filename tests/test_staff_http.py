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
    # Guessing many usernames from one address locks that address for every username.
    for number in range(throttle.PER_ADDRESS_FACTOR * 5):
        throttle.record_failure(f"guess{number}", "198.51.100.7")
    assert throttle.is_locked("someone-new", "198.51.100.7")


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


# ---- staff accounts (issue 12, item 11) -------------------------------------------------------------------

NEW_PASSWORD = "plum kettle orbit lantern"


def _user(username: str):
    from core.database import session_scope
    from core.staff import StaffUser

    with session_scope() as session:
        return session.scalar(select(StaffUser).where(StaffUser.username == username))


def _fresh(client):
    return type(client)(client.app, follow_redirects=False)


def test_a_sign_in_ends_the_accounts_older_sessions_and_sign_out_is_audited(client):
    make_user("amy", "hub_staff", ["armley"])
    first_browser, second_browser = _fresh(client), _fresh(client)
    sign_in(first_browser, "amy")
    assert first_browser.get("/staff/handoffs").status_code == 200
    sign_in(second_browser, "amy")
    assert first_browser.get("/staff/handoffs").status_code == 303  # the older session is over
    assert second_browser.get("/staff/handoffs").status_code == 200
    token = csrf_token(second_browser.get("/staff/handoffs").text)
    assert second_browser.post("/staff/sign-out", data={"csrf_token": token}).status_code == 303
    assert ("staff:amy", "signed_out", "") in _audit()


def test_sessions_end_when_idle_and_at_their_absolute_lifetime(client):
    import datetime as dt

    import time_machine

    make_user("amy", "hub_staff", ["armley"])
    start = dt.datetime.now(dt.timezone.utc)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, "amy")
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/staff/handoffs").status_code == 200  # 29 minutes idle (STAFF_IDLE_MINUTES=30)
        clock.shift(dt.timedelta(minutes=31))
        assert client.get("/staff/handoffs").status_code == 303  # 31 minutes idle: signed out
        sign_in(client, "amy")
        for _ in range(23):  # busy all day, a request every 20 minutes: 7 h 40 min
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/staff/handoffs").status_code == 200
        clock.shift(dt.timedelta(minutes=21))  # 8 h 1 min after signing in (STAFF_SESSION_HOURS=8)
        assert client.get("/staff/handoffs").status_code == 303


def test_a_hash_made_with_weaker_argon2_settings_is_upgraded_at_sign_in(client):
    from argon2 import PasswordHasher

    from core.database import session_scope
    from core.staff import StaffUser

    make_user("amy", "hub_staff", ["armley"])
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with session_scope() as session:
        session.scalar(select(StaffUser).where(StaffUser.username == "amy")).password_hash = weak
    assert sign_in(client, "amy").status_code == 303
    upgraded = _user("amy").password_hash
    assert upgraded != weak and not PasswordHasher().check_needs_rehash(upgraded)
    assert PasswordHasher().verify(upgraded, PASSWORD)


def test_a_signed_in_person_changes_their_password_with_their_current_one(client):
    make_user("amy", "hub_staff", ["armley"])
    sign_in(client, "amy")
    old_cookie = client.cookies.get("fh_staff")
    form = client.get("/staff/account/password")
    assert form.status_code == 200 and 'autocomplete="current-password"' in form.text
    token = csrf_token(form.text)

    def change(current: str, new: str, confirm: str | None = None):
        return client.post("/staff/account/password", data={"current_password": current, "new_password": new,
                                                             "confirm_password": new if confirm is None else confirm,
                                                             "csrf_token": token})

    wrong = change("not my password", NEW_PASSWORD)
    assert wrong.status_code == 422 and "Your current password is not correct" in wrong.text
    common = change(PASSWORD, "Password123!")
    assert common.status_code == 422 and "one of the most common passwords" in common.text
    short = change(PASSWORD, "short one")
    assert short.status_code == 422 and "at least 12 characters" in short.text
    mismatch = change(PASSWORD, NEW_PASSWORD, "plum kettle orbit lanterns")
    assert mismatch.status_code == 422 and "do not match" in mismatch.text
    assert change(PASSWORD, PASSWORD).status_code == 422
    done = change(PASSWORD, NEW_PASSWORD)
    assert done.status_code == 200 and "Your password has been changed" in done.text
    assert client.get("/staff/handoffs").status_code == 200  # this browser carries on with a new session
    stolen = _fresh(client)
    stolen.cookies.set("fh_staff", old_cookie, path="/staff")
    assert stolen.get("/staff/handoffs").status_code == 303  # the session from before the change is over
    assert sign_in(_fresh(client), "amy").status_code == 401
    assert sign_in(_fresh(client), "amy", NEW_PASSWORD).status_code == 303
    actions = [a for who, a, _d in _audit() if who == "staff:amy"]
    assert actions.count("password_change_refused") == 1 and "password_changed" in actions
    assert not any(NEW_PASSWORD in str(row) or PASSWORD in str(row) for row in _audit())


def test_common_passwords_are_refused_for_new_accounts(client):
    make_user("root", "admin")
    sign_in(client, "root")
    token = csrf_token(client.get("/staff/users").text)
    for common in ("Password123!", "qwertyuiop123", "iloveyou1234"):
        refused = client.post("/staff/users", data={"username": "cara", "role": "admin", "password": common,
                                                    "csrf_token": token})
        assert refused.status_code == 422 and "one of the most common passwords" in refused.text, common


def test_an_admin_makes_a_one_time_reset_link_that_expires(client):
    import datetime as dt
    import re

    import time_machine

    make_user("root", "admin")
    amy_id = make_user("amy", "hub_staff", ["armley"])
    amy = _fresh(client)
    sign_in(amy, "amy")
    assert sign_in(client, "root").status_code == 303
    token = csrf_token(client.get("/staff/users").text)
    assert 'action="/staff/users/%d/reset"' % amy_id in client.get("/staff/users").text
    made = client.post(f"/staff/users/{amy_id}/reset", data={"csrf_token": token})
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    link = re.search(r'id="reset-link">([^<]+)<', made.text).group(1).replace("&amp;", "&")
    assert link.startswith("http://testserver/staff/reset-password?token=")
    secret = link.split("token=")[1]
    from core.database import session_scope
    from core.staff import PasswordReset

    with session_scope() as session:  # only a hash of the token is kept
        assert secret not in str([(r.token_hash, r.created_by) for r in session.scalars(select(PasswordReset))])

    hub_staff = _fresh(client)
    make_user("ben", "hub_staff", ["chapeltown"])
    sign_in(hub_staff, "ben")
    assert hub_staff.post(f"/staff/users/{amy_id}/reset",
                          data={"csrf_token": csrf_token(hub_staff.get("/staff/handoffs").text)}).status_code == 403

    visitor = _fresh(client)
    form = visitor.get(link)
    assert form.status_code == 200 and "amy" in form.text
    form_token = csrf_token(form.text)

    def reset(new: str, confirm: str | None = None, who=visitor, secret_value: str = secret):
        return who.post("/staff/reset-password", data={"token": secret_value, "new_password": new,
                                                       "confirm_password": new if confirm is None else confirm,
                                                       "csrf_token": form_token})

    assert reset("letmein12345").status_code == 422
    assert reset(NEW_PASSWORD).status_code == 200
    assert reset("a different long phrase").status_code == 410  # used once
    assert visitor.get(link).status_code == 410
    assert amy.get("/staff/handoffs").status_code == 303  # her earlier session ended with the old password
    assert sign_in(_fresh(client), "amy").status_code == 401
    assert sign_in(_fresh(client), "amy", NEW_PASSWORD).status_code == 303
    assert reset(NEW_PASSWORD, secret_value="made-up").status_code == 410

    later = client.post(f"/staff/users/{amy_id}/reset", data={"csrf_token": token})
    late_link = re.search(r'id="reset-link">([^<]+)<', later.text).group(1).replace("&amp;", "&")
    with time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=61), tick=False):
        assert _fresh(client).get(late_link).status_code == 410  # PASSWORD_RESET_MINUTES=60
    trail = _audit()
    assert ("staff:root", "password_reset_issued", "user=amy") in trail
    assert ("staff:amy", "password_reset_used", "by=staff:root") in trail
    assert secret not in str(trail)
