"""The parent chat page: works as a plain form POST, and chat.js enhances it in place."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.chat import InvalidMessage, handle_turn
from core.areas import AREAS
from core.settings import get_settings
from assistant.conversations import ConversationNotFound, transcript
from knowledge_base.directory import is_example_data
from web.rate_limit import chat_limit
from web.templating import templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, conversation_id: str | None, area: str | None, status_code: int = 200, **errors: str) -> Response:
    try:
        turns = transcript(conversation_id) if conversation_id else []
    except ConversationNotFound:
        turns, conversation_id = [], None
        errors.setdefault("notice", "That conversation has ended. You can start a new one below.")
    summary = [{"field_id": field.removesuffix("_error"), "message": text} for field, text in errors.items() if field.endswith("_error")]
    return templates.TemplateResponse(
        request,
        "chat.html",
        {
            "turns": turns,
            "conversation_id": conversation_id,
            "area": area if area in AREAS else None,
            "max_chars": get_settings().max_message_chars,
            "example_directory": is_example_data(area if area in AREAS else None),
            "error_summary": summary,
            **errors,
        },
        status_code=status_code,
    )


@router.get("/", response_class=HTMLResponse)
def chat_page(
    request: Request,
    conversation_id: Annotated[str | None, Query(max_length=64)] = None,
    area: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    return _page(request, conversation_id, area)


@router.post("/chat")
@chat_limit
def send_message(
    request: Request,
    message: Annotated[str, Form(max_length=20000)] = "",
    area: Annotated[str, Form(max_length=40)] = "",
    conversation_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    if area and area not in AREAS:
        return _page(request, conversation_id or None, None, 422, area_error="Choose your area from the list")
    try:
        ctx = handle_turn(message, conversation_id or None, area or None)
    except InvalidMessage as exc:
        return _page(request, conversation_id or None, area, 422, message_error=str(exc), draft=message[:20000])
    except ConversationNotFound:
        ctx = handle_turn(message, None, area or None)
    if request.headers.get("x-requested-with") == "chat.js":
        turn = transcript(ctx.conversation_id)[-1]
        return templates.TemplateResponse(
            request, "partials/turn.html", {"turn": turn, "conversation_id": ctx.conversation_id}
        )
    query = f"conversation_id={ctx.conversation_id}" + (f"&area={area}" if area else "")
    # Post/redirect/get: refreshing the page never sends the message twice.
    return RedirectResponse(f"/?{query}#latest", status_code=303)
