"""Turn bad input into precise 4xx answers a person understands; never a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.areas import AREAS
from core.settings import get_settings

from assistant.chat import InvalidMessage
from assistant.conversations import ConversationNotFound

log = logging.getLogger("web.errors")


class ErrorBody(BaseModel):
    error: str
    detail: list[dict] = []


ERROR_RESPONSES: dict[int | str, dict] = {
    400: {"model": ErrorBody, "description": "The body could not be read (not UTF-8 text)"},
    404: {"model": ErrorBody, "description": "Unknown conversation"},
    413: {"model": ErrorBody, "description": "The body is larger than MAX_REQUEST_BYTES"},
    422: {"model": ErrorBody, "description": "The request could not be used"},
    429: {"model": ErrorBody, "description": "Too many messages"},
}

_FIELD_HINTS = {
    "area": f"The area must be one of: {', '.join(AREAS)} (or null).",
    "conversation_id": "The conversation_id must be one this service gave you, or null.",
}


def _hint(field: str) -> str | None:
    if field == "message":  # the council's own limit (MAX_MESSAGE_CHARS), as the schema states it
        return f"The message must be text of 1 to {get_settings().max_message_chars:,} characters."
    return _FIELD_HINTS.get(field)


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict]]:
    details = []
    for error in exc.errors():
        field = next((str(p) for p in reversed(error.get("loc", ())) if isinstance(p, str) and p != "body"), "")
        details.append({"field": field, "problem": _hint(field) or error.get("msg", "invalid")})
    if not details or any(e.get("type") in {"json_invalid", "model_attributes_type"} for e in exc.errors()):
        return "The request body must be JSON like {\"message\": \"your question\"}.", details
    return " ".join(dict.fromkeys(d["problem"] for d in details)), details


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        message, details = _validation_message(exc)
        return JSONResponse(status_code=422, content={"error": message, "detail": details})

    @app.exception_handler(InvalidMessage)
    async def invalid_message(_request: Request, exc: InvalidMessage) -> JSONResponse:
        return JSONResponse(status_code=422, content={"error": str(exc), "detail": []})

    @app.exception_handler(ConversationNotFound)
    async def unknown_conversation(_request: Request, _exc: ConversationNotFound) -> JSONResponse:
        message = "We could not find that conversation. It may have expired. Please start a new one."
        return JSONResponse(status_code=404, content={"error": message, "detail": []})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_response(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # The type only: exception text can quote the message.
        log.error("unexpected error type=%s", type(exc).__name__)
        return _error_response(request, 500, "Sorry, something went wrong on our side. Please try again in a minute.")


_PAGE_TITLES = {404: "Page not found", 405: "Page not found", 500: "Sorry, there is a problem with the service"}
_PAGE_MESSAGES = {
    404: "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
    405: "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
}


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(("/api/", "/oruk")) and "text/html" in request.headers.get("accept", "")


def _error_response(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    """Browsers get a GOV.UK error page; API clients get JSON with the same plain message."""
    if not _wants_html(request):
        return JSONResponse(status_code=status, content={"error": message, "detail": []}, headers=headers)
    from web.templating import templates

    title = _PAGE_TITLES.get(status, "Sorry, there is a problem")
    context = {"title": title, "message": _PAGE_MESSAGES.get(status, message)}
    return templates.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)
