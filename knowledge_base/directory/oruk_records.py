"""Directory rows as ORUK v3 JSON: fully nested records, the one-to-one summaries that lists use, and the
organizations, taxonomies and terms derived from the services.

Everything built here conforms to the official schemas whatever a feed held: ids are UUIDs (a feed id that is
not one is served as a stable UUID derived from it), a url or email that fails its format check is left out,
required text a feed lacked is filled as documented, and recurrences ORUK cannot express are left to the
schedule's description.
"""

from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path
from typing import Any

from core.data_files import load_yaml
from knowledge_base.directory.models import (
    DirectoryLocation, DirectorySchedule, DirectoryService, DirectoryServiceAtLocation,
)
from knowledge_base.directory.oruk_conformance import conforms, is_uuid

VOCABULARY = Path(__file__).parent / "data" / "taxonomies.yaml"
HSDS_STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
ORUK_FREQUENCIES = {"WEEKLY", "MONTHLY"}  # the only recurrences the ORUK v3 schedule allows
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"

Json = dict[str, Any]


def derived_id(*parts: str) -> str:
    # Rows we flatten on import (addresses, attributes) get stable ids derived from their parent's id.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def public_id(feed_id: str) -> str:
    """The id the API shows: the feed's own when it is a UUID (as ORUK requires), else a stable UUID from it."""
    return feed_id if is_uuid(feed_id) else derived_id("oruk-id", feed_id)


def matches_id(feed_id: str | None, wanted: str) -> bool:
    """A client may use the id the API shows or the feed's own id."""
    return bool(feed_id) and wanted in (feed_id, public_id(feed_id))


def without_empty(record: Json) -> Json:
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def checked(value: Any, format_name: str) -> str | None:
    return value if conforms(value, format_name) else None


# Organizations ---------------------------------------------------------------------------------------------

def organization_id(org: dict[str, Any]) -> str | None:
    if org.get("id"):
        return public_id(str(org["id"]))
    # An organization given by name only still needs one id across all its services.
    return derived_id("organization", org["name"]) if org.get("name") else None


def organization_json(org: dict[str, Any]) -> Json | None:
    org_id = organization_id(org or {})
    if org_id is None:
        return None
    # name and description are required; a feed without them gets empty text rather than made-up words.
    return {"id": org_id, "name": org.get("name") or "", "description": org.get("description") or "",
            **without_empty({"email": checked(org.get("email"), "email"),
                             "website": checked(org.get("website"), "uri")})}


# Taxonomies and terms --------------------------------------------------------------------------------------

@cache
def vocabulary() -> dict[str, Any]:
    return load_yaml(VOCABULARY).get("taxonomies") or {}


def taxonomy_key(term: dict[str, Any]) -> str:
    """The taxonomy's name as the feed spells it ("family-hub-services"); "" when the term names none."""
    detail = term.get("taxonomy_detail") or {}
    return term.get("taxonomy") or detail.get("name") or ""


def taxonomy_id(term: dict[str, Any]) -> str | None:
    detail = term.get("taxonomy_detail") or {}
    if term.get("taxonomy_id") or detail.get("id"):
        return public_id(str(term.get("taxonomy_id") or detail["id"]))
    key = taxonomy_key(term)
    return derived_id("taxonomy", key) if key else None


def taxonomy_json(term: dict[str, Any]) -> Json | None:
    """The taxonomy a term belongs to; the description is the feed's, else data/taxonomies.yaml's, else the name."""
    tax_id = taxonomy_id(term)
    if tax_id is None:
        return None
    detail, key = term.get("taxonomy_detail") or {}, taxonomy_key(term)
    known = vocabulary().get(key) or {}
    name = detail.get("name") or known.get("name") or key
    return {"id": tax_id, "name": name, "description": detail.get("description") or known.get("description") or name,
            **without_empty({"uri": checked(detail.get("uri"), "uri"), "version": detail.get("version")})}


def term_json(term: dict[str, Any]) -> Json:
    name = term.get("name") or term.get("term") or ""
    key = taxonomy_key(term)
    described = ((vocabulary().get(key) or {}).get("terms") or {}).get(name)
    return {"id": public_id(term["id"]), "name": name, "description": term.get("description") or described or name,
            **without_empty({"term": term.get("term") or name, "taxonomy": key, "taxonomy_id": taxonomy_id(term),
                             "parent_id": term.get("parent_id") and public_id(str(term["parent_id"])),
                             "term_uri": checked(term.get("term_uri"), "uri")})}


# Locations -------------------------------------------------------------------------------------------------

def location_summary(loc: DirectoryLocation) -> Json:
    return without_empty({"id": public_id(loc.id), "location_type": "physical", "name": loc.name,
                          "description": loc.description, "latitude": loc.latitude, "longitude": loc.longitude})


def address_json(loc: DirectoryLocation) -> Json:
    # Every field the address schema requires is present, empty when the feed had no value.
    return {"id": derived_id(loc.id, "address"), "location_id": public_id(loc.id), "address_1": loc.address_1,
            "city": loc.city, **without_empty({"region": loc.region}), "state_province": loc.region,
            "postal_code": loc.postal_code, "country": "GB", "address_type": "physical"}


def location_json(loc: DirectoryLocation) -> Json:
    return {**location_summary(loc), **without_empty({"addresses": [address_json(loc)]
                                                      if loc.address_1 or loc.postal_code else []})}


def sal_ids(sal: DirectoryServiceAtLocation) -> Json:
    return {"id": public_id(sal.id), "service_id": public_id(sal.service_id), "location_id": public_id(sal.location_id)}


def nested_sal_json(sal: DirectoryServiceAtLocation) -> Json:
    """A service_at_location inside its service: the ids and the full location."""
    return {**sal_ids(sal), "location": location_json(sal.location)}


def sal_summary(sal: DirectoryServiceAtLocation) -> Json:
    return {**sal_ids(sal), "location": location_summary(sal.location), "service": service_summary(sal.service)}


def sal_json(sal: DirectoryServiceAtLocation) -> Json:
    """Fully nested, as the specification's example: the full location and the full service (without its
    other locations, which have their own records)."""
    return {**nested_sal_json(sal), "service": service_json(sal.service, with_locations=False)}


# Services --------------------------------------------------------------------------------------------------

def status(s: DirectoryService) -> str:
    return s.status if s.status in HSDS_STATUSES else "active"


def last_modified(s: DirectoryService) -> str | None:
    return s.last_modified.isoformat() + "Z" if s.last_modified else None  # stored as UTC


def service_minimal(s: DirectoryService) -> Json:
    """minimal=true: id and last_modified, as the specification asks, plus the name and status service_list
    requires of every item."""
    return without_empty({"id": public_id(s.id), "name": s.name, "status": status(s),
                          "last_modified": last_modified(s)})


def service_summary(s: DirectoryService, with_organization: bool = True) -> Json:
    """The one-to-one fields, as in the specification's service_list."""
    org = organization_json(s.organization)
    return without_empty({
        "id": public_id(s.id), "organization_id": org and org["id"], "name": s.name, "description": s.description,
        "url": checked(s.url, "uri"), "email": checked(s.email, "email"), "status": status(s),
        "fees": s.fees_description, "minimum_age": s.minimum_age, "maximum_age": s.maximum_age,
        "last_modified": last_modified(s), "organization": org if with_organization else None,
    })


def recurrence(x: DirectorySchedule) -> tuple[str | None, int | None, str, str]:
    """(freq, interval, byday, bymonthday) as ORUK v3 can say them."""
    if x.freq in ORUK_FREQUENCIES:
        return x.freq, x.interval, x.byday, x.bymonthday
    if x.freq == "DAILY" and x.interval == 1:
        return "WEEKLY", 1, x.byday or EVERY_DAY, ""  # the same days, said the way ORUK allows
    return None, None, "", ""  # e.g. every other day: the description carries it


def schedule_json(x: DirectorySchedule, sal_by_location: dict[str, str]) -> Json:
    freq, interval, byday, bymonthday = recurrence(x)
    return without_empty({
        "id": public_id(x.id), "service_id": public_id(x.service_id),
        "service_at_location_id": sal_by_location.get(x.location_id or ""),
        "freq": freq, "interval": interval, "byday": byday, "bymonthday": bymonthday,
        "dtstart": x.dtstart and x.dtstart.isoformat(),
        "valid_from": x.valid_from and x.valid_from.isoformat(), "valid_to": x.valid_to and x.valid_to.isoformat(),
        "opens_at": x.opens_at and x.opens_at.isoformat(), "closes_at": x.closes_at and x.closes_at.isoformat(),
        "description": x.description or ("Closed" if x.closed else None),
        "attending_type": x.service.booking if x.freq else None,
    })


def attribute_json(s: DirectoryService, term: dict[str, Any]) -> Json:
    return {"id": derived_id(s.id, term["id"]), "link_id": public_id(s.id), "link_type": "service",
            "taxonomy_term_id": public_id(term["id"]), "taxonomy_term": term_json(term)}


def service_json(s: DirectoryService, with_locations: bool = True) -> Json:
    """The fully nested service of /services/{id}."""
    sal_by_location = {x.location_id: public_id(x.id) for x in s.service_at_locations}
    return without_empty({
        **service_summary(s),
        "schedules": [schedule_json(x, sal_by_location) for x in s.schedules],
        "service_at_locations": [nested_sal_json(x) for x in s.service_at_locations] if with_locations else [],
        "cost_options": [without_empty({"id": public_id(c["id"]), "service_id": public_id(s.id),
                                        "option": c.get("option"), "amount": c.get("amount"),
                                        "amount_description": c.get("amount_description")})
                         for c in s.cost_options],
        # The UK profile drops contact phones and emails: name and title only.
        "contacts": [without_empty({"id": public_id(c["id"]), "service_id": public_id(s.id), "name": c.get("name"),
                                    "title": c.get("title")}) for c in s.contacts],
        "attributes": [attribute_json(s, t) for t in s.taxonomy_terms],
    })
