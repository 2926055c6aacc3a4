"""What a parent's message asks of the directory: kinds of service, place, child's age, days and times."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from knowledge_base.directory.localities import Place, find_place
from knowledge_base.directory.schedules import london_now

# Taxonomy codes of the bundled vocabulary, with the words parents use for them.
CATEGORY_WORDS: dict[str, str] = {
    "stay-and-play": r"stay (and|&|n|'n') ?play|play ?sessions?|play ?groups?|messy play",
    "baby-and-toddler": r"baby (and|&) toddler|toddler groups?|baby groups?|parent (and|&) toddler|mums? (and|&) tots|under ?1s?\b|under ones",
    "baby-massage": r"baby massage|massage",
    "health-visitor-clinic": r"health ?visitors?|baby clinic|weigh(ing|ed|t)?\b|clinic|2 ?year (check|review)|two year (check|review)",
    "infant-feeding": r"breast ?feed\w*|breast and bottle|bottle ?feed\w*|infant feeding|combination feeding|formula|feeding|weaning",
    "early-language": r"chatter|speech|language|talk(ing)?\b|words",
    "parenting-programme": r"parenting|courses?\b|programmes?|programs?\b|tantrums?|behaviour",
    "dads": r"\bdads?\b|\bfathers?\b|male carers?",
    "send": r"\bsend\b|special (educational )?needs|additional needs|autis\w*|disab\w*|\bsen\b|local offer",
    "toilet-training": r"potty|toilet|toileting|nappies|wetting",
    "funded-childcare": r"funded|free (childcare|nursery)|childcare|15 hours|30 hours|nursery (hours|place)|2 year old place",
}
CATEGORY_LABELS: dict[str, str] = {
    "stay-and-play": "stay and play sessions", "baby-and-toddler": "baby and toddler groups",
    "baby-massage": "baby massage", "health-visitor-clinic": "health visitor drop-in and baby weighing clinics",
    "infant-feeding": "infant feeding and breastfeeding support", "early-language": "speech and language (Chatter) groups",
    "parenting-programme": "parenting courses", "dads": "groups for dads", "send": "SEND support",
    "toilet-training": "toilet training workshops", "funded-childcare": "funded childcare advice",
    "family-hub-information": "family hub opening times and contact details",
}
DAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
DAY_RE = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b", re.I)
AGE_RE = re.compile(r"\b(\d{1,2}(?:\.5)?)(?: and a half)?[\s-]*(years?|yrs?|y/?o|months?|mths?|m/?o)\b", re.I)


@dataclass
class ServiceQuery:
    text: str
    categories: list[str] = field(default_factory=list)
    place: Place | None = None
    area: str | None = None
    age_years: float | None = None
    weekdays: set[int] = field(default_factory=set)
    date_from: date | None = None
    date_to: date | None = None
    after: time | None = None
    before: time | None = None
    wants_nearest: bool = False

    @property
    def when_label(self) -> str:
        names = [d.title() for d, n in DAYS.items() if n in self.weekdays]
        return " or ".join(names)


def find_categories(text: str) -> list[str]:
    found = [code for code, words in CATEGORY_WORDS.items() if re.search(words, text, re.I)]
    # "stay and play for dads" is for dads; "course" only means parenting when nothing more specific matched.
    if "parenting-programme" in found and len(found) > 1 and not re.search(r"parenting|tantrum|behaviour", text, re.I):
        found.remove("parenting-programme")
    if "health-visitor-clinic" in found and "send" in found and not re.search(r"health ?visitor|weigh", text, re.I):
        found.remove("health-visitor-clinic")
    return found


def find_age(text: str) -> float | None:
    match = AGE_RE.search(text)
    if match:
        value = float(match.group(1)) + (0.5 if "half" in match.group(0) else 0)
        return value / 12 if match.group(2).lower().startswith("m") else value
    if re.search(r"\bunder ?(1s?|ones?)\b|newborn", text, re.I):
        return 0.5
    return None


def add_when(query: ServiceQuery, text: str, now: datetime) -> None:
    lowered, today = text.lower(), now.date()
    for match in DAY_RE.finditer(text):
        word = match.group(0).lower()
        query.weekdays |= {n for d, n in DAYS.items() if d.startswith(word[:3])}
    if "weekend" in lowered:
        query.weekdays |= {5, 6}
    if "today" in lowered or "tonight" in lowered:
        query.date_from = query.date_to = today
    elif "tomorrow" in lowered:
        query.date_from = query.date_to = today + timedelta(days=1)
    elif "next week" in lowered:
        query.date_from = today + timedelta(days=7 - today.weekday())
        query.date_to = query.date_from + timedelta(days=6)
    elif "this week" in lowered:
        query.date_from, query.date_to = today, today + timedelta(days=6)  # parents mean "the coming days"
    if re.search(r"after (school|nursery|work)|evening", lowered):
        query.after = time(15, 0) if "school" in lowered or "nursery" in lowered else time(17, 0)
    elif "morning" in lowered:
        query.before = time(12, 0)
    elif "afternoon" in lowered:
        query.after = time(12, 0)


def parse_query(text: str, area: str | None = None, now: datetime | None = None) -> ServiceQuery:
    place = find_place(text)
    query = ServiceQuery(text=text, categories=find_categories(text), place=place,
                         area=place.area if place else area, age_years=find_age(text),
                         wants_nearest=bool(re.search(r"nearest|closest|near me|nearby|local", text, re.I)))
    add_when(query, text, london_now(now))
    return query
