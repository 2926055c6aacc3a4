"""ORUK v1 service (regular_schedules, holiday_schedules, physical_addresses) -> normalised dict."""

from __future__ import annotations

from typing import Any

from knowledge_base.directory.fields import (
    RecordError, as_date, as_time, items, number, require_id, text,
)
from knowledge_base.directory.oruk_v3 import is_example, parse_contact, parse_schedule

V1_KEYS = ("regular_schedules", "holiday_schedules", "eligibilitys", "service_taxonomys", "physical_addresses")


def looks_like_v1(record: Any) -> bool:
    if not isinstance(record, dict):
        return False
    sals = items(record.get("service_at_locations"))
    return any(k in record for k in V1_KEYS) or any(
        isinstance(s, dict) and isinstance(s.get("location"), dict) and "physical_addresses" in s["location"] for s in sals)


def parse_location(raw: Any, what: str) -> dict[str, Any]:
    loc_id = require_id(raw, what)
    address = next((a for a in items(raw.get("physical_addresses")) if isinstance(a, dict)), {})
    return {"id": loc_id, "name": text(raw.get("name")), "description": text(raw.get("description")),
            "address_1": text(address.get("address_1")), "city": text(address.get("city")),
            "region": text(address.get("state_province")), "postal_code": text(address.get("postal_code")),
            "latitude": number(raw.get("latitude")), "longitude": number(raw.get("longitude"))}


def parse_holiday(raw: Any, what: str) -> dict[str, Any] | None:
    holiday_id = require_id(raw, what)
    if raw.get("closed") in (False, "false", "0", 0):
        return None  # changed hours rather than a closure: not modelled
    return {"id": holiday_id, "location_id": None, "closed": True, "freq": None, "interval": 1, "byday": "",
            "bymonthday": "", "dtstart": None, "valid_from": as_date(raw.get("start_date")),
            "valid_to": as_date(raw.get("end_date") or raw.get("start_date")),
            "opens_at": as_time(raw.get("opens_at")), "closes_at": as_time(raw.get("closes_at")),
            "description": "Closed"}


def parse_service(raw: Any) -> dict[str, Any]:
    service_id = require_id(raw, "service")
    name = text(raw.get("name"))
    if not name:
        raise RecordError(f"service {service_id} has no name")
    locations = []
    for i, sal in enumerate(items(raw.get("service_at_locations"))):
        sal_id = require_id(sal, f"service_at_location {i + 1} of {service_id}")
        locations.append({"sal_id": sal_id, **parse_location(sal.get("location"), f"location of {sal_id}")})
    schedules = [parse_schedule(s, f"regular schedule {i + 1} of {service_id}")
                 for i, s in enumerate(items(raw.get("regular_schedules")))]
    holidays = [parse_holiday(h, f"holiday schedule {i + 1} of {service_id}")
                for i, h in enumerate(items(raw.get("holiday_schedules")))]
    eligibility = next((e for e in items(raw.get("eligibilitys")) if isinstance(e, dict)), {})
    org = raw.get("organization") if isinstance(raw.get("organization"), dict) else {}
    terms = [t.get("taxonomy") for t in items(raw.get("service_taxonomys")) if isinstance(t, dict)]
    return {
        "id": service_id, "name": name, "description": text(raw.get("description")),
        "url": text(raw.get("url")), "email": text(raw.get("email")),
        "status": text(raw.get("status")).lower() or "active", "fees_description": text(raw.get("fees")),
        "minimum_age": number(eligibility.get("minimum_age")), "maximum_age": number(eligibility.get("maximum_age")),
        "booking": text(raw.get("attending_access") or raw.get("attending_type")),
        "organization": {k: text(org.get(k)) for k in ("id", "name", "description", "email", "website") if org.get(k)},
        "contacts": [parse_contact(c, f"contact {i + 1} of {service_id}") for i, c in enumerate(items(raw.get("contacts")))],
        "cost_options": [{"id": require_id(c, f"cost option {i + 1} of {service_id}"), "option": text(c.get("option")),
                          "amount": number(c.get("amount")), "amount_description": text(c.get("amount_description"))}
                         for i, c in enumerate(items(raw.get("cost_options")))],
        "taxonomy_terms": [{"id": require_id(t, f"taxonomy of {service_id}"), "name": text(t.get("name")),
                            "taxonomy": text(t.get("vocabulary"))} for t in terms],
        "example_data": is_example(raw), "last_modified": None,
        "locations": locations, "schedules": schedules + [h for h in holidays if h],
    }
