"""What the insights page shows a signed-in person: area managers their own area, admins every area; the
figures for a date range, already suppressed, as charts with tables and as a download."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.insights import charts, figures
from assistant.insights.counting import NOT_GIVEN
from assistant.insights.weeks import BadWeek, week_from_date
from core.areas import AREA_LABELS
from core.staff import StaffUser

ROLES = ("area_manager", "admin")


class NotAllowed(PermissionError):
    """The person may not see these figures; the message says why."""


class BadFilter(ValueError):
    def __init__(self, field_id: str, message: str) -> None:
        super().__init__(message)
        self.field_id, self.message = field_id, message


@dataclass(frozen=True)
class Filters:
    area: str  # an area id, or "all"
    date_from: str
    date_to: str
    since: str | None  # ISO weeks
    until: str | None


@dataclass
class InsightsView:
    filters: Filters
    area_options: list[tuple[str, str]]
    charts: list[charts.Chart]
    figures: figures.Figures


def may_see(user: StaffUser | None) -> bool:
    return bool(user and user.active and user.role in ROLES and (user.role == "admin" or user.area))


def area_options(user: StaffUser) -> list[tuple[str, str]]:
    if user.role == "admin":
        return [(figures.ALL, "All areas"), *AREA_LABELS.items(), (NOT_GIVEN, "Area not given")]
    return [(user.area, AREA_LABELS.get(user.area, user.area))] if user.area else []


def read_filters(user: StaffUser, area: str, date_from: str, date_to: str) -> Filters:
    """Raises NotAllowed for an area outside the person's scope, BadFilter for a date that cannot be read."""
    if not may_see(user):
        raise NotAllowed("Only area managers and administrators can see insights.")
    allowed = [value for value, _label in area_options(user)]
    area = area or allowed[0]
    if area not in allowed:
        raise NotAllowed("You can see the figures for your own area only.")
    weeks = []
    for field_id, text in (("from", date_from), ("to", date_to)):
        try:
            weeks.append(week_from_date(text.strip()) if text.strip() else None)
        except BadWeek:
            raise BadFilter(field_id, f"Enter the {'start' if field_id == 'from' else 'end'} date as a date like "
                                      "2026-01-31") from None
    since, until = weeks
    if since and until and since > until:
        raise BadFilter("to", "The end date must be the same as or after the start date")
    return Filters(area, date_from.strip(), date_to.strip(), since, until)


def view(user: StaffUser, filters: Filters) -> InsightsView:
    built = figures.build(filters.since, filters.until)
    # Admins looking at every area see every row (with the all-area totals); anyone else one area's rows.
    shown = built if filters.area == figures.ALL else figures.for_areas(built, [filters.area])
    return InsightsView(filters, area_options(user), charts.charts(shown, filters.area), shown)


def as_download(filters: Filters) -> bytes:
    from assistant.insights import export

    built = figures.build(filters.since, filters.until)
    shown = built if filters.area == figures.ALL else figures.for_areas(built, [filters.area])
    return export.as_zip(shown)

