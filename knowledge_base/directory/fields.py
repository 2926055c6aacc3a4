"""Lenient field readers shared by the v1 and v3 parsers; only ids are strict."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from dateutil import parser as date_parser


class RecordError(ValueError):
    """One feed record is unusable; the importer reports the reason and skips it."""


def require_id(record: Any, what: str) -> str:
    # Strict: without a stable id we cannot upsert, link or remove a record later.
    if not isinstance(record, dict):
        raise RecordError(f"{what} is not an object")
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise RecordError(f"{what} has no id")
    return str(value).strip()


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def number(value: Any) -> float | None:
    try:
        return None if value in (None, "") or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def as_date(value: Any) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date_parser.isoparse(value.strip()).date()
    except ValueError:
        return None


def as_datetime(value: Any) -> datetime | None:
    try:
        return date_parser.isoparse(value).replace(tzinfo=None) if isinstance(value, str) else None
    except ValueError:
        return None


def as_time(value: Any) -> time | None:
    # "10:00", "10:00:00", "10:00Z", "10:00+01:00": wall-clock time at the venue (UK feeds).
    if not value or not isinstance(value, str):
        return None
    clock = value.strip().upper().rstrip("Z").split("+")[0]
    if clock.count("-"):
        clock = clock.split("-")[0]
    try:
        return time.fromisoformat(clock)
    except ValueError:
        return None


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
