"""The directory as ORUK v3 (UK profile of HSDS 3.0) JSON: one service, or a filtered page of services."""

from __future__ import annotations

import math
import uuid
from datetime import time
from typing import Any

from sqlalchemy import select

from core.database import session_scope
from knowledge_base.directory.models import DirectorySchedule, DirectoryService, DirectoryServiceAtLocation

DAY_CODES = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
             "saturday": "SA", "sunday": "SU"}
HSDS_STATUSES = {"active", "inactive", "defunct", "temporarily closed"}


def derived_id(*parts: str) -> str:
    # Rows we flatten on import (addresses, attributes) get stable ids derived from their parent's id.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def without_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def schedule_json(s: DirectorySchedule) -> dict[str, Any]:
    return without_empty({
        "id": s.id, "service_id": s.service_id, "freq": s.freq, "interval": s.interval if s.freq else None,
        "byday": s.byday, "bymonthday": s.bymonthday, "dtstart": s.dtstart and s.dtstart.isoformat(),
        "valid_from": s.valid_from and s.valid_from.isoformat(), "valid_to": s.valid_to and s.valid_to.isoformat(),
        "opens_at": s.opens_at and s.opens_at.isoformat(), "closes_at": s.closes_at and s.closes_at.isoformat(),
        "description": s.description or ("Closed" if s.closed else None),
        "attending_type": s.service.booking if s.freq else None,
    })


def location_json(sal: DirectoryServiceAtLocation) -> dict[str, Any]:
    loc = sal.location
    address = without_empty({"id": derived_id(loc.id, "address"), "location_id": loc.id, "address_1": loc.address_1,
                             "city": loc.city, "region": loc.region, "state_province": loc.region,
                             "postal_code": loc.postal_code, "country": "GB", "address_type": "physical"})
    return {"id": sal.id, "service_id": sal.service_id, "location_id": loc.id, "location": without_empty({
        "id": loc.id, "location_type": "physical", "name": loc.name, "description": loc.description,
        "latitude": loc.latitude, "longitude": loc.longitude,
        "addresses": [address] if loc.address_1 or loc.postal_code else []})}


def service_json(s: DirectoryService) -> dict[str, Any]:
    return without_empty({
        "id": s.id, "name": s.name, "description": s.description, "url": s.url, "email": s.email,
        "status": s.status if s.status in HSDS_STATUSES else "active", "fees": s.fees_description,
        "minimum_age": s.minimum_age, "maximum_age": s.maximum_age,
        "last_modified": s.last_modified and s.last_modified.isoformat() + "Z",
        "organization": s.organization or None,
        "schedules": [schedule_json(x) for x in s.schedules],
        "service_at_locations": [location_json(x) for x in s.service_at_locations],
        "cost_options": [without_empty({"id": c["id"], "service_id": s.id, "option": c.get("option"),
                                        "amount": c.get("amount"), "amount_description": c.get("amount_description")})
                         for c in s.cost_options],
        # The profile drops contact phones and emails: name and title only.
        "contacts": [without_empty({"id": c["id"], "service_id": s.id, "name": c.get("name"), "title": c.get("title")})
                     for c in s.contacts],
        "attributes": [{"id": derived_id(s.id, t["id"]), "link_id": s.id, "link_type": "service",
                        "taxonomy_term_id": t["id"], "taxonomy_term": without_empty(
                            {"id": t["id"], "name": t.get("name"), "term": t.get("name"), "taxonomy": t.get("taxonomy")})}
                       for t in s.taxonomy_terms],
    })


def matches(s: DirectoryService, f: dict[str, Any]) -> bool:
    sessions = [x for x in s.schedules if x.freq]
    day = DAY_CODES.get((f.get("day") or "").lower(), (f.get("day") or "").upper()[:2])
    blob = " ".join([s.name, s.description, *(t.get("name", "") for t in s.taxonomy_terms),
                     *(x.location.name + " " + x.location.city for x in s.service_at_locations)]).lower()
    return all([
        all(word in blob for word in (f.get("search") or "").lower().split()),
        not f.get("taxonomy_term_id") or any(t["id"] == f["taxonomy_term_id"] for t in s.taxonomy_terms),
        f.get("minimum_age") is None or (s.minimum_age is not None and s.minimum_age >= f["minimum_age"]),
        f.get("maximum_age") is None or (s.maximum_age is not None and s.maximum_age <= f["maximum_age"]),
        not day or any(day in x.byday for x in sessions),
        not f.get("start_time") or any(x.opens_at and x.opens_at >= f["start_time"] for x in sessions),
        not f.get("end_time") or any(x.closes_at and x.closes_at <= f["end_time"] for x in sessions),
    ])


def list_services(page: int = 1, per_page: int = 50, **filters: Any) -> dict[str, Any]:
    with session_scope() as session:
        found = [s for s in session.scalars(select(DirectoryService).order_by(DirectoryService.name, DirectoryService.id))
                 if matches(s, filters)]
        total_pages = max(1, math.ceil(len(found) / per_page))
        contents = [service_json(s) for s in found[(page - 1) * per_page: page * per_page]]
    return {"total_items": len(found), "total_pages": total_pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= total_pages, "empty": not contents, "contents": contents}


def get_service(service_id: str) -> dict[str, Any] | None:
    with session_scope() as session:
        service = session.get(DirectoryService, service_id)
        return service_json(service) if service else None


def parse_clock(value: str | None) -> time | None:
    """"14:30" or "14:30:00"; ValueError for anything else."""
    return time.fromisoformat(value) if value else None
