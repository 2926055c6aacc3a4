"""What the council's monitoring reads at /metrics: turn counts (recorded by the chat turn), stage timings
(the pipeline), job failures and import results (where they happen), and the hub queues read from the database
at scrape time, so every server reports the same queue."""

from __future__ import annotations

import datetime as dt

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from assistant.context import TurnContext
from assistant.handoffs.models import Handoff
from core import metrics
from core.database import session_scope
from core.types import PRIORITY, ROUTES, STATUSES

WAITING = ("new", "opened")  # stories waiting for a hub's decision


def turn_finished(ctx: TurnContext) -> None:
    route = ctx.route if ctx.route in ROUTES else "other"
    status = ctx.status if ctx.status in STATUSES else "other"
    metrics.TURNS.labels(route=route, status=status).inc()
    if status == "unanswerable":
        metrics.UNANSWERED.inc()
    for fired in {r for r in [ctx.route, *ctx.urgent_help] if r in PRIORITY}:
        metrics.SAFETY_ROUTES.labels(route=fired).inc()


class HandoffQueue(Collector):
    def collect(self):  # type: ignore[no-untyped-def]
        size = GaugeMetricFamily("fha_handoff_queue_size", "Stories waiting for a hub's decision, by status",
                                 labels=["status"])
        oldest = GaugeMetricFamily("fha_handoff_queue_oldest_age_seconds",
                                   "Age of the oldest story waiting for a hub's decision (0 when none)")
        with session_scope() as session:
            counts = dict(session.execute(select(Handoff.status, func.count()).where(Handoff.status.in_(WAITING))
                                          .group_by(Handoff.status)).all())
            first = session.scalar(select(func.min(Handoff.created_at)).where(Handoff.status.in_(WAITING)))
        for status in WAITING:
            size.add_metric([status], counts.get(status, 0))
        if first is not None and first.tzinfo is None:
            first = first.replace(tzinfo=dt.timezone.utc)  # SQLite hands back naive UTC
        age = (dt.datetime.now(dt.timezone.utc) - first).total_seconds() if first else 0.0
        oldest.add_metric([], max(0.0, age))
        yield size
        yield oldest


def metrics_page() -> tuple[bytes, str]:
    return metrics.exposition([HandoffQueue()])
