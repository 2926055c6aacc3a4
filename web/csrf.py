"""CSRF for every form: a random cookie plus a signed copy in a hidden field (signed double submit)."""

from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.keys import secret_key

COOKIE_NAME = "fh_csrf"
MAX_AGE_SECONDS = 12 * 3600


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt="csrf")


def new_cookie_value() -> str:
    return secrets.token_urlsafe(24)


def form_token(cookie_value: str) -> str:
    return _signer().dumps(cookie_value)


def is_valid(cookie_value: str | None, token: str | None) -> bool:
    if not cookie_value or not token or len(token) > 200:
        return False
    try:
        signed_value = _signer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return False
    return hmac.compare_digest(str(signed_value), cookie_value)
