"""Answer text for directory questions: day, time and place of the next sessions, or an honest "not found"."""

from __future__ import annotations

from sqlalchemy import select

from core.areas import AREA_LABELS_IN_SENTENCE as AREA_LABELS
from core.database import session_scope
from knowledge_base.directory.cards import address_of, booking_of, contact_of, cost_of, venue_for
from knowledge_base.directory.models import DirectoryService
from knowledge_base.directory.query import CATEGORY_LABELS, ServiceQuery
from knowledge_base.directory.schedules import human_occurrence, human_time
from knowledge_base.directory.search import Match, SearchResult, is_hub_information

EXAMPLE_NOTE = "This is an example directory, so please check with the hub before you go."


def wanted(query: ServiceQuery) -> str:
    return " or ".join(CATEGORY_LABELS[c] for c in query.categories[:2]) or "family hub services"


def where(query: ServiceQuery) -> str:
    return query.place.name if query.place and query.place.lat is not None else AREA_LABELS.get(query.area or "", query.area or "your area")


def contact_line(service: DirectoryService) -> str:
    contact = contact_of(service)
    parts = [p for p in (contact.get("phone"), contact.get("email")) if p]
    return f"Contact: {', '.join(parts)}." if parts else ""


def describe(match: Match) -> str:
    service, occ = match.service, match.occurrences
    sal = venue_for(service, occ[0] if occ else None)
    venue = sal.location.name if sal else ""
    address = address_of(sal)
    regular = next((s.description for s in service.schedules if s.freq and s.description), "")
    if is_hub_information(service):
        head = f"{venue or service.name}, {address}." + (f" Open {regular}." if regular else "")
        when = f" Next open {human_occurrence(occ[0])}." if occ else ""
        parts = (head + when, service.description.replace(" Example data.", ""), booking_of(service), contact_line(service))
        return " ".join(p for p in parts if p)
    title = f"{service.name} at {venue}" if venue and venue not in service.name else service.name
    when = (f"next on {human_occurrence(occ[0])}" + (f", then {'; '.join(human_occurrence(o) for o in occ[1:3])}" if occ[1:] else "")
            if occ else "no upcoming dates are listed")
    lines = [f"{title} ({address}): {when}." + (f" {regular}." if regular else ""),
             service.description.replace(" Example data.", ""), f"Cost: {cost_of(service)}.", booking_of(service),
             contact_line(service)]
    return " ".join(p for p in lines if p)


def intro(result: SearchResult) -> str:
    query = result.query
    if "time" in result.relaxed:
        return f"I couldn't find {wanted(query)} at that day or time in {where(query)}, but these are the next ones:"
    if "place" in result.relaxed:
        return f"I couldn't find {wanted(query)} in {where(query)}, but there is this nearby in {AREA_LABELS.get(query.area or '', '')}:"
    return f"Here's what I found for {where(query)}:"


def answer_text(result: SearchResult, shown: int = 3) -> str:
    paragraphs = [intro(result), *(describe(m) for m in result.matches[:shown])]
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
