"""GOV.UK Notify, against a local fake Notify API: a real HTTP server on loopback that checks each request's JWT."""

from __future__ import annotations

import json
import logging
import socket
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

from handoff_support import FULL_ANSWERS, client, handoff_db, reset_caches, share  # noqa: F401

SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
TEMPLATES = {"NOTIFY_TEMPLATE_PARENT_EMAIL": str(uuid.uuid4()), "NOTIFY_TEMPLATE_PARENT_SMS": str(uuid.uuid4()),
             "NOTIFY_TEMPLATE_STAFF_ALERT": str(uuid.uuid4())}
PARENT_EMAIL = "quintessa.marlowe@example.com"
PERSONAL = (FULL_ANSWERS["parent_name"], "Quintessa", "Zebedee", "07700", "7700900982", PARENT_EMAIL,
            FULL_ANSWERS["noticed"][:20], FULL_ANSWERS["tried"][:20], FULL_ANSWERS["help_wanted"][:20], "Mornings")


class FakeNotify(ThreadingHTTPServer):
    """Records what the client sends. mode: "ok" (201), "fail" (500 quoting the recipient, as an API might), or
    "hold" (answers only once `release` is set, like a Notify that hangs). Like Notify, it lists the messages it
    accepted (GET /v2/notifications, filtered by reference)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        self.mode = "ok"
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeNotify

    def log_message(self, *_args: object) -> None:  # keep the test output quiet
        pass

    def _authorised(self) -> bool:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        try:  # what Notify checks: signed with the key's secret, issued by the key's service, and fresh
            assert get_token_issuer(token) == SERVICE_ID
            decode_jwt_token(token, SECRET)
        except Exception:  # noqa: BLE001
            self._reply(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlsplit(self.path)
        if not self._authorised():
            return None
        if url.path != "/v2/notifications":
            return self._reply(404, {"errors": [{"error": "NotFound"}]})
        if self.server.mode == "fail":
            return self._reply(500, {"message": "Internal server error"})
        reference = parse_qs(url.query).get("reference", [None])[0]
        listed = [n for n in self.server.accepted if reference is None or n["reference"] == reference]
        return self._reply(200, {"notifications": listed, "links": {}})

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if not self._authorised():
            return None
        if self.path not in ("/v2/notifications/email", "/v2/notifications/sms"):
            return self._reply(404, {"errors": [{"error": "NotFound"}]})
        self.server.requests.append({"path": self.path, **body})
        if self.server.mode == "fail":
            recipient = body.get("email_address") or body.get("phone_number")
            return self._reply(500, {"message": f"Internal server error sending to {recipient}"})
        if self.server.mode == "hold":
            self.server.release.wait(30)
        notification = {"id": str(uuid.uuid4()), "reference": body.get("reference"), "template": {"id": body["template_id"]}}
        self.server.accepted.append(notification)
        self._reply(201, notification)

    def _reply(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake_notify() -> Iterator[FakeNotify]:
    server = FakeNotify()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def notify_on(handoff_db, fake_notify: FakeNotify, tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNotify]:
    alerts = tmp_path / "staff_alerts.yaml"
    alerts.write_text("hubs:\n  armley: armley.team@example.gov.uk\nareas:\n  leeds: [leeds.hubs@example.gov.uk]\n")
    env = {"NOTIFY_API_KEY": f"test_key-{SERVICE_ID}-{SECRET}", "NOTIFY_BASE_URL": fake_notify.url,
           "NOTIFY_STAFF_ALERTS_FILE": str(alerts), "PUBLIC_BASE_URL": "https://hub.example.gov.uk", **TEMPLATES}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reset_caches()
    yield fake_notify
    _drain()


def _drain() -> None:
    from assistant.handoffs import notify

    assert notify.drain(30), "notifications still queued"


def _reference(sent) -> str:
    from assistant.handoffs.service import for_parent

    assert sent.status_code == 303, sent.text
    return for_parent(sent.headers["location"].split("/my-story/")[1].split("?")[0]).reference


def _trail(reference: str) -> list[tuple[str, str]]:
    """What became of each message (sent, failed, skipped); the "sending" marks before each try are left out."""
    from core.audit import recent

    return [(e.action, e.detail) for e in reversed(recent(reference=reference))
            if e.action.startswith("notification") and e.action != "notification_sending"]


def test_email_confirmation_to_the_parent_and_an_alert_without_personal_data_to_the_hub(client, notify_on):
    sent, draft, token = share(client, {"contact_method": "email", "email": PARENT_EMAIL})
    reference = _reference(sent)
    _drain()
    assert len(notify_on.requests) == 2
    parent = next(r for r in notify_on.requests if r["template_id"] == TEMPLATES["NOTIFY_TEMPLATE_PARENT_EMAIL"])
    assert parent["path"] == "/v2/notifications/email" and parent["email_address"] == PARENT_EMAIL
    assert parent["personalisation"] == {"reference": reference, "hub": "Armley Family Hub"}
    alert = next(r for r in notify_on.requests if r["template_id"] == TEMPLATES["NOTIFY_TEMPLATE_STAFF_ALERT"])
    assert alert["email_address"] == "armley.team@example.gov.uk"  # the hub's own mailbox wins over the area's
    assert alert["personalisation"] == {"reference": reference, "hub": "Armley Family Hub",
                                        "link": "https://hub.example.gov.uk/staff/handoffs"}
    assert not any(p.lower() in json.dumps(alert).lower() for p in PERSONAL)
    assert _trail(reference) == [("notification_sent", "parent_email"), ("notification_sent", "staff_alert")]
    # A refresh or second submission of the same story sends nothing more.
    share_again = client.post("/share/send", data={"draft": draft, "csrf_token": token, "consent": "yes",
                                                   "consent_version": _consent_version(client, draft, token)})
    assert share_again.status_code == 303 and _reference(share_again) == reference
    _drain()
    assert len(notify_on.requests) == 2


def _consent_version(client, draft: str, token: str) -> str:
    from handoff_support import hidden

    return hidden(client.post("/share/consent", data={"draft": draft, "csrf_token": token}).text, "consent_version")


def test_text_message_to_the_parent_and_area_alert_when_not_sure_of_the_hub(client, notify_on):
    sent, _draft, _token = share(client, {"contact_method": "text", "hub": "not-sure"})
    reference = _reference(sent)
    _drain()
    sms = [r for r in notify_on.requests if r["path"] == "/v2/notifications/sms"]
    assert len(sms) == 1 and sms[0]["phone_number"] == "07700900982"
    assert sms[0]["template_id"] == TEMPLATES["NOTIFY_TEMPLATE_PARENT_SMS"] and sms[0]["personalisation"]["reference"] == reference
    alerts = [r for r in notify_on.requests if r["template_id"] == TEMPLATES["NOTIFY_TEMPLATE_STAFF_ALERT"]]
    assert [a["email_address"] for a in alerts] == ["leeds.hubs@example.gov.uk"]
    assert alerts[0]["personalisation"]["hub"] == "Not sure (area team)"


def test_a_phone_call_request_gets_no_message_but_staff_are_still_alerted(client, notify_on):
    reference = _reference(share(client)[0])  # contact by phone call
    _drain()
    assert [(r["path"], r["template_id"], r["personalisation"]["reference"]) for r in notify_on.requests] == [
        ("/v2/notifications/email", TEMPLATES["NOTIFY_TEMPLATE_STAFF_ALERT"], reference)]


def test_a_failing_notify_never_fails_the_submission_and_is_recorded_without_personal_data(client, notify_on, caplog):
    caplog.set_level(logging.DEBUG)
    notify_on.mode = "fail"
    sent, _draft, _token = share(client, {"contact_method": "email", "email": PARENT_EMAIL})
    reference = _reference(sent)
    assert client.get(sent.headers["location"]).status_code == 200
    _drain()
    assert len(notify_on.requests) == 2  # both were tried
    assert _trail(reference) == [("notification_failed", "parent_email: HTTPError 500"),
                                 ("notification_failed", "staff_alert: HTTPError 500")]
    failures = [r.getMessage() for r in caplog.records if "notification failed" in r.getMessage()]
    assert len(failures) == 2 and all(reference in line for line in failures)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(p.lower() in logged.lower() for p in PERSONAL), logged


def test_notify_that_cannot_be_reached_is_recorded(client, notify_on, monkeypatch):
    with socket.socket() as sock:  # a port with nothing listening: connection refused
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    monkeypatch.setenv("NOTIFY_BASE_URL", f"http://127.0.0.1:{closed_port}")
    reset_caches()
    reference = _reference(share(client)[0])
    _drain()
    assert _trail(reference) == [("notification_failed", "staff_alert: HTTP503Error 503")]


def test_a_wrong_api_key_is_refused_by_notify_and_recorded(client, notify_on, monkeypatch):
    monkeypatch.setenv("NOTIFY_API_KEY", f"test_key-{SERVICE_ID}-{uuid.uuid4()}")
    reset_caches()
    reference = _reference(share(client)[0])
    _drain()
    assert notify_on.requests == [] and _trail(reference) == [("notification_failed", "staff_alert: HTTPError 403")]


def test_a_hanging_notify_does_not_hold_up_the_parent(client, notify_on):
    notify_on.mode = "hold"
    sent = share(client, {"contact_method": "email", "email": PARENT_EMAIL})[0]
    reference = _reference(sent)  # the parent has their confirmation while Notify has not answered
    assert client.get(sent.headers["location"]).status_code == 200 and _trail(reference) == []
    notify_on.release.set()
    _drain()
    assert [action for action, _kind in _trail(reference)] == ["notification_sent", "notification_sent"]


def test_a_send_cut_off_before_it_was_recorded_is_checked_with_notify_and_never_doubled(client, notify_on):
    """A server killed between Notify's answer and the audit row: the retried job asks Notify, not the trail."""
    from sqlalchemy import delete

    from assistant.handoffs import notify
    from core.database import session_scope
    from core.staff import AuditEvent

    sent = share(client, {"contact_method": "email", "email": PARENT_EMAIL})[0]
    reference = _reference(sent)
    _drain()
    assert len(notify_on.requests) == 2

    def forget_the_parent_email_was_recorded() -> None:
        with session_scope() as session:
            session.execute(delete(AuditEvent).where(AuditEvent.reference == reference,
                                                     AuditEvent.action == "notification_sent",
                                                     AuditEvent.detail == "parent_email"))

    forget_the_parent_email_was_recorded()  # Notify took it; the server died before writing so
    notify.deliver(reference)
    assert len(notify_on.requests) == 2  # nothing sent again
    assert sorted(_trail(reference)) == [("notification_sent", "parent_email"), ("notification_sent", "staff_alert")]

    forget_the_parent_email_was_recorded()  # and now the send never reached Notify at all
    notify_on.accepted = [n for n in notify_on.accepted if n["template"]["id"] != TEMPLATES["NOTIFY_TEMPLATE_PARENT_EMAIL"]]
    notify.deliver(reference)
    assert [r["email_address"] for r in notify_on.requests[2:]] == [PARENT_EMAIL]  # sent once, now

    forget_the_parent_email_was_recorded()  # Notify cannot be asked: nothing is sent until it can
    notify_on.mode = "fail"
    with pytest.raises(notify.NotSentYet):
        notify.deliver(reference)
    assert len(notify_on.requests) == 3


def test_nothing_is_sent_when_notify_is_not_configured(client, notify_on, monkeypatch):
    monkeypatch.delenv("NOTIFY_API_KEY")
    reset_caches()
    reference = _reference(share(client, {"contact_method": "email", "email": PARENT_EMAIL})[0])
    _drain()
    assert notify_on.requests == [] and _trail(reference) == []


def test_missing_templates_or_alert_addresses_skip_only_those_messages(client, notify_on, monkeypatch, tmp_path):
    monkeypatch.delenv("NOTIFY_TEMPLATE_PARENT_EMAIL")
    monkeypatch.setenv("NOTIFY_STAFF_ALERTS_FILE", str(tmp_path / "missing.yaml"))
    reset_caches()
    reference = _reference(share(client, {"contact_method": "email", "email": PARENT_EMAIL})[0])
    _drain()
    assert notify_on.requests == [] and _trail(reference) == []


def _sms_to(requests: list[dict]) -> list[str]:
    return [r["phone_number"] for r in requests if r["path"] == "/v2/notifications/sms"]


def _statuses() -> list[str]:
    from sqlalchemy import select

    from assistant.handoffs.models import Handoff
    from core.database import session_scope

    with session_scope() as session:
        return list(session.scalars(select(Handoff.status).order_by(Handoff.id)))


def test_texts_to_one_number_stop_at_the_daily_limit_while_another_number_still_gets_one(client, notify_on, monkeypatch,
                                                                                         caplog):
    """Security: scripted stories cannot send council-branded texts to one number again and again. The story
    over the limit still reaches the hub's queue (and its staff alert); only the parent's text is skipped."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("NOTIFY_TEXTS_PER_NUMBER_PER_DAY", "2")
    reset_caches()
    references = []
    # The same number written three ways counts as one number.
    for phone in ("07700 900 982", "07700900982", "+44 7700 900982"):
        sent = share(client, {"contact_method": "text", "phone": phone})[0]
        references.append(_reference(sent))
        _drain()
    assert len(_sms_to(notify_on.requests)) == 2
    assert _trail(references[2]) == [("notification_skipped", "parent_sms: recipient limit"),
                                     ("notification_sent", "staff_alert")]
    sent = share(client, {"contact_method": "text", "phone": "07700 900 123"})[0]
    _reference(sent)
    _drain()
    assert _sms_to(notify_on.requests)[-1] == "07700900123"  # a different number still gets its text
    # The story over the limit is in the hub's queue like any other.
    assert _statuses() == ["new"] * 4
    skipped = [r.getMessage() for r in caplog.records if "notification skipped" in r.getMessage()]
    assert len(skipped) == 1 and references[2] in skipped[0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(p.lower() in logged.lower() for p in PERSONAL), logged


def test_emails_to_one_address_stop_at_the_daily_limit_and_a_tag_or_capitals_do_not_escape_it(client, notify_on,
                                                                                              monkeypatch):
    monkeypatch.setenv("NOTIFY_EMAILS_PER_ADDRESS_PER_DAY", "1")
    reset_caches()
    first = _reference(share(client, {"contact_method": "email", "email": PARENT_EMAIL})[0])
    _drain()
    second = _reference(share(client, {"contact_method": "email", "email": "Quintessa.Marlowe+again@Example.com"})[0])
    _drain()
    third = _reference(share(client, {"contact_method": "email", "email": "someone.else@example.com"})[0])
    _drain()
    parents = [r["email_address"] for r in notify_on.requests if r["template_id"] == TEMPLATES["NOTIFY_TEMPLATE_PARENT_EMAIL"]]
    assert parents == [PARENT_EMAIL, "someone.else@example.com"]
    assert ("notification_sent", "parent_email") in _trail(first) and ("notification_sent", "parent_email") in _trail(third)
    assert ("notification_skipped", "parent_email: recipient limit") in _trail(second)
    # Staff alerts go only to the council's own mailboxes and are never held back by the parents' limit.
    assert [action for action, kind in _trail(second) if kind == "staff_alert"] == ["notification_sent"]


def test_the_counts_hold_no_number_or_address_and_expire_after_a_day(client, notify_on, handoff_db):
    import datetime as dt
    import hashlib

    from sqlalchemy import text

    from assistant.handoffs import recipient_limits
    from assistant.handoffs import retention as handoff_retention
    from core.database import get_engine

    share(client, {"contact_method": "text"})
    share(client, {"contact_method": "email", "email": PARENT_EMAIL})
    _drain()
    with get_engine().connect() as conn:
        rows = [dict(row) for row in conn.execute(text("SELECT * FROM notification_sends")).mappings()]
    assert len(rows) == 2 and {row["channel"] for row in rows} == {"sms", "email"}
    stored = json.dumps(rows, default=str).lower()
    for clear in ("7700900982", "7700 900 982", "quintessa", "marlowe", "example.com"):
        assert clear not in stored, clear
    # A keyed hash: not a plain hash anyone could compute from a guessed number or address.
    plain = {hashlib.sha256(value.encode()).hexdigest() for value in
             ("07700900982", "+447700900982", "sms:+447700900982", PARENT_EMAIL, f"email:{PARENT_EMAIL}")}
    assert all(len(row["recipient_hash"]) == 64 and row["recipient_hash"] not in plain for row in rows)
    # SQLite: the number and address appear nowhere in the database's files in clear (stories are encrypted).
    for path in handoff_db.parent.glob(handoff_db.name + "*"):
        data = path.read_bytes().lower()
        assert b"7700900982" not in data and PARENT_EMAIL.encode() not in data, path.name
    # After a day the counts have expired: the retention purge removes them and the number may be texted again.
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=24, minutes=1)
    assert handoff_retention.purge(later).notification_counts_deleted == 2
    limit = recipient_limits.daily_limit("sms")
    assert all(recipient_limits.take_place("sms", "07700 900 982", later) for _ in range(limit))
    assert not recipient_limits.take_place("sms", "+447700900982", later)
