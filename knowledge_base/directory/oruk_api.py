"""The ORUK v3 read API's queries: the specification's filters, pages and lookups over the directory.

Bad parameter values raise QueryError (the web layer answers 422 with its words); an unknown id gives None.
The JSON itself is built in oruk_records.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.data_files import load_yaml
from core.database import session_scope
from knowledge_base.directory.models import DirectoryLocation, DirectoryService, DirectoryServiceAtLocation
from knowledge_base.directory.oruk_conformance import is_uuid
from knowledge_base.directory.oruk_records import (
    Json, matches_id, organization_id, organization_json, public_id, sal_json, sal_summary, service_json,
    service_minimal, service_summary, taxonomy_id, taxonomy_json, taxonomy_key, term_json,
)
from knowledge_base.directory.postcode_districts import bundled_centroids, metres_between, outward_code

TEXT = Path(__file__).parent / "data" / "oruk_api.yaml"
PROFILE_URL = "https://openreferraluk.org/"
DEFAULT_PER_PAGE, MAX_PER_PAGE = 50, 500
CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"  # 09:30 or 09:30:00, as documented
DAY_CODES = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
             "saturday": "SA", "sunday": "SU"}
# The day values parse_day takes, in any case, for the OpenAPI document: spelt out letter by letter because a
# JSON Schema pattern has no case-insensitive flag.
DAY_PATTERN = "^(?:" + "|".join("".join(f"[{c.upper()}{c}]" for c in word) for word in
                                [*DAY_CODES, *(code.lower() for code in DAY_CODES.values())]) + ")$"
# modified_after's two documented formats (OpenAPI date-time and date, RFC 3339 section 5.6): a date, or a date
# and time with its zone.
MOMENT = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
                    r"(?:[Tt](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
                    r"(?P<zone>[Zz]|(?P<sign>[+-])(?P<zone_hour>[0-9]{2}):(?P<zone_minute>[0-9]{2})))?")

Row = TypeVar("Row")
# A page (the specification's envelope) or, for format=ndjson, every result.
Listing = Json | list[Json]


def api_text() -> dict[str, Any]:
    return load_yaml(TEXT)


class QueryError(ValueError):
    """A query parameter's value cannot be used: `field` names it, `problem` says why in words."""

    def __init__(self, field: str, wording: str | None = None, **values: Any) -> None:
        self.field = field
        self.problem = api_text()["problems"][wording or field].format(**values).strip()
        super().__init__(self.problem)


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int | None = None  # None: the endpoint's default
    everything: bool = False  # format=ndjson: every result, no pages

    def __post_init__(self) -> None:
        if self.page < 1:
            raise QueryError("page")
        if self.per_page is not None and not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError("per_page")


def paged(rows: Sequence[Row], paging: Paging, render: Callable[[Row], Json], one_page: bool = False) -> Listing:
    """Only the rows on the page asked for are rendered; one_page puts every row on page 1 by default."""
    if paging.everything:
        return [render(row) for row in rows]
    per_page = paging.per_page or (max(1, len(rows)) if one_page else DEFAULT_PER_PAGE)
    total_pages = max(1, math.ceil(len(rows) / per_page))
    contents = [render(row) for row in rows[(paging.page - 1) * per_page: paging.page * per_page]]
    return {"total_items": len(rows), "total_pages": total_pages, "page_number": paging.page, "size": len(contents),
            "first_page": paging.page == 1, "last_page": paging.page >= total_pages, "empty": not contents,
            "contents": contents}


# Parameter values ------------------------------------------------------------------------------------------

def parse_clock(value: str | None, field: str = "start_time") -> time | None:
    """"14:30" or "14:30:00"."""
    if not value:
        return None
    if not re.match(CLOCK_PATTERN, value.strip()):
        raise QueryError(field)
    return time.fromisoformat(value.strip())


def parse_moment(value: str) -> datetime:
    """An RFC 3339 date-time (with its zone) or a date (its midnight, UTC), as naive UTC (how last_modified is
    stored). A valid moment outside Python's years 1 to 9999 stands for before, or after, every record."""
    match = MOMENT.fullmatch(value)
    if match is None:
        raise QueryError("modified_after")
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    hour, minute, second = (int(match[name] or 0) for name in ("hour", "minute", "second"))
    zone_hour, zone_minute = int(match["zone_hour"] or 0), int(match["zone_minute"] or 0)
    # Year 0 is a leap year in RFC 3339's proleptic calendar, as 2000 is; second 60 is a leap second.
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1] and hour <= 23
            and minute <= 59 and second <= 60 and zone_hour <= 23 and zone_minute <= 59):
        raise QueryError("modified_after")
    if year == 0:
        return datetime.min
    offset = timedelta(hours=zone_hour, minutes=zone_minute) * (-1 if match["sign"] == "-" else 1)
    microsecond = int((match["fraction"] or "0")[:6].ljust(6, "0"))
    try:
        return datetime(year, month, day, hour, minute, min(second, 59), microsecond) - offset
    except OverflowError:  # past either end of the calendar once moved to UTC: east of UTC early, west late
        return datetime.min if offset > timedelta(0) else datetime.max


def parse_day(value: str) -> str:
    wanted = value.lower()
    code = DAY_CODES.get(wanted) or (wanted.upper() if wanted.upper() in DAY_CODES.values() else None)
    if code is None:
        raise QueryError("day")
    return code


def has_words(words: list[str], *texts: str | None) -> bool:
    blob = " ".join(t or "" for t in texts).lower()
    return all(word in blob for word in words)


def in_taxonomy(term: dict[str, Any], wanted: str) -> bool:
    return wanted in (taxonomy_id(term), taxonomy_key(term)) or matches_id(term.get("taxonomy_id"), wanted)


# Filters ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServiceQuery:
    """The specification's service filters, plus the age, day and time filters this API had before."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: str | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: str | None = None
    start_time: str | None = None
    end_time: str | None = None

    def matcher(self) -> Callable[[DirectoryService], bool]:
        """Checks every value first (QueryError), then returns the test for one service."""
        # An empty value is a value that is not a moment (422), not a filter left out.
        since = parse_moment(self.modified_after) if self.modified_after is not None else None
        start, end = parse_clock(self.start_time, "start_time"), parse_clock(self.end_time, "end_time")
        day = parse_day(self.day) if self.day is not None else None
        words = (self.search or "").lower().split()

        def match(s: DirectoryService) -> bool:
            sessions = [x for x in s.schedules if x.freq]
            return all((
                has_words(words, s.name, s.description, *(t.get("name") for t in s.taxonomy_terms),
                          *(f"{x.location.name} {x.location.city}" for x in s.service_at_locations)),
                not self.taxonomy_term_id or any(matches_id(t.get("id"), self.taxonomy_term_id)
                                                 for t in s.taxonomy_terms),
                not self.taxonomy_id or any(in_taxonomy(t, self.taxonomy_id) for t in s.taxonomy_terms),
                not self.organization_id or self.organization_id in (organization_id(s.organization or {}),
                                                                     (s.organization or {}).get("id")),
                since is None or (s.last_modified is not None and s.last_modified >= since),
                self.minimum_age is None or (s.minimum_age is not None and s.minimum_age >= self.minimum_age),
                self.maximum_age is None or (s.maximum_age is not None and s.maximum_age <= self.maximum_age),
                not day or any(code.endswith(day) for x in sessions for code in x.byday.split(",")),  # "1MO" too
                not start or any(x.opens_at and x.opens_at >= start for x in sessions),
                not end or any(x.closes_at and x.closes_at <= end for x in sessions),
            ))
        return match


@dataclass(frozen=True)
class PlaceQuery:
    """postcode alone: locations in that postcode district. With proximity (metres): locations within that
    distance of the district's centre, which must be in the bundled centroid table."""

    postcode: str | None = None
    proximity: float | None = None

    def matcher(self) -> Callable[[DirectoryLocation], float | None]:
        """Returns the test for one location: its distance in metres (0 without proximity), None when left out."""
        if self.proximity is not None and not (math.isfinite(self.proximity) and self.proximity > 0):
            raise QueryError("proximity")
        if self.proximity is not None and not self.postcode:
            raise QueryError("proximity", "proximity_without_postcode")
        if not self.postcode:
            return lambda loc: 0.0
        district = outward_code(self.postcode)
        if district is None:
            raise QueryError("postcode")
        if self.proximity is None:
            return lambda loc: 0.0 if outward_code(loc.postal_code) == district else None
        centre = bundled_centroids().get(district)
        if centre is None:
            raise QueryError("postcode", "unknown_district", district=district,
                             known=", ".join(sorted(bundled_centroids())))
        limit = self.proximity

        def distance(loc: DirectoryLocation) -> float | None:
            if loc.latitude is None or loc.longitude is None:
                return None  # cannot be placed, so cannot be said to be near
            metres = metres_between(centre.latitude, centre.longitude, loc.latitude, loc.longitude)
            return metres if metres <= limit else None
        return distance


# Lookups ---------------------------------------------------------------------------------------------------

def all_services(session: Session) -> list[DirectoryService]:
    return list(session.scalars(select(DirectoryService).order_by(DirectoryService.name, DirectoryService.id)))


def find(session: Session, model: type[DirectoryService | DirectoryServiceAtLocation], wanted: str) -> Any:
    """By the feed's id, or by the UUID the API derived from a feed id that was not one."""
    row = session.get(model, wanted)
    if row is None and is_uuid(wanted):
        feed_id = next((i for i in session.scalars(select(model.id)) if public_id(i) == wanted), None)
        row = session.get(model, feed_id) if feed_id else None
    return row


def organizations(services: Iterable[DirectoryService]) -> list[tuple[Json, list[DirectoryService]]]:
    """Each organization (as JSON) with the services it provides, by name."""
    groups: dict[str, tuple[Json, list[DirectoryService]]] = {}
    for s in services:
        org = organization_json(s.organization)
        if org is not None:
            groups.setdefault(org["id"], (org, []))[1].append(s)
    return sorted(groups.values(), key=lambda group: (group[0]["name"].lower(), group[0]["id"]))


def terms(services: Iterable[DirectoryService]) -> list[dict[str, Any]]:
    """Each taxonomy term used by a service (as stored), once, by taxonomy and name."""
    found: dict[str, dict[str, Any]] = {}
    for s in services:
        for term in s.taxonomy_terms:
            found.setdefault(public_id(term["id"]), term)
    return sorted(found.values(), key=lambda t: (taxonomy_key(t), (t.get("name") or "").lower(), public_id(t["id"])))


def taxonomies(used: Iterable[dict[str, Any]]) -> list[tuple[Json, list[dict[str, Any]]]]:
    groups: dict[str, tuple[Json, list[dict[str, Any]]]] = {}
    for term in used:
        taxonomy = taxonomy_json(term)
        if taxonomy is not None:
            groups.setdefault(taxonomy["id"], (taxonomy, []))[1].append(term)
    return sorted(groups.values(), key=lambda group: (group[0]["name"].lower(), group[0]["id"]))


def with_services(org: Json, services: list[DirectoryService], full_service: bool) -> Json:
    return {**org, "services": [service_json(s) if full_service else service_summary(s, with_organization=False)
                                for s in services]}


def with_terms(taxonomy: Json, members: list[dict[str, Any]]) -> Json:
    return {**taxonomy, "taxonomy_terms": [term_json(t) for t in members]}


# Endpoints -------------------------------------------------------------------------------------------------

def api_details(openapi_url: str) -> Json:
    return {"version": "3.0", "profile": PROFILE_URL, "openapi_url": openapi_url}


def list_services(query: ServiceQuery, paging: Paging, full: bool = False, minimal: bool = False) -> Listing:
    if full and minimal:
        raise QueryError("full", "full_and_minimal")
    match = query.matcher()
    render = service_json if full else service_minimal if minimal else service_summary
    with session_scope() as session:
        # minimal: "aim to return all services within one call", so one page unless per_page says otherwise.
        return paged([s for s in all_services(session) if match(s)], paging, render, one_page=minimal)


def get_service(service_id: str) -> Json | None:
    with session_scope() as session:
        service = find(session, DirectoryService, service_id)
        return service_json(service) if service else None


def list_service_at_locations(query: ServiceQuery, place: PlaceQuery, paging: Paging, full: bool = False) -> Listing:
    match, distance = query.matcher(), place.matcher()
    with session_scope() as session:
        found = []
        for s in all_services(session):
            for sal in s.service_at_locations if match(s) else []:
                metres = distance(sal.location)
                if metres is not None:
                    found.append((metres, s.name, s.id, sal.id, sal))
        found.sort(key=lambda row: row[:4])  # nearest first; otherwise by service name
        return paged([row[-1] for row in found], paging, sal_json if full else sal_summary)


def get_service_at_location(sal_id: str) -> Json | None:
    with session_scope() as session:
        sal = find(session, DirectoryServiceAtLocation, sal_id)
        return sal_json(sal) if sal else None


def list_organizations(search: str | None, paging: Paging, full: bool = False, full_service: bool = False) -> Listing:
    words = (search or "").lower().split()
    with session_scope() as session:
        found = [g for g in organizations(all_services(session))
                 if has_words(words, g[0]["name"], g[0]["description"])]
        if full or full_service:
            return paged(found, paging, lambda group: with_services(*group, full_service))
        return paged(found, paging, lambda group: group[0])


def get_organization(org_id: str, full_service: bool = False) -> Json | None:
    with session_scope() as session:
        for org, services in organizations(all_services(session)):
            if org_id == org["id"] or any(org_id == (s.organization or {}).get("id") for s in services):
                return with_services(org, services, full_service)
    return None


def list_taxonomies(search: str | None, paging: Paging) -> Listing:
    words = (search or "").lower().split()
    with session_scope() as session:
        found = [g for g in taxonomies(terms(all_services(session)))
                 if has_words(words, g[0]["name"], g[0]["description"])]
    return paged(found, paging, lambda group: group[0])


def get_taxonomy(wanted: str) -> Json | None:
    with session_scope() as session:
        for taxonomy, members in taxonomies(terms(all_services(session))):
            if wanted in (taxonomy["id"], taxonomy_key(members[0])):
                return with_terms(taxonomy, members)
    return None


def list_taxonomy_terms(search: str | None, paging: Paging, taxonomy: str | None = None, top_only: bool = False,
                        parent_id: str | None = None) -> Listing:
    words = (search or "").lower().split()
    with session_scope() as session:
        used = terms(all_services(session))
    rendered = [(term, term_json(term)) for term in used]
    found = [shown for term, shown in rendered
             if has_words(words, shown["name"], shown["description"], shown.get("taxonomy"))
             and (taxonomy is None or in_taxonomy(term, taxonomy))
             and not (top_only and shown.get("parent_id"))
             and (parent_id is None or matches_id(term.get("parent_id"), parent_id))]
    return paged(found, paging, lambda shown: shown)


def get_taxonomy_term(term_id: str) -> Json | None:
    with session_scope() as session:
        used = terms(all_services(session))
    return next((term_json(t) for t in used if matches_id(t["id"], term_id)), None)
