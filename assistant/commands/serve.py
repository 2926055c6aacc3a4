"""`serve`: run the web app with uvicorn (no install step)."""

from __future__ import annotations

import argparse

from core.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="serve the parent chat and staff pages")
    parser.add_argument("--host", default=None, help="default: $HOST or 127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from core.logging_setup import configure_logging

    from core.keys import missing_production_keys

    settings = get_settings()
    configure_logging()
    if missing := missing_production_keys():
        # Refuse before anything starts: a production server must never make its own keys.
        print(f"Not starting: ENVIRONMENT=production needs {' and '.join(missing)} set. No key file was written.")
        return 2
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        access_log=False,  # access logs carry query strings; our own logs never hold message text
        proxy_headers=False,  # the app trusts forwarded headers only from TRUSTED_PROXIES (web/app.py)
        log_config=None,
    )
    return 0
