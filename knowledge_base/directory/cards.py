"""A service as a structured card for /api/chat and the chat page."""

from __future__ import annotations

from typing import Any

from knowledge_base.directory.models import DirectoryService, DirectoryServiceAtLocation
from knowledge_base.directory.schedules import Occurrence, human_occurrence


def venue_for(service: DirectoryService, occurrence: Occurrence | None) -> DirectoryServiceAtLocation | None:
    sals = service.service_at_locations
    chosen = [s for s in sals if occurrence and s.location_id == occurrence.location_id]
    return (chosen or sals or [None])[0]


def address_of(sal: DirectoryServiceAtLocation | None) -> str:
    if sal is None:
        return ""
    loc = sal.location
    return ", ".join(p for p in (loc.address_1, loc.city, loc.postal_code) if p)


def cost_of(service: DirectoryService) -> str:
    amounts = [c.get("amount") for c in service.cost_options]
    if service.cost_options and all(not a for a in amounts):
        return "Free"
    described = "; ".join(c.get("amount_description") or (f"£{c['amount']:.2f}" if c.get("amount") else "")
                          for c in service.cost_options if c.get("amount") or c.get("amount_description"))
    return described or service.fees_description or "Ask the hub about any cost"


def contact_of(service: DirectoryService) -> dict[str, str]:
    first = next(iter(service.contacts), {})
    return {k: v for k, v in {"name": first.get("name", ""), "phone": first.get("phone", ""),
                              "email": service.email or first.get("email", "")}.items() if v}


def booking_of(service: DirectoryService) -> str:
    return service.booking or "Contact the hub to check whether you need to book."


def card(service: DirectoryService, occurrences: list[Occurrence]) -> dict[str, Any]:
    sal = venue_for(service, occurrences[0] if occurrences else None)
    return {
        "id": service.id, "name": service.name, "area": service.area,
        "venue": sal.location.name if sal else "", "address": address_of(sal),
        "next_dates": [{"start": o.start.isoformat(), "end": o.end.isoformat() if o.end else None,
                        "text": human_occurrence(o)} for o in occurrences[:3]],
        "cost": cost_of(service), "booking": booking_of(service), "contact": contact_of(service),
        "age_range": age_range(service), "url": parent_link(service.url), "example_data": service.example_data,
    }


def parent_link(url: str) -> str:
    """Only https links are shown to parents: a feed's http:// (or javascript:, data:, ...) link is dropped,
    since it could be read or changed on the way, and parents would follow it from a council page."""
    url = (url or "").strip()
    return url if url.lower().startswith("https://") and " " not in url and len(url) > len("https://") else ""


def age_range(service: DirectoryService) -> str:
    def years(value: float) -> str:
        return f"{int(value * 12)} months" if value < 1 and value else f"{value:g}"
    low, high = service.minimum_age, service.maximum_age
    if low is None and high is None:
        return ""
    if not low:
        return f"up to {years(high)} years" if high is not None else ""
    return f"{years(low)} to {years(high)} years" if high is not None else f"{years(low)} years and over"
