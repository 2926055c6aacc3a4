"""Cookie flags shared by every router that sets a cookie."""

from __future__ import annotations

from fastapi import Request

from core.settings import get_settings


def secure_cookies(request: Request) -> bool:
    """Secure when the request came over TLS (as told by a trusted proxy, see TRUSTED_PROXIES) or when
    COOKIE_SECURE forces it: behind TLS offload the app may see plain http."""
    return get_settings().cookie_secure or request.url.scheme == "https"
