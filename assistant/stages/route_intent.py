"""Stage: decide the kind of an ordinary (non-safety) turn: greeting, contact request, vague, services or guidance."""

from __future__ import annotations

from assistant import conversation, intents
from assistant.context import TurnContext
from assistant.messages import message
from guardrails.safety import signposting_for


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
    elif ctx.out_of_scope:
        ctx.end("refused", "out_of_scope", signposting_for("out_of_scope", ctx.area))
    elif conversation.reads(ctx.text, ctx.english) and (kind := conversation.model().kind(ctx.text)):
        # Every other phrasing of hello, thanks, goodbye or "what can you do", after the clearer cases above.
        ctx.end("answered", "greeting", message(kind))
    else:
        ctx.route = "services" if intents.asks_about_services(ctx.text) else "guidance"
