"""Next occurrences with a frozen clock: weekly, fortnightly, monthly, ended, closures, GMT and BST."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import time_machine

from knowledge_base.directory.models import DirectorySchedule
from knowledge_base.directory.schedules import LONDON, human_occurrence, next_occurrences

SAT_21_NOV_2026 = datetime(2026, 11, 21, 12, 0, tzinfo=LONDON)


def weekly(byday: str = "TU", **extra) -> DirectorySchedule:
    fields = {"id": "s1", "freq": "WEEKLY", "interval": 1, "byday": byday, "bymonthday": "",
              "opens_at": time(10, 0), "closes_at": time(11, 30), "closed": False, "location_id": None,
              "dtstart": None, "valid_from": date(2026, 9, 1), "valid_to": None, "description": ""}
    return DirectorySchedule(**{**fields, **extra})


def closure(start: date, end: date) -> DirectorySchedule:
    return DirectorySchedule(id="c1", closed=True, freq=None, interval=1, byday="", bymonthday="", valid_from=start,
                             valid_to=end, opens_at=None, closes_at=None, location_id=None, dtstart=None)


def starts(schedules, now=SAT_21_NOV_2026, count=3) -> list[datetime]:
    return [o.start for o in next_occurrences(schedules, now, count)]


def test_weekly_next_three_tuesdays_with_human_text():
    occurrences = next_occurrences([weekly()], SAT_21_NOV_2026, 3)
    assert [o.start.date() for o in occurrences] == [date(2026, 11, 24), date(2026, 12, 1), date(2026, 12, 8)]
    assert human_occurrence(occurrences[0]) == "Tuesday 24 November, 10am to 11:30am"


def test_fortnightly_follows_its_anchor_week():
    on_weeks = weekly("WE", interval=2, dtstart=date(2026, 9, 2))
    off_weeks = weekly("WE", interval=2, dtstart=date(2026, 9, 9))
    # 2 Sep + 6 fortnights = 25 Nov; a schedule anchored a week later skips 25 Nov.
    assert [d.date() for d in starts([on_weeks])] == [date(2026, 11, 25), date(2026, 12, 9), date(2026, 12, 23)]
    assert [d.date() for d in starts([off_weeks])] == [date(2026, 12, 2), date(2026, 12, 16), date(2026, 12, 30)]


def test_ended_schedule_has_no_occurrences():
    assert starts([weekly(valid_to=date(2026, 8, 26))]) == []


def test_schedule_not_yet_started_begins_at_valid_from():
    assert starts([weekly(valid_from=date(2027, 1, 5))], count=1)[0].date() == date(2027, 1, 5)


def test_holiday_closure_is_skipped():
    now = datetime(2026, 12, 20, 9, 0, tzinfo=LONDON)
    found = starts([weekly(), closure(date(2026, 12, 24), date(2027, 1, 1))], now, count=2)
    assert [d.date() for d in found] == [date(2026, 12, 22), date(2027, 1, 5)]  # 29 Dec is closed


def test_monthly_second_tuesday_and_last_friday():
    assert starts([weekly("2TU", freq="MONTHLY")], count=2)[0].date() == date(2026, 12, 8)
    assert starts([weekly("-1FR", freq="MONTHLY")], count=1)[0].date() == date(2026, 11, 27)


def test_local_wall_clock_time_in_gmt_and_bst():
    winter = starts([weekly()], count=1)[0]
    summer = starts([weekly()], datetime(2027, 7, 1, 9, 0, tzinfo=LONDON), count=1)[0]
    assert (winter.hour, winter.utcoffset()) == (10, timedelta(0))
    assert (summer.hour, summer.utcoffset()) == (10, timedelta(hours=1))


def test_clocks_changing_weekend():
    # Clocks go back on Sunday 25 October 2026: a Sunday 10am session is still at 10am local time.
    found = starts([weekly("SU")], datetime(2026, 10, 17, 12, 0, tzinfo=LONDON), count=2)
    assert [(d.hour, d.utcoffset()) for d in found] == [(10, timedelta(hours=1)), (10, timedelta(0))]


def test_session_running_now_still_counts_but_a_finished_one_does_not():
    during = datetime(2026, 11, 24, 11, 0, tzinfo=LONDON)
    after = datetime(2026, 11, 24, 11, 45, tzinfo=LONDON)
    assert starts([weekly()], during, 1)[0].date() == date(2026, 11, 24)
    assert starts([weekly()], after, 1)[0].date() == date(2026, 12, 1)


def test_utc_now_is_converted_to_london_time():
    # 10:45 UTC on Tuesday 25 Aug 2026 is 11:45 in London (BST): the 10am to 11:30am session is over.
    utc_now = datetime(2026, 8, 25, 10, 45, tzinfo=timezone.utc)
    assert starts([weekly(valid_from=date(2026, 1, 1))], utc_now, 1)[0].date() == date(2026, 9, 1)


@time_machine.travel(datetime(2026, 11, 21, 12, 0, tzinfo=LONDON), tick=False)
def test_default_now_is_the_real_clock():
    assert starts([weekly()], now=None, count=1)[0].date() == date(2026, 11, 24)


def test_no_closing_time_means_no_end():
    occurrence = next_occurrences([weekly(closes_at=None)], SAT_21_NOV_2026, 1)[0]
    assert occurrence.end is None and human_occurrence(occurrence) == "Tuesday 24 November, 10am"
