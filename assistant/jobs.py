"""Durable background jobs with procrastinate on PostgreSQL: retention purges (periodic), Notify sends (with
retries and back-off) and search index updates after a publish (knowledge_base.editorial.indexing). Jobs are rows in the database, so they survive a restart; a worker takes each with
SELECT ... FOR UPDATE SKIP LOCKED, so it runs once across servers; and a periodic job is deferred once per tick
for the whole fleet (procrastinate's periodic_defers table has a unique key per task and tick).

Why procrastinate: it needs nothing but the PostgreSQL a fleet already has (no broker to run), and it does
periodic de-duplication, retries and locks in SQL. A job can be queued inside the same transaction that creates
the handoff (defer_in), so a server killed at any moment neither loses nor doubles a message.

The embedded default (SQLite, one server) keeps its jobs in the process as before: a purge thread
(retention.PurgeSchedule) and a Notify thread pool (handoffs.notify), with no extra service."""

from __future__ import annotations

import asyncio
import logging
import threading
from functools import lru_cache

import procrastinate
from sqlalchemy.engine import make_url

from core.metrics import JOB_FAILURES
from core.settings import get_settings
from knowledge_base.editorial import indexing

log = logging.getLogger("assistant.jobs")
PURGE_TASK = "retention_purge"
NOTIFY_TASK = "notify_handoff"
STALLED_TASK = "retry_stalled_jobs"
# A worker beats every 5 s; one silent for 20 s is taken as dead (killed, or its machine gone) and its running
# jobs are queued again by the next stalled-jobs check (every 15 s), so a dead server delays a message < 40 s.
HEARTBEAT_SECONDS = 5
STALLED_AFTER_SECONDS = 20
# procrastinate waits exponential_wait ** (attempts + 1) seconds before each retry.
# Notify: retried after 3 s, 9 s, 27 s, ... 729 s (about 18 minutes in all): Notify down for a while loses nothing.
NOTIFY_RETRY = procrastinate.RetryStrategy(max_attempts=6, exponential_wait=3)
# Index update: 2 s, 4 s, ... 128 s (about 4 minutes) rides out a Chroma restart; if it still fails, the next
# start-up build (only changed chunks) catches up.
INDEX_RETRY = procrastinate.RetryStrategy(max_attempts=7, exponential_wait=2)


def purge_cron(minutes: int) -> str:
    """PURGE_INTERVAL_MINUTES as cron: every N minutes below an hour, else every N // 60 hours."""
    if minutes < 60:
        return f"*/{minutes} * * * *"
    return f"0 */{min(24, minutes // 60)} * * *"


@lru_cache(maxsize=2)
def _app_for(database_url: str, purge_cron_expression: str) -> procrastinate.App:
    conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo))

    @app.periodic(cron=purge_cron_expression, periodic_id="every-server")
    @app.task(name=PURGE_TASK, queueing_lock=PURGE_TASK, pass_context=False)
    def retention_purge(timestamp: int) -> None:
        from assistant import retention

        try:
            retention.purge_all()
        except Exception:
            JOB_FAILURES.labels(job="retention_purge").inc()
            raise

    @app.task(name=NOTIFY_TASK, retry=NOTIFY_RETRY, pass_context=False)
    def notify_handoff(reference: str) -> None:
        from assistant.handoffs import notify

        notify.deliver(reference)  # raises while a message still fails, so procrastinate tries again later

    @app.task(name=indexing.SYNC_TASK, retry=INDEX_RETRY, pass_context=False)
    def sync_guidance_index(doc_id: str) -> None:
        try:
            indexing.sync_published(doc_id)
        except Exception:
            JOB_FAILURES.labels(job="sync_guidance_index").inc()
            raise

    @app.periodic(cron="* * * * * */15", periodic_id="every-server")  # croniter: seconds are the sixth field
    @app.task(name=STALLED_TASK, queueing_lock=STALLED_TASK, pass_context=True)
    async def retry_stalled_jobs(context: procrastinate.JobContext, timestamp: int) -> None:
        # A server killed mid-job stops sending heartbeats; its jobs go back to the queue for another server.
        manager = context.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS):
            log.warning("retrying stalled job task=%s", job.task_name)
            await manager.retry_job(job)

    return app


def job_app() -> procrastinate.App:
    settings = get_settings()
    return _app_for(settings.sqlalchemy_url, purge_cron(settings.purge_interval_minutes))


class Worker:
    """Runs procrastinate's worker (and its periodic deferrer) in a thread of the app server."""

    def __init__(self, concurrency: int = 2, app: procrastinate.App | None = None) -> None:
        self._concurrency, self._app = concurrency, app
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jobs-worker", daemon=True)

    def start(self) -> Worker:
        self._thread.start()
        self._ready.wait(timeout=30)
        return self

    def stop(self, timeout: float = 30) -> None:
        """Graceful: jobs running now finish (up to timeout), nothing new is taken."""
        if self._task is not None and self._thread.is_alive():
            try:
                self._loop.call_soon_threadsafe(self._task.cancel)
            except RuntimeError:  # the worker ended on its own (logged) and closed its loop meanwhile
                pass
        self._thread.join(timeout=timeout)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._work())
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # noqa: BLE001 - logged by type; the server keeps answering parents
            log.error("jobs worker stopped type=%s", type(exc).__name__)
        finally:
            self._ready.set()
            self._loop.close()

    async def _work(self) -> None:
        app = self._app or job_app()
        async with app.open_async():
            self._task = asyncio.current_task()
            self._ready.set()
            await app.run_worker_async(concurrency=self._concurrency, install_signal_handlers=False,
                                       shutdown_graceful_timeout=get_settings().shutdown_grace_seconds,
                                       update_heartbeat_interval=HEARTBEAT_SECONDS,
                                       stalled_worker_timeout=STALLED_AFTER_SECONDS)
