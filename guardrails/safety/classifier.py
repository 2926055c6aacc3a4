"""Decide the safety/scope route of one message: wording patterns first, embedding similarity second."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

# When several routes match, the most urgent wins (PRIORITY order, core/data/routes.yaml).
from core.types import PRIORITY, URGENT_ROUTES
from guardrails.language import is_english
from guardrails.normalise import smuggled_text, strip_invisible
from guardrails.safety import exemplars, learned, patterns



@dataclass(frozen=True)
class SafetyVerdict:
    route: str | None  # one of PRIORITY, or None for an ordinary message
    reason: str  # which pattern or exemplar decided; for logs and tests, never shown to parents
    # Every urgent route found, in the order their help is shown (the route first): a parent in crisis who
    # also discloses abuse gets both, their own crisis first.
    urgent: tuple[str, ...] = ()
    # Urgent routes that are possible but not certain: the answer still comes, with their help first.
    possible: tuple[str, ...] = ()
    english: bool = True  # False when the message is clearly in another language
    # Of the possible routes, the one the turn is reported under (the help texts keep HELP_ORDER).
    likeliest_possible: str | None = None

    @property
    def is_safety(self) -> bool:
        return self.route is not None


ORDINARY = SafetyVerdict(None, "no safety or scope signal")


@dataclass
class Reading:
    found: dict[str, str]  # route -> reason, for every route the message triggers
    possible: dict[str, str]  # urgent routes the learned model thinks possible but not certain
    english: bool = True
    likelihood: dict[str, float] = field(default_factory=dict)  # the learned model's probability per route


def candidates(text: str) -> dict[str, str]:
    """Every route the message triggers, with the reason. Patterns take precedence for the reason."""
    return read(text).found


def read(text: str) -> Reading:
    found: dict[str, str] = {}
    reading = learned.LearnedReading()
    english = True
    hidden = smuggled_text(text)
    if hidden:
        # Tag characters spell text the parent never saw: only an attack sends those.
        found["injection"] = "hidden Unicode tag text"
    visible = strip_invisible(text)
    if not visible:
        return Reading(found, {}, english)
    decoded = encoded_text(visible)
    if decoded and (patterns.matches(patterns.prepare(decoded)) or len(decoded.split()) >= 3):
        # Encoded words a parent would not type, spelling out text: a way to slip instructions past us.
        found.setdefault("injection", "encoded (base64) text")
    prepared = patterns.prepare(visible)
    for route, name in patterns.matches(prepared).items():
        found.setdefault(route, f"pattern {route}/{name}")
    unmasked = patterns.deobfuscated(prepared)
    if unmasked and "injection" in patterns.matches(unmasked):
        # Dotted or leetspeak spelling ("i.g.n.o.r.e y0ur rul3s"): only an attack disguises those words.
        found.setdefault("injection", f"pattern injection/{patterns.matches(unmasked)['injection']} (disguised)")
    cleaned = patterns.without_idioms(prepared)
    scoped = patterns.in_scope(cleaned)
    past = patterns.is_past_resolved(cleaned)
    for route, reason in exemplars.routes_above_threshold(visible, in_scope=scoped).items():
        if not (route == "emergency" and past):
            found.setdefault(route, reason)
    if not any(route in found for route in URGENT) and len(visible.split()) > exemplars.index().clause_words:
        # Long message with nothing urgent overall: read each clause too, so a disclosure buried in the
        # middle of ordinary chat is not averaged away. Only the urgent routes and injection are taken.
        for route, reason in exemplars.clause_routes(patterns.clauses(visible), (*URGENT, "injection")).items():
            if not (route == "emergency" and past):
                found.setdefault(route, reason)
    english = is_english(visible)
    # Two-word messages ("my son") carry too little meaning for a model: wording patterns cover short alarms.
    long_enough = len(visible.split()) >= exemplars.index().min_words
    reading = learned.read_message(visible, english=english) if long_enough else learned.LearnedReading()
    if english and cleaned != prepared:
        # A known idiom ("dying for a brew", "killing me"): the model reads the raw words, so on its own it
        # may only say an urgent route is possible (its help shown first), never end the turn.
        reading.possible.update({r: why for r, why in reading.sure.items() if r in URGENT})
        reading.sure = {r: why for r, why in reading.sure.items() if r not in URGENT}
    for route, why in reading.sure.items():
        if route in URGENT and not (route == "emergency" and past):
            found.setdefault(route, why)
        elif route == "injection" and not any(r in found for r in URGENT):
            found.setdefault(route, why)
        elif route == "medical" and not english and not any(r in found for r in URGENT):
            found.setdefault(route, why)  # in English, medical wording is the patterns' and exemplars' job
    if not any(route in found for route in URGENT) and len(visible.split()) > exemplars.index().clause_words:
        for route, why in learned.read_clauses(patterns.clauses(visible), URGENT, english=english).items():
            if not (route == "emergency" and past):
                found.setdefault(route, why)
    if not english:
        # Scope is judged by English models and wording: a message in another language is never refused as
        # out of scope (it may be urgent); it goes on, and gets the urgent-help text if nothing answers it.
        found.pop("out_of_scope", None)
        return Reading(found, reading.possible, english, reading.probabilities)
    route, probability = exemplars.model_route(visible)
    # The model reads the raw wording, so "I'm dying for a night's sleep" or "at the end of my rope" can
    # look like a crisis to it: when the patterns blanked out an idiom, it must be surer.
    if long_enough and exemplars.route_model().fires(route, probability, idiom=cleaned != prepared):
        why = f"route model {route} ({probability:.2f})"
        if route in URGENT:
            # A recall backstop: only when nothing urgent was found another way.
            if not any(r in found for r in URGENT) and not (route == "emergency" and past):
                found[route] = why
        else:
            if route == "injection" and not any(r in found for r in URGENT):
                found.setdefault(route, why)
            elif route == "out_of_scope" and not found and not patterns.about_children(cleaned):
                found[route] = why
    if not found and not scoped:
        far = exemplars.far_from_scope(visible)
        if far:
            found["out_of_scope"] = far
    return Reading(found, reading.possible, english, reading.probabilities)


URGENT = URGENT_ROUTES
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")


def encoded_text(text: str) -> str:
    """Readable text hidden in base64-looking runs (16+ characters), or ''."""
    out: list[str] = []
    for token in _BASE64.findall(text):
        if token.isalpha() and (token.islower() or token.isupper()):
            continue  # a long ordinary word, not an encoding
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
            decoded = raw.decode("ascii")
        except (binascii.Error, ValueError):
            continue
        printable = sum(ch.isalnum() or ch in " .,'!?:;-" for ch in decoded)
        if decoded and printable / len(decoded) > 0.9 and " " in decoded:
            out.append(decoded)
    return " ".join(out)


# The order urgent help is shown in: a child in danger now first, then the parent's own crisis, then
# a child at risk (a parent who is struggling must never lose the crisis numbers behind other text).
HELP_ORDER = ("emergency", "crisis", "safeguarding")


def choose(found: dict[str, str], possible: dict[str, str] | None = None, *, english: bool = True,
           likelihood: dict[str, float] | None = None) -> SafetyVerdict:
    maybe = tuple(route for route in HELP_ORDER if route in (possible or {}) and route not in found)
    urgent = tuple(route for route in HELP_ORDER if route in found)
    if urgent:
        # Another urgent route the model thinks possible is shown too, in help order: a father whose despair
        # reads mostly as a risk to the children still gets the crisis numbers, before the other text.
        urgent = tuple(route for route in HELP_ORDER if route in urgent or route in maybe)
        # The route reported is the most urgent by PRIORITY, except that a parent saying they fear harming
        # their child (a crisis_first pattern) is in crisis first, whatever the embeddings add.
        # Wording patterns are precise and the learned model is a recall layer: when a pattern found an
        # urgent route, the route it found leads.
        by_pattern = [route for route in PRIORITY if route in found and route in URGENT and found[route].startswith("pattern")]
        primary = by_pattern[0] if by_pattern else next(route for route in PRIORITY if route in found)
        crisis_first = {f"pattern crisis/{name}" for name in patterns.pattern_set().crisis_first}
        if primary == "safeguarding" and found.get("crisis") in crisis_first \
                and not found["safeguarding"].startswith("pattern"):
            primary = "crisis"
        primary = _likelier_parent_or_child_route(primary, urgent, found, likelihood or {})
        return SafetyVerdict(primary, found.get(primary) or (possible or {})[primary], urgent, english=english)
    for route in PRIORITY:
        if route in found:
            return SafetyVerdict(route, found[route], english=english)
    # Reported as the urgent routes are: the most urgent by PRIORITY, crisis or safeguarding by likelihood.
    first = next((route for route in PRIORITY if route in maybe), None)
    likeliest = _likelier_parent_or_child_route(first, maybe, {}, likelihood or {}) if first else None
    return SafetyVerdict(None, ORDINARY.reason, possible=maybe, english=english, likeliest_possible=likeliest)


_PARENT_OR_CHILD = ("crisis", "safeguarding")


def _likelier_parent_or_child_route(primary: str, shown: tuple[str, ...], found: dict[str, str],
                                    likelihood: dict[str, float]) -> str:
    """When both the parent's crisis and a child-at-risk text are shown, report the one the learned model finds
    likelier: which route leads is otherwise decided by a fixed order, and a father drinking to get through,
    or a mother beaten at home, fits the other route's words too. A route found by a wording pattern while the
    other was not still leads (patterns are precise); both texts are shown either way."""
    if primary not in _PARENT_OR_CHILD or not all(route in shown for route in _PARENT_OR_CHILD) or not likelihood:
        return primary
    by_pattern = [route for route in _PARENT_OR_CHILD if found.get(route, "").startswith("pattern")]
    if len(by_pattern) == 1:
        return by_pattern[0]
    return max(_PARENT_OR_CHILD, key=lambda route: likelihood.get(route, 0.0))


def classify(text: str) -> SafetyVerdict:
    """Route for one message (raw or already normalised; invisible characters are handled here too)."""
    reading = read(text)
    return choose(reading.found, reading.possible, english=reading.english, likelihood=reading.likelihood)


def classify_turn(text: str, previous: str | None = None, *, raw: str | None = None) -> SafetyVerdict:
    """Classify a message in a conversation.

    A short follow-up ("and now he won't wake up", "he's doing it again") only makes sense with the
    message before it, so it is also read joined to that message; only the urgent routes are taken from
    the joined reading, so an earlier medical question does not colour a later ordinary one.
    raw: the message exactly as typed, checked for smuggled tag text (the working text has had it removed).
    """
    reading = read(text)
    if raw is not None and smuggled_text(raw):
        reading.found.setdefault("injection", "hidden Unicode tag text")
    verdict = choose(reading.found, reading.possible, english=reading.english, likelihood=reading.likelihood)
    if verdict.urgent or not previous:
        return verdict
    prepared = patterns.prepare(strip_invisible(text))
    if len(prepared.split()) > FOLLOW_UP_WORDS or patterns.is_closing(prepared):
        return verdict
    joined = choose({r: why for r, why in candidates(f"{previous} {text}").items() if r in URGENT})
    if joined.route is not None:
        return SafetyVerdict(joined.route, f"with previous message: {joined.reason}", joined.urgent,
                             english=reading.english)
    return verdict

FOLLOW_UP_WORDS = 8
