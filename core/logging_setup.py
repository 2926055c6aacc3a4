"""Logging that never holds message text: only events, routes, statuses and timings.

One JSON object a line on standard output (python-json-logger), so a council's log stack can read it:
{"time", "level", "logger", "message"}. The same configuration is given to uvicorn, which applies it in every
worker process."""

from __future__ import annotations

import logging
import logging.config
from typing import Any

from core.settings import get_settings


OWN_PACKAGES = ("core", "guardrails", "knowledge_base", "assistant", "web")


class TypeOnlyTracebacks(logging.Filter):
    """A server error logged with its traceback (uvicorn and Starlette re-raise them) keeps only the exception's
    type: its text and the frames' source can quote a parent's message or a submitted value."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage()} type={record.exc_info[0].__name__}"
            record.args, record.exc_info, record.exc_text, record.stack_info = None, None, None, None
        return True


def logging_config() -> dict[str, Any]:
    """A logging.config.dictConfig dictionary: every logger (ours, uvicorn's, libraries') through one handler."""
    level = get_settings().log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"type_only": {"()": TypeOnlyTracebacks}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        "handlers": {
            "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json",
                       "filters": ["type_only"]},
        },
        # LOG_LEVEL=DEBUG is for this project's own events (stage timings); libraries stay at INFO or above,
        # as their debug lines can quote the text they were given (Presidio logs words around a match).
        "root": {"level": max(logging.INFO, logging.getLevelName(level)), "handlers": ["stdout"]},
        # uvicorn's loggers pass their records up to the root handler instead of printing their own lines; the
        # filter sits on the loggers that log server errors too, for any handler a deployment adds to them.
        "loggers": {name: {"handlers": [], "propagate": True, "filters": ["type_only"]}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "fastapi", "starlette")}
        | {name: {"level": level} for name in OWN_PACKAGES}
        | {name: {"level": "WARNING"} for name in ("presidio-analyzer", "presidio-anonymizer")},
    }


def configure_logging() -> None:
    logging.config.dictConfig(logging_config())
    logging.captureWarnings(True)  # library warnings become JSON lines too
