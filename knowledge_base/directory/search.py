"""Find services for a parent's question: category and text, area and place, child's age, days and times."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.database import session_scope
from knowledge_base.directory.hybrid import text_scores
from knowledge_base.directory.localities import find_place, km_between
from knowledge_base.directory.models import DirectoryService
from knowledge_base.directory.query import CATEGORY_WORDS, ServiceQuery, find_categories, parse_query
from knowledge_base.directory.schedules import Occurrence, london_now, next_occurrences
from core.thresholds import DIRECTORY

NEARBY_KM = DIRECTORY["nearby_km"]
STRONG_TEXT_MATCH = DIRECTORY["strong_text_match"]
SHARED_WORDS_MATCH = DIRECTORY["shared_words_match"]
LOCATION_SEEKING = re.compile(r"\b(where|nearest|closest|near me|nearby|turn up|appointment|book(ing)?)\b", re.I)
# Questions about the hubs themselves (opening times, where, booking) rather than one kind of session.
HUB_INFO = re.compile(r"\b(open(ing)?|clos(e|ing)|where|nearest|closest|near me|address|contact|phone|holidays?|"
                      r"book(ing)?)\b", re.I)
HUB_QUESTION = re.compile(r"\b(hubs?|cent(re|er)s?|open(ing)?|clos(e|ing)|where|nearest|closest|near me|address|"
                          r"contact|phone|book(ing)?|holidays?|what'?s on|on offer|services?|sessions?)\b", re.I)
SERVICE_NOUNS = re.compile(r"\b(family hubs?|hubs?|children'?s cent(re|er)s?|groups?|class(es)?|sessions?|clinics?|"
                           r"drop[- ]?ins?|stay (and|&|n) plays?|courses?|programmes?|workshops?|caf[eé]s?|"
                           r"baby massage|chatter|what'?s on|opening (times|hours))\b", re.I)
ACCESS_CUES = re.compile(r"\b(when|what time|times?|where|nearest|closest|near me|nearby|book(ing)?|cost|pay|price|"
                         r"how much|free|open|on (mon|tues|wednes|thurs|fri|satur|sun)days?|weekends?|this week|"
                         r"today|tomorrow|is there|are there|any|go to|turn up|join|local)\b", re.I)

# "where do I even start?" asks how to begin, not where a service is.
NOT_A_PLACE_QUESTION = re.compile(r"\bwhere (do|should|can|would|to) (i |we |you )?(even )?(start|begin)\b|"
                                  r"\bwhere to (start|begin)\b", re.I)
# With a district or postcode, a day or "anything for toddlers" is enough to make it a directory question.
WHEN_CUES = re.compile(r"\b(today|tomorrow|tonight|this (week|weekend|morning|afternoon)|next week|weekends?|"
                       r"(mon|tues|wednes|thurs|fri|satur|sun)days?|after school|mornings?|afternoons?)\b", re.I)
AUDIENCE_CUES = re.compile(r"\b(anything|something|activities|things to do|what'?s on|whats on|for (babies|toddlers|"
                           r"kids|children|under ?(5|fives?|1|ones?)s?|little ones|the little ones?))\b", re.I)


@dataclass
class Match:
    service: DirectoryService
    occurrences: list[Occurrence]
    distance_km: float | None = None
    category_hits: int = 0
    text_score: float = 0.0


@dataclass
class SearchResult:
    query: ServiceQuery
    matches: list[Match]
    relaxed: list[str] = field(default_factory=list)  # filters dropped to find anything: "time", "place"


def looks_like_service_question(text: str) -> bool:
    """For the intent router: a hub service and where/when/cost/booking, or a kind of service at a hub or place."""
    text = NOT_A_PLACE_QUESTION.sub(" ", text)
    found = find_place(text)
    kind, place = bool(find_categories(text)), bool(found)
    if found and found.lat is not None and (WHEN_CUES.search(text) or AUDIENCE_CUES.search(text)):
        return True  # "anything for toddlers in Chapeltown this Saturday"
    if SERVICE_NOUNS.search(text):  # "stay and play", "the hub", "a group"
        # "does the hub do anything for dads?" yes; "he hits kids at stay and play" no (behaviour, not a service).
        return bool(ACCESS_CUES.search(text) or place or (kind and re.search(r"\bhubs?\b", text, re.I)))
    # "can I just turn up to get baby weighed?", "where can I get help with breastfeeding?"
    return kind and bool(ACCESS_CUES.search(text)) and bool(place or LOCATION_SEEKING.search(text))


def needs_directory(query: ServiceQuery) -> bool:
    """Whether the question asks for a kind of service, a place, a time, or where/when/cost/booking."""
    return bool(query.categories or query.place or has_time_filter(query) or HUB_INFO.search(query.text)
                or ACCESS_CUES.search(query.text) and SERVICE_NOUNS.search(query.text))


def is_too_vague(query: ServiceQuery) -> bool:
    """"times?", "help": nothing to search for, so ask rather than list every hub."""
    return not (query.categories or query.place or has_time_filter(query)) and len(query.text.split()) < 3


def category_hits(service: DirectoryService, categories: list[str]) -> int:
    labels = " ".join([service.name, *(t.get("name", "") for t in service.taxonomy_terms)])
    return sum(bool(re.search(CATEGORY_WORDS[c], labels, re.I)) for c in categories)


def is_hub_information(service: DirectoryService) -> bool:
    labels = " ".join([service.name, *(t.get("name", "") for t in service.taxonomy_terms)])
    return bool(re.search(r"information and advice|family hub information", labels, re.I))


def distance(service: DirectoryService, query: ServiceQuery) -> float | None:
    place = query.place
    points = [(s.location.latitude, s.location.longitude) for s in service.service_at_locations
              if s.location.latitude is not None and s.location.longitude is not None]
    if not place or place.lat is None or not points:
        return None
    return min(km_between(place.lat, place.lng, lat, lng) for lat, lng in points)


def fits_age(service: DirectoryService, age: float | None) -> bool:
    if age is None:
        return True
    return (service.minimum_age is None or service.minimum_age <= age) and \
        (service.maximum_age is None or age < service.maximum_age + 1)


def fits_time(occurrence: Occurrence, query: ServiceQuery) -> bool:
    start = occurrence.start
    return ((not query.weekdays or start.weekday() in query.weekdays)
            and (not query.date_from or query.date_from <= start.date() <= (query.date_to or query.date_from))
            and (not query.after or start.time() >= query.after)
            and (not query.before or start.time() < query.before))


def has_time_filter(query: ServiceQuery) -> bool:
    return bool(query.weekdays or query.date_from or query.after or query.before)


def candidates(services: list[DirectoryService], query: ServiceQuery, now: datetime) -> list[Match]:
    matches = []
    for service in services:
        if service.status != "active" or (query.area and service.area != query.area) or not fits_age(service, query.age_years):
            continue
        occurrences = next_occurrences(service.schedules, now, count=12)
        recurring = [s for s in service.schedules if s.freq]
        if recurring and not occurrences:
            continue  # every schedule has ended: the service is not running
        hits = category_hits(service, query.categories)
        if query.categories and not hits:
            continue
        matches.append(Match(service, occurrences, distance(service, query), hits))
    return matches


def narrow(matches: list[Match], query: ServiceQuery, use_time: bool, use_place: bool) -> list[Match]:
    if use_time and has_time_filter(query):
        matches = [Match(m.service, [o for o in m.occurrences if fits_time(o, query)], m.distance_km, m.category_hits,
                         m.text_score) for m in matches]
        matches = [m for m in matches if m.occurrences]
    distances = [m.distance_km for m in matches if m.distance_km is not None]
    if use_place and distances:
        slack = 0.5 if query.wants_nearest else NEARBY_KM  # "nearest" means one hub, "in Wirral" means around it
        matches = [m for m in matches if m.distance_km is not None and m.distance_km <= min(distances) + slack]
    return matches


def is_text_match(score: tuple[float, float, float]) -> bool:
    _, cosine, bm25 = score
    return cosine >= STRONG_TEXT_MATCH or (bm25 > 0 and cosine >= SHARED_WORDS_MATCH)


def pick_kind(matches: list[Match], query: ServiceQuery, scores: dict[str, tuple[float, float, float]]) -> list[Match]:
    """Without a named kind of service: a strong text match, else sessions in a time window, else the hubs."""
    for m in matches:
        m.text_score = scores.get(m.service.id, (0.0, 0.0, 0.0))[0]
    if query.categories:
        return matches
    hubs = [m for m in matches if is_hub_information(m.service)]
    sessions = [m for m in matches if not is_hub_information(m.service)]
    strong = [m for m in sessions if is_text_match(scores.get(m.service.id, (0, 0, 0)))]
    if has_time_filter(query):
        return sessions  # "what's on this week": everything in the window, soonest first
    if HUB_INFO.search(query.text):
        return hubs
    # Otherwise a session that matches the words, else the hubs for a hub question, else an honest "not found".
    return strong or (hubs if HUB_QUESTION.search(query.text) else [])


def order(matches: list[Match]) -> list[Match]:
    far = 1e9
    return sorted(matches, key=lambda m: (-m.category_hits, round(m.distance_km or 0),
                                          m.occurrences[0].start.timestamp() if m.occurrences else far, -m.text_score))


_snapshot_lock = threading.Lock()
_snapshot: tuple[tuple, list[DirectoryService]] = ((), [])


def load_services() -> list[DirectoryService]:
    """All services with their locations and schedules, reloaded only when an import changed them
    (a cheap id/fingerprint query decides), so a chat turn does not rebuild hundreds of ORM objects."""
    global _snapshot
    with session_scope() as session:
        version = tuple(session.execute(select(DirectoryService.id, DirectoryService.fingerprint)).all())
        if version == _snapshot[0]:
            return _snapshot[1]
        services = list(
            session.scalars(
                select(DirectoryService).options(
                    selectinload(DirectoryService.service_at_locations), selectinload(DirectoryService.schedules)
                )
            )
        )
        session.expunge_all()
    with _snapshot_lock:
        _snapshot = (version, services)
    return services


def search(query: ServiceQuery, now: datetime | None = None, limit: int = 5) -> SearchResult:
    now = london_now(now)
    services = load_services()
    scores = text_scores(services, query.text)
    pool = pick_kind(candidates(services, query, now), query, scores)
    # Relax the least important filter first, and say so in the answer.
    for relaxed, use_time, use_place in (([], True, True), (["time"], False, True), (["place"], True, False),
                                         (["time", "place"], False, False)):
        found = narrow(pool, query, use_time, use_place)
        if found:
            return SearchResult(query, order(found)[:limit], relaxed)
    return SearchResult(query, [])


def find_services(text: str, area: str | None = None, now: datetime | None = None, limit: int = 5) -> SearchResult:
    return search(parse_query(text, area, now), now, limit)
