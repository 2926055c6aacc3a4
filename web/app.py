"""FastAPI application factory: wires routers, templates, static files and error pages."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from fastapi.staticfiles import StaticFiles

from assistant import jobs, startup
from assistant.handoffs import notify
from assistant.retention import PurgeSchedule
from core import job_queue
from core.settings import get_settings
from slowapi.errors import RateLimitExceeded

from web import deps, errors
from web.rate_limit import limiter, too_many_requests
from web.security import SecurityMiddleware

STATIC_DIR = Path(__file__).parent / "static"

# Each module exposes `router`; order decides precedence of overlapping paths.
ROUTER_MODULES: list[str] = [
    "web.routers.health",
    "web.routers.metrics",
    "web.routers.chat_api",
    "web.routers.chat_page",
    "web.routers.share",
    "web.routers.staff",
    "web.routers.editor",
    "web.routers.oruk",
    "web.routers.survey",
    "web.routers.insights",
    "web.routers.info_pages",  # last: its /{slug} path must not shadow the others
]


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    startup.prepare()
    # Retention holds while the server runs, not only at start-up: durable jobs on PostgreSQL (each purge runs
    # once across the fleet, Notify sends are retried), else a thread in this process.
    background = jobs.Worker().start() if job_queue.durable() else PurgeSchedule().start()
    try:
        yield
    finally:
        background.stop()
        notify.drain(timeout=get_settings().shutdown_grace_seconds)  # queued Notify messages go before exit


def create_app() -> FastAPI:
    app = FastAPI(
        title="Family Hub Assistant",
        version="0.1.0",
        description="Answers parents' questions about speech and language, toilet training and family hub "
        "services from curated local guidance and the council's service directory.",
        lifespan=lifespan,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module_name in ROUTER_MODULES:
        app.include_router(importlib.import_module(module_name).router)
    errors.install(app)
    deps.install(app)
    app.state.limiter = limiter
    app.add_exception_handler(RateLimitExceeded, too_many_requests)
    settings = get_settings()
    app.add_middleware(
        SecurityMiddleware, max_body_bytes=settings.max_request_bytes, frame_ancestors=settings.frame_ancestors
    )
    if proxies := [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]:
        # Outermost: the client address and scheme are corrected before rate limits and cookies read them.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    return app
