"""CSRF for every form: a random cookie plus a signed copy in a hidden field (signed double submit), the copy
also bound to the staff session when there is one.

- Over TLS the cookie is named with the `__Host-` prefix: browsers accept it only when Secure, for path /,
  with no Domain, so a neighbouring subdomain cannot plant its own cookie (and a token to match) on us.
- Bound to the session: the token signs a digest of the staff session cookie too, so a token taken from one
  session (or from before signing in) is refused in another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.keys import secret_key

COOKIE_NAME = "fh_csrf"
SECURE_COOKIE_NAME = "__Host-fh_csrf"
MAX_AGE_SECONDS = 12 * 3600


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE_NAME if secure else COOKIE_NAME


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt="csrf")


def new_cookie_value() -> str:
    return secrets.token_urlsafe(24)


def session_binding(session_cookie: str | None) -> str:
    """A digest of the session cookie ("" without a session): the token never carries the session itself."""
    return hashlib.sha256(session_cookie.encode("utf-8")).hexdigest()[:32] if session_cookie else ""


def form_token(cookie_value: str, binding: str = "") -> str:
    return _signer().dumps([cookie_value, binding])


def is_valid(cookie_value: str | None, token: str | None, binding: str = "") -> bool:
    if not cookie_value or not token or len(token) > 300:
        return False
    try:
        signed = _signer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return False
    if not (isinstance(signed, list) and len(signed) == 2):
        return False
    signed_value, signed_binding = (str(part) for part in signed)
    return hmac.compare_digest(signed_value, cookie_value) and hmac.compare_digest(signed_binding, binding)
