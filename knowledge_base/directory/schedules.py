"""Next occurrences of a service from its RRULE parts, in Europe/London time, skipping closures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule

from knowledge_base.directory.models import DirectorySchedule

LONDON = ZoneInfo("Europe/London")
FREQS = {"DAILY": rrule.DAILY, "WEEKLY": rrule.WEEKLY, "MONTHLY": rrule.MONTHLY, "YEARLY": rrule.YEARLY}
WEEKDAYS = {"MO": rrule.MO, "TU": rrule.TU, "WE": rrule.WE, "TH": rrule.TH, "FR": rrule.FR, "SA": rrule.SA, "SU": rrule.SU}
BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # aware, Europe/London
    end: datetime | None  # None when the feed gives no closing time
    schedule_id: str
    location_id: str | None


def london_now(now: datetime | None = None) -> datetime:
    now = now or datetime.now(tz=LONDON)
    return now.astimezone(LONDON) if now.tzinfo else now.replace(tzinfo=LONDON)


def parse_byday(byday: str) -> list[rrule.weekday]:
    days = []
    for part in filter(None, byday.split(",")):
        match = BYDAY.match(part)
        if match:  # "TU" every Tuesday; "2TU" second Tuesday; "-1FR" last Friday
            day = WEEKDAYS[match.group(2)]
            days.append(day(int(match.group(1))) if match.group(1) else day)
    return days


def rule_for(schedule: DirectorySchedule, anchor: date) -> rrule.rrule | None:
    freq = FREQS.get(schedule.freq or "")
    if freq is None or schedule.opens_at is None:
        return None
    # dtstart anchors "every other week"; without one, valid_from is the best anchor we have.
    first = schedule.dtstart or schedule.valid_from or anchor
    if schedule.valid_from and schedule.valid_from > first:
        first = schedule.valid_from
    monthdays = tuple(int(d) for d in schedule.bymonthday.split(",") if d.lstrip("-").isdigit())
    until = datetime.combine(schedule.valid_to, time(23, 59)) if schedule.valid_to else None
    return _rule(freq, max(schedule.interval or 1, 1), datetime.combine(first, schedule.opens_at),
                 tuple(parse_byday(schedule.byday)), monthdays, until)


@lru_cache(maxsize=4096)
def _rule(freq: int, interval: int, dtstart: datetime, byweekday: tuple[rrule.weekday, ...],
          bymonthday: tuple[int, ...], until: datetime | None) -> rrule.rrule:
    # A rule walks from its dtstart (often years back) to today on every question; one rule per distinct set of
    # parts, with dateutil's own (locked) cache of the dates it has walked, makes later questions cheap.
    return rrule.rrule(freq, interval=interval, dtstart=dtstart, byweekday=byweekday or None,
                       bymonthday=bymonthday or None, until=until, cache=True)


def closed_on(day: date, closures: list[DirectorySchedule], location_id: str | None) -> bool:
    return any((c.valid_from or c.valid_to) and (c.valid_from or c.valid_to) <= day <= (c.valid_to or c.valid_from)
               and (c.location_id is None or location_id is None or c.location_id == location_id) for c in closures)


def next_occurrences(schedules: list[DirectorySchedule], now: datetime | None = None, count: int = 3,
                     horizon_days: int = 120) -> list[Occurrence]:
    """The next `count` sessions that have not yet finished, soonest first."""
    now = london_now(now)
    closures = [s for s in schedules if s.closed]
    limit = now.replace(tzinfo=None) + timedelta(days=horizon_days)
    found: list[Occurrence] = []
    for schedule in schedules:
        rule = rule_for(schedule, now.date())
        if rule is None:
            continue
        has_end = bool(schedule.closes_at and schedule.closes_at > schedule.opens_at)
        length = (datetime.combine(date.min, schedule.closes_at) - datetime.combine(date.min, schedule.opens_at)
                  if has_end else timedelta(hours=1))
        # Start the search one session-length back so a session running now still counts.
        for start in rule.xafter(now.replace(tzinfo=None) - length, count=count * 10, inc=True):
            if start > limit or len([o for o in found if o.schedule_id == schedule.id]) >= count:
                break
            if closed_on(start.date(), closures, schedule.location_id):
                continue
            # Wall-clock times are local: attaching the zone keeps 10am as 10am in both GMT and BST.
            found.append(Occurrence(start.replace(tzinfo=LONDON), (start + length).replace(tzinfo=LONDON) if has_end else None,
                                    schedule.id, schedule.location_id))
    return sorted(found, key=lambda o: o.start)[:count]


def human_time(moment: datetime) -> str:
    hour = moment.strftime("%I").lstrip("0")
    return f"{hour}{moment.strftime(':%M') if moment.minute else ''}{moment.strftime('%p').lower()}"


def human_occurrence(occurrence: Occurrence) -> str:
    """"Tuesday 24 November, 10am to 11:30am"."""
    day = f"{occurrence.start.strftime('%A')} {occurrence.start.day} {occurrence.start.strftime('%B')}"
    end = f" to {human_time(occurrence.end)}" if occurrence.end else ""
    return f"{day}, {human_time(occurrence.start)}{end}"
