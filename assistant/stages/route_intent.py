"""Stage: decide the kind of an ordinary (non-safety) turn: greeting, contact request, vague, services or guidance."""

from __future__ import annotations

from assistant import intents
from assistant.context import TurnContext
from assistant.messages import message


def stage(ctx: TurnContext) -> None:
    greeting = intents.greeting_kind(ctx.text)
    if greeting:
        ctx.end("answered", "greeting", message(greeting))
    elif intents.asks_for_contact(ctx.text):
        ctx.handoff_offered = True
        ctx.end("answered", "handoff", message("handoff_offer"))
    elif (intents.is_vague(ctx.text) or intents.continues_earlier_turn(ctx.text)) and not ctx.history:
        # "and what about at night?" with nothing before it: ask, rather than guess what "it" was.
        ctx.end("clarification", "guidance", message("clarification"))
    else:
        ctx.route = "services" if intents.asks_about_services(ctx.text) else "guidance"
