"""Per-client limits (slowapi): chat messages, shared by the JSON API and the no-JavaScript form, and stories
sent with tell it once."""

from __future__ import annotations

import math
import time

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from limits import parse
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address

from core.settings import get_settings
from core.shared_store import limits_storage_uri

TOO_MANY = "You have sent a lot of messages in a short time. Please wait a minute, then try again."

# One bucket per client for both ways of sending a message. The limit is read per request,
# so CHAT_RATE_LIMIT applies without code changes.
def make_limiter() -> Limiter:
    """Counts on the shared storage (Redis when REDIS_URL is set), so N servers do not give a client N times the
    limit. If Redis stops answering, each server counts on its own until it is back rather than failing chats."""
    storage_uri = limits_storage_uri()
    return Limiter(key_func=get_remote_address, headers_enabled=False, storage_uri=storage_uri,
                   in_memory_fallback_enabled=storage_uri != "memory://")


limiter = make_limiter()
chat_limit = limiter.shared_limit(lambda: get_settings().rate_limit, scope="chat")
STORY_SCOPE = "share"


def take_story_place(request: Request) -> int:
    """Counts one story from this client against SHARE_RATE_LIMIT: 0 when it may be sent, else the seconds until
    it may. Called by the route once a story is ready to send, not as a decorator, so that the refusal can keep
    the parent's answers, and a form sent back for a missing tick is not counted."""
    limit, client = parse(get_settings().share_rate_limit), get_remote_address(request)
    if limiter.limiter.hit(limit, STORY_SCOPE, client):
        return 0
    reset_at, _remaining = limiter.limiter.get_window_stats(limit, STORY_SCOPE, client)
    return max(1, math.ceil(reset_at - time.time()))


async def too_many_requests(_request: Request, _exc: RateLimitExceeded) -> Response:
    return JSONResponse(status_code=429, content={"error": TOO_MANY, "detail": []}, headers={"Retry-After": "60"})
