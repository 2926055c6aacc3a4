"""Per-client message limits (slowapi), shared by the JSON API and the no-JavaScript form."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address

from core.settings import get_settings

TOO_MANY = "You have sent a lot of messages in a short time. Please wait a minute, then try again."

# One bucket per client for both ways of sending a message. The limit is read per request,
# so CHAT_RATE_LIMIT applies without code changes.
limiter = Limiter(key_func=get_remote_address, headers_enabled=False)
chat_limit = limiter.shared_limit(lambda: get_settings().rate_limit, scope="chat")
share_limit = limiter.shared_limit(lambda: get_settings().share_rate_limit, scope="share")
TOO_MANY_STORIES = ("You have sent several stories", "You have sent a lot of stories from this device in a short time. "
                    "Please wait an hour, or call your family hub.")


async def too_many_requests(request: Request, _exc: RateLimitExceeded) -> Response:
    if request.url.path.startswith("/share"):
        from web.handoff_web import problem  # the share journey is pages, not JSON

        response = problem(request, 429, *TOO_MANY_STORIES, ("/", "Back to the chat"))
        response.headers["Retry-After"] = "3600"
        return response
    return JSONResponse(status_code=429, content={"error": TOO_MANY, "detail": []}, headers={"Retry-After": "60"})
