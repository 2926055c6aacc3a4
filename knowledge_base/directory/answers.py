"""Answer text for directory questions: day, time and place of the next sessions, or an honest "not found"."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select

from core.areas import AREA_LABELS_IN_SENTENCE as AREA_LABELS
from core.database import session_scope
from knowledge_base.directory.cards import address_of, booking_of, contact_of, cost_of, venue_for
from knowledge_base.directory.models import DirectoryService
from knowledge_base.directory.query import CATEGORY_LABELS, ServiceQuery
from knowledge_base.directory.schedules import human_occurrence, human_time
from knowledge_base.directory.search import Match, SearchResult, is_hub_information

DETAILS_FILE = Path(__file__).parent / "data" / "answer_details.yaml"
EXAMPLE_NOTE = "This is an example directory, so please check with the hub before you go."


def wanted(query: ServiceQuery) -> str:
    return " or ".join(CATEGORY_LABELS[c] for c in query.categories[:2]) or "family hub services"


def where(query: ServiceQuery) -> str:
    return query.place.name if query.place and query.place.lat is not None else AREA_LABELS.get(query.area or "", query.area or "your area")


def contact_line(service: DirectoryService) -> str:
    contact = contact_of(service)
    parts = [p for p in (contact.get("phone"), contact.get("email")) if p]
    return f"Contact: {', '.join(parts)}." if parts else ""


@lru_cache(maxsize=1)
def _details() -> dict:
    data = yaml.safe_load(DETAILS_FILE.read_text(encoding="utf-8"))
    return {"asks": {kind: re.compile(p, re.I) for kind, p in data["asks"].items()}, "access_unknown": data["access_unknown"]}


def asked_details(text: str) -> set[str]:
    """Which details the parent asked about (cost, booking, contact, access): only those join the text."""
    return {kind for kind, pattern in _details()["asks"].items() if pattern.search(text or "")}


def venue_of(match: Match) -> str:
    sal = venue_for(match.service, match.occurrences[0] if match.occurrences else None)
    return sal.location.name if sal else ""


def is_in(match: Match, place: str) -> bool:
    """Whether the session's venue name or address names the place the parent asked about."""
    sal = venue_for(match.service, match.occurrences[0] if match.occurrences else None)
    text = f"{sal.location.name} {address_of(sal)}" if sal else match.service.name
    return place.lower() in text.lower()


def describe(match: Match, asks: set[str] | None = None) -> str:
    """One short line (what, where, when next) plus only the details asked about; the card holds the rest."""
    asks = asks or set()
    service, occ = match.service, match.occurrences
    sal = venue_for(service, occ[0] if occ else None)
    venue = sal.location.name if sal else ""
    title = f"{service.name} at {venue}" if venue and venue not in service.name else service.name
    if is_hub_information(service):
        regular = next((s.description for s in service.schedules if s.freq and s.description), "")
        head = f"{venue or service.name}" + (f": open {regular}." if regular else ".") + \
            (f" Next open {human_occurrence(occ[0])}." if occ else "")
    else:
        head = f"{title}: " + (f"next on {human_occurrence(occ[0])}." if occ else "no upcoming dates are listed.")
    extra = [f"Cost: {cost_of(service)}." if "cost" in asks else "",
             booking_of(service) if "booking" in asks else "",
             contact_line(service) if "contact" in asks else "",
             f"{_details()['access_unknown']} {contact_line(service).removeprefix('Contact: ')}" if "access" in asks else ""]
    return " ".join(p for p in [head, *extra] if p)


def intro(result: SearchResult) -> str:
    query = result.query
    if "time" in result.relaxed:
        return f"I couldn't find {wanted(query)} at that day or time in {where(query)}, but these are the next ones:"
    if "place" in result.relaxed:
        return f"I couldn't find {wanted(query)} in {where(query)}, but there is this nearby in {AREA_LABELS.get(query.area or '', '')}:"
    place = query.place.name if query.place and query.place.lat is not None else ""
    shown = result.matches[:3]
    if place and shown and not any(is_in(m, place) for m in shown):
        # Said plainly: sessions somewhere else are not "in Kirkby".
        venues = list(dict.fromkeys(v for v in (venue_of(m) for m in shown) if v))
        return f"I couldn't find {wanted(query)} in {place}. The nearest I found are at {' and '.join(venues)}:"
    return f"Here's what I found for {where(query)}:"


def answer_text(result: SearchResult, shown: int = 3) -> str:
    asks = asked_details(result.query.text)
    paragraphs = [intro(result), *(describe(m, asks) for m in result.matches[:shown])]
    if any(m.service.example_data for m in result.matches):
        paragraphs.append(EXAMPLE_NOTE)
    return "\n\n".join(paragraphs)


def hub_contact(area: str | None) -> str:
    with session_scope() as session:
        hubs = [s for s in session.scalars(select(DirectoryService).where(DirectoryService.area == area))
                if is_hub_information(s)]
        lines = [f"{venue_for(h, None).location.name if venue_for(h, None) else h.name}: "
                 + " ".join(filter(None, [contact_line(h)])) for h in hubs[:4]]
    return "\n".join(lines)


def no_match_text(query: ServiceQuery) -> str:
    contacts = hub_contact(query.area)
    kind = wanted(query) if query.categories else "a service like that"
    text = f"I couldn't find {kind} in {where(query)} in the service directory."
    return text + (f" Your local family hub can tell you what's on and help you find support:\n{contacts}" if contacts
                   else " Your local family hub or the council's family information service can tell you what's on.")


def what_clarification_text(query: ServiceQuery) -> str:
    return ("What are you looking for? For example stay and play, baby clinics, speech and language groups, "
            "parenting courses or a hub's opening times" + ("" if query.area else ", and which area or town are you in?"))


def clarification_text(query: ServiceQuery) -> str:
    return (f"Which area or town do you live in (or the first part of your postcode, like LS9 or W12)? "
            f"Then I can find {wanted(query)} near you. I cover Leeds, Hammersmith & Fulham and the Liverpool City Region.")


def area_offer_text(query: ServiceQuery) -> str:
    return (f"If you tell me your area or town (or the first part of your postcode, like LS9 or W12), I can find "
            f"{wanted(query)} near you.")


def also_try_line(match: Match) -> str:
    service, occ = match.service, match.occurrences
    sal = venue_for(service, occ[0] if occ else None)
    at = f" at {sal.location.name}" if sal and sal.location.name not in service.name else ""
    when = f", next on {human_occurrence(occ[0]).split(',')[0]} at {human_time(occ[0].start)}" if occ else ""
    return f"You could also try the {service.name}{at}{when}."
