"""The aggregate figures, per ISO week and area, with small counts suppressed.

Each week is its own table (weeks are never added together, so no difference between date ranges can
reveal a week). Suppression runs on the whole week across every area; filtering by area happens afterwards,
so the insights page, its download and the export always show the same values."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from assistant.handoffs.models import Handoff
from assistant.insights import config
from assistant.insights.counting import NOT_GIVEN
from assistant.insights.models import SurveyResponse, TurnCount
from assistant.insights.suppression import Equation, suppress
from assistant.insights.weeks import iso_week
from core.areas import AREAS
from core.database import session_scope
from core.types import SIGNPOSTED_ROUTES

ALL = "all"
HANDOFF_MEASURES = ("accepted", "declined", "not_yet_decided")
UNANSWERED = "unanswerable"


@dataclass
class Figures:
    turns: list[dict[str, Any]] = field(default_factory=list)
    signposting: list[dict[str, Any]] = field(default_factory=list)
    unanswered: list[dict[str, Any]] = field(default_factory=list)
    handoffs: list[dict[str, Any]] = field(default_factory=list)
    survey: list[dict[str, Any]] = field(default_factory=list)

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"turns": self.turns, "signposting": self.signposting, "unanswered": self.unanswered,
                "handoffs": self.handoffs, "survey": self.survey}

    @property
    def weeks(self) -> list[str]:
        return sorted({row["iso_week"] for rows in self.resources().values() for row in rows})


def _published(values: dict, equations: list[Equation]) -> dict:
    """key -> the count to publish, or None where it is suppressed."""
    hidden = suppress(values, equations, config.smallest_shown())
    return {key: (None if key in hidden else value) for key, value in values.items()}


def _marker(value: int | None) -> str:
    return config.marker() if value is None else ""


def _grid(cells: Counter, rows: list[str], columns: list[Any], column_totals: dict[Any, list[Any]]) -> tuple[dict, list[Equation]]:
    """Cells rows x columns plus an ALL row; `column_totals` maps a total column to its part columns."""
    values = {(r, c): cells.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        for total, parts in column_totals.items():
            values[(r, total)] = sum(values[(r, p)] for p in parts)
    every_column = list(columns) + list(column_totals)
    for c in every_column:
        values[(ALL, c)] = sum(values[(r, c)] for r in rows)
    equations: list[Equation] = [((ALL, c), [(r, c) for r in rows]) for c in every_column]
    equations += [((r, total), [(r, p) for p in parts]) for r in [*rows, ALL] for total, parts in column_totals.items()]
    return values, equations


def _chat_areas() -> list[str]:
    return [*AREAS, NOT_GIVEN]


def _turn_rows(week: str, counts: list[tuple[str, str, str, str, int]]) -> list[dict[str, Any]]:
    """Turns by topic and route, and by outcome, per area; both add up to the same area total."""
    areas = _chat_areas()
    by_kind: Counter = Counter()
    by_status: Counter = Counter()
    for area, topic, route, status, turns in counts:
        by_kind[(area, (topic, route, ALL))] += turns
        by_status[(area, (ALL, ALL, status))] += turns
    kinds = sorted({kind for _area, kind in by_kind})
    statuses = sorted({status for _area, status in by_status})
    grand = (ALL, ALL, ALL)
    values = {(a, c): (by_kind if c in kinds else by_status).get((a, c), 0) for a in areas for c in [*kinds, *statuses]}
    for a in areas:
        values[(a, grand)] = sum(values[(a, k)] for k in kinds)
    for c in [*kinds, *statuses, grand]:
        values[(ALL, c)] = sum(values[(a, c)] for a in areas)
    equations: list[Equation] = [((ALL, c), [(a, c) for a in areas]) for c in [*kinds, *statuses, grand]]
    for a in [*areas, ALL]:
        equations.append(((a, grand), [(a, k) for k in kinds]))
        equations.append(((a, grand), [(a, s) for s in statuses]))
    published = _published(values, equations)
    return [{"iso_week": week, "area": area, "topic": kind[0], "route": kind[1], "status": kind[2],
             "turns": value, "turns_marker": _marker(value)}
            for (area, kind), value in sorted(published.items(), key=lambda item: (_area_order(item[0][0]), item[0][1]))]


def _area_order(area: str) -> tuple[int, str]:
    return (0 if area == ALL else 2 if area == NOT_GIVEN else 1, area)


def _unanswered_rows(turn_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """From the published turn totals only: a rate never uses a suppressed count."""
    totals = {(r["iso_week"], r["area"], r["status"]): r["turns"] for r in turn_rows if r["topic"] == ALL}
    rows = []
    for (week, area, status), turns in totals.items():
        if status != ALL:
            continue
        unanswered = totals.get((week, area, UNANSWERED), 0)
        rate = round(unanswered / turns, 3) if turns and unanswered is not None else None
        rows.append({"iso_week": week, "area": area, "turns": turns, "turns_marker": _marker(turns),
                     "unanswered": unanswered, "unanswered_marker": _marker(unanswered), "unanswered_rate": rate})
    return rows


def _handoff_rows(week: str, handoffs: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    cells: Counter = Counter()
    days: dict[str, list[float]] = defaultdict(list)
    for area, _status, decline_reason, created_at, opened_at, decided_at in handoffs:
        measure = "declined" if decline_reason else "accepted" if decided_at is not None else "not_yet_decided"
        cells[(area, measure)] += 1
        if opened_at is not None:
            waited = (opened_at - created_at).total_seconds() / 86400
            days[area].append(waited)
            days[ALL].append(waited)
    published = _published(*_grid(cells, list(AREAS), list(HANDOFF_MEASURES), {"created": list(HANDOFF_MEASURES)}))
    smallest_group = int(config.open_data()["suppression"]["smallest_group_for_median"])
    rows = []
    for area in [ALL, *AREAS]:
        row: dict[str, Any] = {"iso_week": week, "area": area}
        for measure in ("created", *HANDOFF_MEASURES):
            row[measure], row[f"{measure}_marker"] = published[(area, measure)], _marker(published[(area, measure)])
        waits = days.get(area, [])
        shown = row["created"] is not None and len(waits) >= smallest_group
        row["median_days_to_first_contact"] = round(statistics.median(waits), 1) if shown else None
        rows.append(row)
    return rows


def _survey_rows(week: str, responses: list[tuple[str | None, str | None, int | None, list[str]]]) -> list[dict[str, Any]]:
    questions = config.survey()["questions"]
    cells: Counter = Counter()
    for area, helped, ease, sharing in responses:
        area = area or NOT_GIVEN
        if helped:
            cells[(area, ("helped", helped))] += 1
        if ease:
            cells[(area, ("ease", str(ease)))] += 1
        for place in sharing or []:
            cells[(area, ("sharing", place))] += 1
        if sharing:
            cells[(area, ("sharing", ALL))] += 1  # respondents; ticks do not add up to it
    single = [(q, o) for q in ("helped", "ease") for o in questions[q]["options"]]
    totals = {(q, ALL): [(q, o) for o in questions[q]["options"]] for q in ("helped", "ease")}
    sharing_columns = [("sharing", o) for o in questions["sharing"]["options"]] + [("sharing", ALL)]
    published = _published(*_grid(cells, _chat_areas(), single + sharing_columns, totals))
    return [{"iso_week": week, "area": area, "question": question, "answer": answer, "responses": value,
             "responses_marker": _marker(value)}
            for (area, (question, answer)), value in sorted(published.items(), key=lambda item: (_area_order(item[0][0]), item[0][1]))]


def _in_range(week: str, since: str | None, until: str | None) -> bool:
    return (since is None or week >= since) and (until is None or week <= until)


def build(since: str | None = None, until: str | None = None) -> Figures:
    """Every figure for the ISO weeks from `since` to `until` (inclusive; None: open-ended)."""
    with session_scope() as session:
        turn_counts = session.execute(select(TurnCount.iso_week, TurnCount.area, TurnCount.topic, TurnCount.route,
                                             TurnCount.status, TurnCount.turns)).all()
        handoffs = session.execute(select(Handoff.area, Handoff.status, Handoff.decline_reason, Handoff.created_at,
                                          Handoff.opened_at, Handoff.decided_at)).all()
        responses = session.execute(select(SurveyResponse.iso_week, SurveyResponse.area, SurveyResponse.helped,
                                           SurveyResponse.ease, SurveyResponse.sharing)).all()
    figures = Figures()
    by_week: dict[str, list] = defaultdict(list)
    for week, *rest in turn_counts:
        by_week[week].append(tuple(rest))
    for week in sorted(w for w in by_week if _in_range(w, since, until)):
        figures.turns += _turn_rows(week, by_week[week])
    figures.signposting = [dict(row) for row in figures.turns if row["route"] in SIGNPOSTED_ROUTES]
    figures.unanswered = _unanswered_rows(figures.turns)
    handoffs_by_week: dict[str, list] = defaultdict(list)
    for row in handoffs:
        handoffs_by_week[iso_week(row.created_at)].append(tuple(row))
    for week in sorted(w for w in handoffs_by_week if _in_range(w, since, until)):
        figures.handoffs += _handoff_rows(week, handoffs_by_week[week])
    survey_by_week: dict[str, list] = defaultdict(list)
    for week, *rest in responses:
        survey_by_week[week].append(tuple(rest))
    for week in sorted(w for w in survey_by_week if _in_range(w, since, until)):
        figures.survey += _survey_rows(week, survey_by_week[week])
    return figures


def for_areas(figures: Figures, areas: Iterable[str] | None) -> Figures:
    """Only the rows of these areas (None: every row, with the all-area totals)."""
    if areas is None:
        return figures
    keep = set(areas)
    return Figures(**{name: [row for row in rows if row["area"] in keep] for name, rows in figures.resources().items()})
