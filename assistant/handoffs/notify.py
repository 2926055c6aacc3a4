"""Optional GOV.UK Notify messages for a new handoff: the parent's confirmation and an alert to the hub's staff.

Why so little in each message: email and text are not a safe place for a family's story, so the parent's
confirmation holds only the reference and the hub, and a staff alert only the reference, the hub and a link
to the staff queue. Why a background thread: the parent's submission must never wait for Notify, or fail
because of it. Every send is recorded in the audit trail (sent, failed, or skipped, by kind), never the address.
A parent's confirmation is skipped when its number or address has had its day's share (recipient_limits): the
story still reaches the hub's queue, only the message is not sent.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from core.settings import Settings, get_settings
from core.database import session_scope
from core.encryption import decrypt_json
from core import audit, job_queue
from core.metrics import JOB_FAILURES
from assistant.handoffs import recipient_limits
from assistant.handoffs.choices import hub_label, recipient
from assistant.handoffs.forms import normalise_phone

log = logging.getLogger("assistant.handoffs.notify")
# The client logs Notify's error text, which can quote a recipient; our own line below says what failed instead.
logging.getLogger("notifications_python_client").setLevel(logging.CRITICAL)
# Registered here so the audit trail's fixed vocabulary covers what this module records.
# "notification_sending" is written just before a message goes to Notify: if the server dies before it can write
# "notification_sent", the retried job knows to ask Notify what it accepted rather than send again.
audit.ACTIONS.update({"notification_sending", "notification_sent", "notification_failed", "notification_skipped"})

TIMEOUT_SECONDS = 10
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="notify")
_pending: set[Future] = set()
_pending_lock = threading.Lock()


@dataclass(frozen=True)
class Message:
    kind: str  # parent_email | parent_sms | staff_alert: the only thing about a message that is recorded
    channel: str  # email | sms
    to: str
    template_id: str
    personalisation: dict[str, str]
    # Parent confirmations go to whatever the form says; staff alerts only to the council's own mailboxes.
    limited_per_recipient: bool = False


def configured(settings: Settings | None = None) -> bool:
    return bool((settings or get_settings()).notify_api_key)


@lru_cache(maxsize=4)
def _alert_config(path: str, _mtime_ns: int) -> dict:
    data = yaml.safe_load(Path(path).read_text()) or {}
    return {"hubs": data.get("hubs") or {}, "areas": data.get("areas") or {}}


def staff_alert_addresses(area: str, hub: str, settings: Settings | None = None) -> list[str]:
    """The hub's own mailbox(es), else its area's. A missing or broken file means no alerts, not an error."""
    path = (settings or get_settings()).notify_staff_alerts_file
    try:
        config = _alert_config(str(path), path.stat().st_mtime_ns)
    except (OSError, yaml.YAMLError, AttributeError):
        log.warning("staff alerts file unreadable; no staff alerts sent")
        return []
    entry = config["hubs"].get(hub) or config["areas"].get(area) or []
    addresses = [entry] if isinstance(entry, str) else list(entry)
    return [a.strip() for a in addresses if isinstance(a, str) and "@" in a]


def staff_queue_url(settings: Settings) -> str:
    base = settings.public_base_url or f"http://{settings.host}:{settings.port}"
    return f"{base.rstrip('/')}/staff/handoffs"


def messages_for(reference: str, answers: dict, settings: Settings | None = None) -> list[Message]:
    """What to send for a new handoff. The parent is told by the way they chose (not for a phone call)."""
    settings = settings or get_settings()
    hub_name = recipient(answers["area"], answers["hub"]).name
    messages = []
    method = answers.get("contact_method")
    if method == "email" and answers.get("email") and settings.notify_template_parent_email:
        messages.append(Message("parent_email", "email", answers["email"], settings.notify_template_parent_email,
                                {"reference": reference, "hub": hub_name}, limited_per_recipient=True))
    elif method == "text" and answers.get("phone") and settings.notify_template_parent_sms:
        messages.append(Message("parent_sms", "sms", normalise_phone(answers["phone"]), settings.notify_template_parent_sms,
                                {"reference": reference, "hub": hub_name}, limited_per_recipient=True))
    if settings.notify_template_staff_alert:
        # Built from codes and config only: nothing the parent typed can reach a staff alert.
        alert = {"reference": reference, "hub": hub_label(answers["hub"]), "link": staff_queue_url(settings)}
        for address in staff_alert_addresses(answers["area"], answers["hub"], settings):
            messages.append(Message("staff_alert", "email", address, settings.notify_template_staff_alert, dict(alert)))
    return messages


def _send(client: NotificationsAPIClient, reference: str, message: Message) -> None:
    if message.channel == "email":
        client.send_email_notification(message.to, message.template_id, message.personalisation, reference=reference)
    else:
        client.send_sms_notification(message.to, message.template_id, message.personalisation, reference=reference)


def _record(reference: str, action: str, detail: str) -> None:
    try:
        with session_scope() as session:
            audit.record(session, "system", action, reference, detail)
    except Exception as exc:  # noqa: BLE001 - a lost audit row must not stop the other messages
        log.error("notification audit not recorded reference=%s error=%s", reference, type(exc).__name__)


def _within_recipient_limit(message: Message) -> bool:
    return not message.limited_per_recipient or recipient_limits.take_place(message.channel, message.to)


def send_all(reference: str, messages: list[Message], api_key: str, base_url: str) -> int:
    """Sends each message; returns how many failed. Failures are logged and audited by kind and error type only."""
    return sum(not _send_one(reference, message, api_key, base_url) for message in messages)


def _send_one(reference: str, message: Message, api_key: str, base_url: str) -> bool:
    """True when the message is done with (sent, or skipped for its recipient's daily limit)."""
    try:
        if not _within_recipient_limit(message):
            log.warning("notification skipped kind=%s reference=%s reason=recipient_limit", message.kind, reference)
            _record(reference, "notification_skipped", f"{message.kind}: recipient limit")
            return True
        _record(reference, "notification_sending", message.kind)
        # One client per message: the library's client is not thread-safe.
        _send(NotificationsAPIClient(api_key, base_url=base_url, timeout=TIMEOUT_SECONDS), reference, message)
    except Exception as exc:  # noqa: BLE001 - Notify being down or misconfigured must never reach the parent
        JOB_FAILURES.labels(job="notify_send").inc()
        status = exc.status_code if isinstance(exc, APIError) else "-"
        log.warning("notification failed kind=%s reference=%s error=%s status=%s",
                    message.kind, reference, type(exc).__name__, status)
        _record(reference, "notification_failed", f"{message.kind}: {type(exc).__name__} {status}")
        return False
    _record(reference, "notification_sent", message.kind)
    return True


class NotSentYet(RuntimeError):
    """Some messages failed; the durable job is tried again later (assistant.jobs, with back-off)."""


def _audited_by_kind(reference: str, actions: tuple[str, ...]) -> Counter[str]:
    """How many messages of each kind the audit trail records with these actions for this handoff."""
    with session_scope() as session:
        rows = session.execute(select(audit.AuditEvent.detail).where(
            audit.AuditEvent.reference == reference, audit.AuditEvent.action.in_(actions))).scalars().all()
    return Counter(detail.split(":", 1)[0] for detail in rows)


def accepted_by_notify(reference: str, settings: Settings) -> Counter[str]:
    """Template ids of the messages Notify already holds for this handoff (Notify's list, filtered by the
    reference we send with each message). Raises when Notify cannot be asked: the job then tries again later."""
    client = NotificationsAPIClient(settings.notify_api_key, base_url=settings.notify_base_url, timeout=TIMEOUT_SECONDS)
    listed = client.get_all_notifications(reference=reference).get("notifications") or []
    return Counter(item["template"]["id"] for item in listed if item.get("reference") == reference)


def deliver(reference: str) -> None:
    """The durable job's work: send what has not been sent yet for this handoff; raise if anything failed.

    Exactly once, even for a server killed mid-send: a message is done when the audit trail says sent or skipped;
    a message whose send was started ("notification_sending") but never recorded is checked against Notify's own
    list before it is sent again, because Notify may have accepted it just before the server died."""
    from assistant.handoffs.models import Handoff

    settings = get_settings()
    if not configured(settings):
        return
    with session_scope() as session:
        sealed = session.scalar(select(Handoff.personal_encrypted).where(Handoff.reference == reference))
    if sealed is None:
        return  # withdrawn (or deleted) before its messages went: nothing is sent
    done = _audited_by_kind(reference, ("notification_sent", "notification_skipped"))
    started = _audited_by_kind(reference, ("notification_sending",))
    seen, done_templates = Counter[str](), Counter[str]()
    pending: list[tuple[Message, bool]] = []  # each message still to do, and whether a send of it was started
    for message in messages_for(reference, decrypt_json(sealed), settings):
        seen[message.kind] += 1
        if seen[message.kind] <= done[message.kind]:
            done_templates[message.template_id] += 1
        else:
            pending.append((message, seen[message.kind] <= started[message.kind]))
    accepted = Counter[str]()
    if any(was_started for _message, was_started in pending):
        try:  # Notify's count per template, less the messages already recorded as sent
            accepted = accepted_by_notify(reference, settings) - done_templates
        except Exception as exc:  # noqa: BLE001 - not knowing means not sending yet: never a double message
            log.warning("notification check failed reference=%s error=%s", reference, type(exc).__name__)
            raise NotSentYet("Notify could not be asked what it holds") from exc
    failed = 0
    for message, was_started in pending:
        if was_started and accepted[message.template_id] > 0:
            accepted[message.template_id] -= 1  # Notify took it before the last try could record it
            _record(reference, "notification_sent", message.kind)
            continue
        failed += not _send_one(reference, message, settings.notify_api_key, settings.notify_base_url)
    if failed:
        raise NotSentYet(f"{failed} message(s) not sent")


def queue_in(session: Session, reference: str) -> bool:
    """With durable jobs (PostgreSQL), queue the handoff's messages in the transaction that creates it, so a
    server killed at any moment neither loses nor doubles them. False: send after the commit (handoff_created)."""
    from assistant import jobs

    if not configured() or not job_queue.durable():
        return False
    job_queue.defer_in(session, jobs.NOTIFY_TASK, queueing_lock=f"notify:{reference}", reference=reference)
    return True


def handoff_created(reference: str, answers: dict) -> None:
    """Queue the messages for a handoff that has just been committed. Never raises and never waits."""
    try:
        settings = get_settings()
        if not configured(settings):
            return
        messages = messages_for(reference, answers, settings)
        if not messages:
            return
        future = _executor.submit(send_all, reference, messages, settings.notify_api_key, settings.notify_base_url)
        with _pending_lock:
            _pending.add(future)
        future.add_done_callback(_forget)
    except Exception as exc:  # noqa: BLE001
        log.error("notifications not queued reference=%s error=%s", reference, type(exc).__name__)


def _forget(future: Future) -> None:
    with _pending_lock:
        _pending.discard(future)


def drain(timeout: float = 30) -> bool:
    """Wait for queued messages (tests, and a tidy shutdown). True when none are left."""
    with _pending_lock:
        pending = set(_pending)
    return not wait(pending, timeout=timeout).not_done
