"""Delete handoffs whose retention has ended: counted from closing, or from withdrawal for the stub, and for a
story never closed (new, opened, accepted, declined) from its last change. Also the day-old counts of parent
confirmations per recipient."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from core.settings import get_settings
from core.database import session_scope
from core import audit
from assistant.handoffs import recipient_limits
from assistant.handoffs.models import Handoff, utcnow
from assistant.handoffs.staff import resets, sessions

log = logging.getLogger("assistant.handoffs.retention")


@dataclass
class PurgeReport:
    closed_deleted: int = 0
    withdrawn_deleted: int = 0
    open_deleted: int = 0
    sessions_deleted: int = 0
    notification_counts_deleted: int = 0


def purge(now: dt.datetime | None = None) -> PurgeReport:
    now, settings = now or utcnow(), get_settings()
    cutoff = now - dt.timedelta(days=settings.retention_days)
    open_cutoff = now - dt.timedelta(days=settings.open_handoff_retention_days)
    last_change = func.coalesce(Handoff.decided_at, Handoff.opened_at, Handoff.created_at)
    never_closed = and_(Handoff.closed_at.is_(None), Handoff.withdrawn_at.is_(None), last_change < open_cutoff)
    report = PurgeReport()
    with session_scope() as session:
        expired = list(session.scalars(select(Handoff).where(
            or_(Handoff.closed_at < cutoff, Handoff.withdrawn_at < cutoff, never_closed))))
        for handoff in expired:
            if handoff.withdrawn_at is not None:
                report.withdrawn_deleted += 1
            elif handoff.closed_at is not None:
                report.closed_deleted += 1
            else:
                report.open_deleted += 1
            audit.record(session, "system", "retention_deleted", handoff.reference)
            session.delete(handoff)  # its notes go too (ON DELETE CASCADE)
    # Spent or expired password reset links go with the sessions they could have started.
    report.sessions_deleted = sessions.purge_expired() + resets.purge_expired()
    report.notification_counts_deleted = recipient_limits.purge_expired(now)
    log.info("retention purge closed=%d withdrawn=%d open=%d sessions=%d notification_counts=%d",
             report.closed_deleted, report.withdrawn_deleted, report.open_deleted, report.sessions_deleted,
             report.notification_counts_deleted)
    return report
