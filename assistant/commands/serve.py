"""`serve`: run the web app with uvicorn (no install step)."""

from __future__ import annotations

import argparse
from typing import Any

from core.logging_setup import logging_config
from core.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="serve the parent chat and staff pages")
    parser.add_argument("--host", default=None, help="default: $HOST or 127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    parser.add_argument("--workers", type=int, default=None, help="worker processes; default: $WORKERS or 1")
    parser.set_defaults(func=run)


def uvicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    settings = get_settings()
    return {
        "factory": True,
        "host": args.host or settings.host,
        "port": args.port or settings.port,
        "workers": max(1, args.workers or settings.workers),
        # SIGTERM: stop accepting, let turns in flight finish (bounded), then run the app's shutdown.
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
        # With --workers, uvicorn restarts a worker that does not answer its health ping in time; loading the
        # models at start (and a long turn) holds the GIL for seconds on a busy 2-core machine.
        "timeout_worker_healthcheck": settings.worker_healthcheck_seconds,
        "access_log": False,  # access logs carry query strings; our own logs never hold message text
        "proxy_headers": False,  # the app trusts forwarded headers only from TRUSTED_PROXIES (web/app.py)
        "log_config": logging_config(),  # JSON lines, applied again in every worker process
    }


def use_shared_metrics_directory() -> None:
    """Workers each count in their own files in one directory, which every scrape adds up. Set before the
    workers start (they inherit it); emptied so counts from an earlier run are not added again."""
    import os
    import shutil

    directory = get_settings().var_dir / "prometheus"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from core.logging_setup import configure_logging
    from core.keys import missing_production_keys

    configure_logging()
    if missing := missing_production_keys():
        # Refuse before anything starts: a production server must never make its own keys.
        print(f"Not starting: ENVIRONMENT=production needs {' and '.join(missing)} set. No key file was written.")
        return 2
    options = uvicorn_options(args)
    if options["workers"] > 1:
        from assistant import schema

        use_shared_metrics_directory()

        # Once, before the workers start, so they do not all migrate a fresh database at the same moment.
        schema.upgrade()
    uvicorn.run("web.app:create_app", **options)
    return 0
