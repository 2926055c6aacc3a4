"""HTTP hardening: response security headers, and a cap on request size before anything reads the body."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = "That was too much to send at once. Please shorten it and try again."

# No inline scripts or styles anywhere, so a strict policy costs nothing and keeps injected HTML inert.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors {ancestors}"
    ),
    "x-content-type-options": "nosniff",
    # Private "my story" links carry a token in the path: never send it on to other sites.
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    # Browsers ignore HSTS over plain http, so sending it always is safe; over https it keeps them there.
    "strict-transport-security": "max-age=31536000; includeSubDomains",
}
# Staff pages hold families' stories: never framed, whatever FRAME_ANCESTORS allows for the parent chat.
STAFF_PREFIXES = ("/staff",)


class _TooLarge(Exception):
    pass


class SecurityMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware) so streaming responses and background tasks are untouched."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, frame_ancestors: str) -> None:
        self.app, self.max_body_bytes = app, max_body_bytes
        self.headers = [
            (name.encode(), value.format(ancestors=frame_ancestors).encode()) for name, value in SECURITY_HEADERS.items()
        ]
        self.staff_headers = [
            (name.encode(), value.format(ancestors="'none'").encode()) for name, value in SECURITY_HEADERS.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(send)
            return
        received, too_large, started = 0, False, False
        headers = self.staff_headers if scope.get("path", "").startswith(STAFF_PREFIXES) else self.headers

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:  # chunked bodies have no content-length to check up front
                too_large = True
                raise _TooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if too_large:  # the framework turned our exception into its own error: answer 413 instead
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._too_large(send)
                return
            if message["type"] == "http.response.start":
                started = True
                existing = list(message.get("headers", []))
                present = {name.lower() for name, _ in existing}  # a route's own stricter header wins
                message["headers"] = existing + [(n, v) for n, v in headers if n not in present]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        body = json.dumps({"error": TOO_LARGE, "detail": []}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), *self.headers]})
        await send({"type": "http.response.body", "body": body})
