"""Logging that never holds message text: only events, routes, statuses and timings."""

from __future__ import annotations

import logging

from core.settings import get_settings


class TypeOnlyTracebacks(logging.Filter):
    """A server error logged with its traceback (uvicorn and Starlette re-raise them) keeps only the exception's
    type: its text and the frames' source can quote a parent's message or a submitted value."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage()} type={record.exc_info[0].__name__}"
            record.args, record.exc_info, record.exc_text, record.stack_info = None, None, None, None
        return True


def configure_logging() -> None:
    logging.basicConfig(
        level=get_settings().log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    quiet = TypeOnlyTracebacks()
    for handler in logging.getLogger().handlers:
        handler.addFilter(quiet)
    for name in ("uvicorn.error", "uvicorn.access", "uvicorn", "fastapi", "starlette"):
        logging.getLogger(name).addFilter(quiet)
