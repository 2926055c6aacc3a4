"""Delete handoffs whose retention has ended: counted from closing, or from withdrawal for the stub."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import or_, select

from core.settings import get_settings
from core.database import session_scope
from core import audit
from assistant.handoffs.models import Handoff, utcnow
from assistant.handoffs.staff import sessions

log = logging.getLogger("assistant.handoffs.retention")


@dataclass
class PurgeReport:
    closed_deleted: int = 0
    withdrawn_deleted: int = 0
    sessions_deleted: int = 0


def purge(now: dt.datetime | None = None) -> PurgeReport:
    cutoff = (now or utcnow()) - dt.timedelta(days=get_settings().retention_days)
    report = PurgeReport()
    with session_scope() as session:
        expired = list(session.scalars(select(Handoff).where(or_(Handoff.closed_at < cutoff, Handoff.withdrawn_at < cutoff))))
        for handoff in expired:
            if handoff.withdrawn_at is not None:
                report.withdrawn_deleted += 1
            else:
                report.closed_deleted += 1
            audit.record(session, "system", "retention_deleted", handoff.reference)
            session.delete(handoff)  # its notes go too (ON DELETE CASCADE)
    report.sessions_deleted = sessions.purge_expired()
    log.info("retention purge closed=%d withdrawn=%d sessions=%d",
             report.closed_deleted, report.withdrawn_deleted, report.sessions_deleted)
    return report
