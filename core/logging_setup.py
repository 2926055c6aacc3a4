"""Logging that never holds message text: only events, routes, statuses and timings."""

from __future__ import annotations

import logging

from core.settings import get_settings


def configure_logging() -> None:
    logging.basicConfig(
        level=get_settings().log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
