"""Every retention rule in one purge, run at start-up and then on a schedule inside the server.

Handoffs (closed, withdrawn, and never closed), staff sessions, redacted chat turns and audit events each have
their own period (settings, documented in the README and on the privacy page). On PostgreSQL the schedule is a
durable job that runs once across servers (assistant.jobs); on SQLite (one server) PurgeSchedule runs it on a
timer in the process."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from assistant import conversations
from assistant.handoffs import retention as handoff_retention
from assistant.insights import survey
from core import audit
from core.metrics import JOB_FAILURES
from core.settings import get_settings

log = logging.getLogger("assistant.retention")


@dataclass
class RetentionReport:
    handoffs: handoff_retention.PurgeReport
    conversations_deleted: int
    audit_deleted: int
    survey_comments_deleted: int = 0


def purge_all(now: dt.datetime | None = None) -> RetentionReport:
    now, settings = now or dt.datetime.now(dt.timezone.utc), get_settings()
    handoffs = handoff_retention.purge(now)
    chats = conversations.purge_older_than(now - dt.timedelta(days=settings.chat_retention_days))
    events = audit.purge_older_than(now - dt.timedelta(days=settings.audit_retention_days))
    comments = survey.purge_comments(now)  # SURVEY_COMMENT_RETENTION_DAYS (90)
    log.info("retention purge conversations=%d audit=%d survey_comments=%d", chats, events, comments)
    return RetentionReport(handoffs, chats, events, comments)


class PurgeSchedule:
    """A daemon thread that runs purge_all every PURGE_INTERVAL_MINUTES until stopped."""

    def __init__(self, interval_seconds: float | None = None) -> None:
        self.interval = interval_seconds or get_settings().purge_interval_minutes * 60
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention-purge", daemon=True)
        self.runs = 0

    def start(self) -> PurgeSchedule:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                purge_all()
                self.runs += 1
            except Exception as exc:  # a failed purge is retried next time; it must not kill the thread
                JOB_FAILURES.labels(job="retention_purge").inc()
                log.error("retention purge failed type=%s", type(exc).__name__)
