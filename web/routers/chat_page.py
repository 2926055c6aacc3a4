"""The parent chat page: works as a plain form POST, and chat.js enhances it in place.

The conversation lives in an HttpOnly cookie, never in the address: a transcript (which may hold a
safeguarding disclosure) is readable only by the browser that holds its conversation, for
CHAT_COOKIE_MINUTES after its last message or until "End conversation". Every chat page is no-store, so
the back button on a shared hub computer cannot show it either."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.chat import InvalidMessage, handle_turn
from core.areas import AREAS
from core.settings import get_settings
from assistant.conversations import ConversationNotFound, transcript
from knowledge_base.directory import is_example_data
from web.deps import CONVERSATION_COOKIE, conversation_of
from web.labels import labels_for, page_context
from web.rate_limit import chat_limit
from web.templating import templates
from web.cookies import secure_cookies

router = APIRouter(include_in_schema=False)


def _keep_conversation(request: Request, response: Response, conversation_id: str) -> Response:
    response.set_cookie(CONVERSATION_COOKIE, conversation_id, max_age=get_settings().chat_cookie_minutes * 60,
                        httponly=True, samesite="lax", secure=secure_cookies(request), path="/")
    return _no_store(response)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(request: Request, conversation_id: str | None, area: str | None, status_code: int = 200,
          language: str | None = None, **errors: str) -> Response:
    try:
        turns = transcript(conversation_id) if conversation_id else []
    except ConversationNotFound:
        turns, conversation_id = [], None
        errors.setdefault("notice", labels_for(language or "en")["conversation_ended"])
    summary = [{"field_id": field.removesuffix("_error"), "message": text} for field, text in errors.items() if field.endswith("_error")]
    return _no_store(templates.TemplateResponse(
        request,
        "chat.html",
        {
            "turns": turns,
            "conversation_id": conversation_id,
            "area": area if area in AREAS else None,
            "max_chars": get_settings().max_message_chars,
            "example_directory": is_example_data(area if area in AREAS else None),
            "error_summary": summary,
            **page_context(language),
            **errors,
        },
        status_code=status_code,
    ))


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, area: Annotated[str | None, Query(max_length=40)] = None,
              lang: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    """lang: the conversation's language, from the previous reply's redirect or the language links."""
    return _page(request, conversation_of(request), area, language=lang)


@router.post("/chat/end")
def end_conversation(request: Request) -> Response:
    """Forget the conversation in this browser (a shared computer): the next person starts afresh."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(CONVERSATION_COOKIE, path="/")
    return _no_store(response)


@router.post("/chat")
@chat_limit
def send_message(
    request: Request,
    message: Annotated[str, Form(max_length=20000)] = "",
    area: Annotated[str, Form(max_length=40)] = "",
    language: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """language: a hidden field holding the conversation's language from the previous reply (no server memory)."""
    conversation_id = conversation_of(request) or ""
    if area and area not in AREAS:
        return _page(request, conversation_id or None, None, 422, language=language or None,
                     area_error="Choose your area from the list")
    try:
        ctx = handle_turn(message, conversation_id or None, area or None, language or None)
    except InvalidMessage as exc:
        return _page(request, conversation_id or None, area, 422, language=language or None, message_error=str(exc),
                     draft=message[:20000])
    except ConversationNotFound:
        ctx = handle_turn(message, None, area or None, language or None)
    if request.headers.get("x-requested-with") == "chat.js":
        turn = transcript(ctx.conversation_id)[-1]
        return _keep_conversation(request, templates.TemplateResponse(request, "partials/turn.html", {"turn": turn, "is_latest": True, "area": area or None, **page_context(ctx.language)}),
                                  ctx.conversation_id)
    # Post/redirect/get: refreshing the page never sends the message twice. The address names no conversation,
    # only the area and the language the reply was in (the next message carries it back in a hidden field).
    query = urlencode({key: value for key, value in (("area", area), ("lang", ctx.language)) if value and value != "en"})
    return _keep_conversation(request, RedirectResponse(f"/{'?' + query if query else ''}#latest", status_code=303),
                              ctx.conversation_id)
