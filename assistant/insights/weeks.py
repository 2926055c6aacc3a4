"""ISO weeks: the only time the survey keeps, and the unit every open figure is counted by."""

from __future__ import annotations

import datetime as dt
import re

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


class BadWeek(ValueError):
    """Not an ISO week like 2026-W05; the message says so in plain words."""


def iso_week(when: dt.date | dt.datetime) -> str:
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def current_week() -> str:
    return iso_week(dt.datetime.now(dt.timezone.utc))


def week_start(week: str) -> dt.datetime:
    """Monday 00:00 UTC of an ISO week; raises BadWeek."""
    match = WEEK_PATTERN.match(week or "")
    if not match:
        raise BadWeek(f"{week!r} is not a week like 2026-W05")
    try:
        day = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise BadWeek(f"{week} is not a week that exists") from None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)


def week_from_date(text: str) -> str:
    """The ISO week holding a date typed as YYYY-MM-DD (the insights filter); raises BadWeek."""
    try:
        return iso_week(dt.date.fromisoformat(text))
    except ValueError:
        raise BadWeek(f"{text!r} is not a date like 2026-01-31") from None
