"""ORUK v3 (HSDS 3.0 UK profile) service -> the directory's normalised service dict."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from dateutil import parser as date_parser

from knowledge_base.directory.fields import RecordError, as_date, as_time, items, number, require_id, text

CLOSURE_WORDS = re.compile(r"\bclos(ed|ure)\b", re.I)
EXAMPLE_MARKER = "example data"


def parse_location(raw: Any, what: str) -> dict[str, Any]:
    loc_id = require_id(raw, what)
    address = next((a for a in items(raw.get("addresses")) if isinstance(a, dict)), {})
    return {
        "id": loc_id, "name": text(raw.get("name")), "description": text(raw.get("description")),
        "address_1": text(address.get("address_1")), "city": text(address.get("city")),
        "region": text(address.get("region") or address.get("state_province")),
        "postal_code": text(address.get("postal_code")),
        "latitude": number(raw.get("latitude")), "longitude": number(raw.get("longitude")),
    }


def parse_schedule(raw: Any, what: str, location_id: str | None = None) -> dict[str, Any]:
    schedule_id = require_id(raw, what)
    freq = text(raw.get("freq")).upper() or None
    description = text(raw.get("description"))
    return {
        "id": schedule_id, "location_id": location_id,
        # v3 has no holiday table: a schedule with no recurrence that says "closed" is a closure.
        "closed": freq is None and bool(CLOSURE_WORDS.search(description + " " + text(raw.get("notes")))),
        "freq": freq if freq in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY") else None,
        "interval": int(number(raw.get("interval")) or 1),
        "byday": text(raw.get("byday")).upper().replace(" ", ""),
        "bymonthday": text(raw.get("bymonthday")).replace(" ", ""),
        "dtstart": as_date(raw.get("dtstart")), "valid_from": as_date(raw.get("valid_from")),
        "valid_to": as_date(raw.get("valid_to") or raw.get("until")),
        "opens_at": as_time(raw.get("opens_at")), "closes_at": as_time(raw.get("closes_at")),
        "description": description,
    }


def parse_contact(raw: Any, what: str) -> dict[str, Any]:
    phone = next((p for p in items(raw.get("phones")) if isinstance(p, dict)), {}) if isinstance(raw, dict) else {}
    return {"id": require_id(raw, what), "name": text(raw.get("name")), "title": text(raw.get("title")),
            "email": text(raw.get("email")), "phone": text(phone.get("number"))}


def as_utc(value: Any) -> datetime | None:
    """last_modified as naive UTC, the way it is stored: a feed's offset is applied, not dropped."""
    try:
        moment = date_parser.isoparse(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment and moment.tzinfo else moment


def parse_term(raw: Any, what: str) -> dict[str, Any]:
    term = raw.get("taxonomy_term") if isinstance(raw, dict) and "taxonomy_term" in raw else raw
    term_id = require_id(term, what)
    detail = term.get("taxonomy_detail") if isinstance(term.get("taxonomy_detail"), dict) else {}
    # Kept when the feed gives them, so the ORUK API can serve the term and its taxonomy as they were sent.
    extras = {"description": text(term.get("description")), "term": text(term.get("term")),
              "parent_id": text(term.get("parent_id")), "taxonomy_id": text(term.get("taxonomy_id")),
              "term_uri": text(term.get("term_uri")),
              "taxonomy_detail": {k: text(detail[k]) for k in ("id", "name", "description", "uri", "version")
                                  if detail.get(k)}}
    return {"id": term_id, "name": text(term.get("name") or term.get("term")),
            "taxonomy": text(term.get("taxonomy") or term.get("vocabulary")),
            **{k: v for k, v in extras.items() if v}}


def is_example(raw: dict[str, Any]) -> bool:
    org = raw.get("organization") if isinstance(raw.get("organization"), dict) else {}
    blob = " ".join([text(raw.get("description")), text(org.get("description"))] +
                    [text(p.get("taxonomy_term", {}).get("name")) for p in items(raw.get("attributes"))
                     if isinstance(p, dict) and isinstance(p.get("taxonomy_term"), dict)])
    return EXAMPLE_MARKER in blob.lower()


def parse_service(raw: Any) -> dict[str, Any]:
    service_id = require_id(raw, "service")
    name = text(raw.get("name"))
    if not name:
        raise RecordError(f"service {service_id} has no name")
    locations, schedules = [], []
    for i, sal in enumerate(items(raw.get("service_at_locations"))):
        sal_id = require_id(sal, f"service_at_location {i + 1} of {service_id}")
        location = parse_location(sal.get("location"), f"location of service_at_location {sal_id}")
        locations.append({"sal_id": sal_id, **location})
        schedules += [parse_schedule(s, f"schedule of {sal_id}", location["id"]) for s in items(sal.get("schedules"))]
    schedules += [parse_schedule(s, f"schedule {i + 1} of {service_id}") for i, s in enumerate(items(raw.get("schedules")))]
    org = raw.get("organization") if isinstance(raw.get("organization"), dict) else {}
    return {
        "id": service_id, "name": name, "description": text(raw.get("description")),
        "url": text(raw.get("url")), "email": text(raw.get("email")),
        "status": text(raw.get("status")).lower() or "active",
        "fees_description": text(raw.get("fees_description") or raw.get("fees")),
        "minimum_age": number(raw.get("minimum_age")), "maximum_age": number(raw.get("maximum_age")),
        "booking": text(raw.get("application_process")) or next(
            (text(s.get("attending_type")) for s in items(raw.get("schedules")) if isinstance(s, dict) and s.get("attending_type")), ""),
        "organization": {k: text(org.get(k)) for k in ("id", "name", "description", "email", "website") if org.get(k)},
        "contacts": [parse_contact(c, f"contact {i + 1} of {service_id}") for i, c in enumerate(items(raw.get("contacts")))],
        "cost_options": [{"id": require_id(c, f"cost option {i + 1} of {service_id}"), "option": text(c.get("option")),
                          "amount": number(c.get("amount")), "amount_description": text(c.get("amount_description"))}
                         for i, c in enumerate(items(raw.get("cost_options")))],
        "taxonomy_terms": [parse_term(a, f"attribute {i + 1} of {service_id}") for i, a in enumerate(items(raw.get("attributes")))],
        "example_data": is_example(raw),
        "last_modified": as_utc(raw.get("last_modified")),
        "locations": locations, "schedules": schedules,
    }
