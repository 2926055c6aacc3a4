"""Putting a durable job in the queue from any layer, inside the caller's own transaction.

Why in core: the job runner (procrastinate, in assistant.jobs) sits above the knowledge base, yet a guidance
publish must queue its index update in the same transaction that publishes, so neither can happen without the
other. Queueing needs only procrastinate's SQL function, not the runner, so lower layers can do it here and the
runner, which knows every task, does the work."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.settings import get_settings

QUEUE = "default"


def durable() -> bool:
    """Jobs go through procrastinate when the database is PostgreSQL (a fleet); in the process otherwise."""
    return make_url(get_settings().sqlalchemy_url).get_backend_name() == "postgresql"


def defer_in(session: Session, task: str, queueing_lock: str | None = None, lock: str | None = None,
             **args: object) -> None:
    """Queue a job in the caller's transaction (procrastinate's own defer function, called from SQL): the job
    exists exactly when the caller's rows are committed. `lock`: jobs sharing it run one after another, on any
    server; `queueing_lock`: at most one such job waits in the queue at a time."""
    session.execute(
        text("SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, :lock, :queueing_lock, "
             "CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1])"),
        {"queue": QUEUE, "task": task, "lock": lock, "queueing_lock": queueing_lock, "args": json.dumps(args)},
    )
