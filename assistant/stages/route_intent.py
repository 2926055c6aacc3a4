"""Stage: decide the kind of an ordinary (non-safety) turn: greeting, contact request, vague, services or guidance."""

from __future__ import annotations

from assistant import conversation, conversation_multilingual, intents
from assistant.context import TurnContext
from assistant.messages import message
from guardrails.safety import signposting_for


CONVERSATION_KINDS = ("hello", "thanks", "goodbye", "capabilities")


def stage(ctx: TurnContext) -> None:
    if not ctx.english and _read_in_other_language(ctx):
        return
    greeting = intents.greeting_kind(ctx.text)
    if greeting:
        ctx.end("answered", "greeting", message(greeting, ctx.language))
    elif intents.asks_for_contact(ctx.text):
        ctx.handoff_offered = True
        ctx.end("answered", "handoff", message("handoff_offer", ctx.language))
    elif (intents.is_vague(ctx.text) or intents.continues_earlier_turn(ctx.text)) and not ctx.history:
        # "and what about at night?" with nothing before it: ask, rather than guess what "it" was.
        ctx.end("clarification", "guidance", message("clarification", ctx.language))
    elif ctx.out_of_scope:
        ctx.end("refused", "out_of_scope", signposting_for("out_of_scope", ctx.area, ctx.language))
    elif conversation.reads(ctx.text, ctx.english) and (kind := conversation.model().kind(ctx.text)):
        # Every other phrasing of hello, thanks, goodbye or "what can you do", after the clearer cases above.
        ctx.end("answered", "greeting", message(kind, ctx.language))
    else:
        ctx.route = "services" if intents.asks_about_services(ctx.text) else "guidance"


def _read_in_other_language(ctx: TurnContext) -> bool:
    """The English patterns and classifier cannot read a Polish thank-you or an Urdu request for an interpreter:
    a model over multilingual vectors decides those. True when it decided the turn."""
    kind = conversation_multilingual.model().kind(ctx.text)
    if kind in CONVERSATION_KINDS:
        ctx.end("answered", "greeting", message(kind, ctx.language))
    elif kind == "contact":
        ctx.handoff_offered = True
        ctx.end("answered", "handoff", message("handoff_offer", ctx.language))
    elif kind == "services":
        ctx.route = "services"
    return kind is not None
