"""Stage: send safety and out-of-scope messages to fixed signposting before anything else sees them."""

from __future__ import annotations

from assistant.context import TurnContext
from core.types import SIGNPOSTED_ROUTES
from guardrails.safety import classify_turn, signposting_for

# Routes answered with signposting (status "signposted"); injection is refused here, out_of_scope in route_intent.
SIGNPOSTED = frozenset(SIGNPOSTED_ROUTES)
REFUSED = frozenset({"injection"})


def stage(ctx: TurnContext) -> None:
    previous = ctx.history[-1] if ctx.history else None
    # ctx.message is only read for smuggled tag characters, which normalise has already removed from ctx.text.
    verdict = classify_turn(ctx.text, previous, raw=ctx.message)
    ctx.english = verdict.english
    if verdict.urgent:
        # Every urgent route found gets its help, in order: two routes at once never lose either's numbers.
        ctx.end("signposted", verdict.route, "\n\n".join(signposting_for(r, ctx.area, ctx.language) for r in verdict.urgent))
    elif verdict.route == "medical":
        # The fixed medical signposting comes first, and the turn goes on: the guidance that fits the worry
        # (a when-to-get-help section on urine infections, blood in a nappy...) follows it when the ranker is
        # sure of one, so a parent is told more than "see a GP" (compose leaves weak matches out).
        ctx.urgent_help = ["medical"]
        ctx.notices[:0] = [signposting_for("medical", ctx.area, ctx.language)]
    elif verdict.route in SIGNPOSTED:
        ctx.end("signposted", verdict.route, signposting_for(verdict.route, ctx.area, ctx.language))
    elif verdict.route in REFUSED:
        # Fixed text only: an injection's wording is never echoed back or acted on.
        ctx.end("refused", verdict.route, signposting_for(verdict.route, ctx.area, ctx.language))
    elif verdict.route == "out_of_scope":
        ctx.out_of_scope = True  # refused in route_intent, after greetings and follow-ups have had their say
    elif verdict.possible:
        # Possible but not certain: the parent still gets an answer, with the urgent help before it.
        # Reported under the likeliest of them; the help texts keep their fixed order.
        ctx.urgent_help = sorted(verdict.possible, key=lambda route: route != verdict.likeliest_possible)
        ctx.notices[:0] = [signposting_for(r, ctx.area, ctx.language) for r in verdict.possible]


def finish(ctx: TurnContext) -> None:
    """After the other stages: a turn that showed urgent (or medical) help is reported under that route."""
    if ctx.urgent_help and ctx.status != "refused" and ctx.route not in SIGNPOSTED:
        ctx.route, ctx.status = ctx.urgent_help[0], "signposted"
