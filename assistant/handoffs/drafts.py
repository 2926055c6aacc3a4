"""The unsent form travels between steps as an encrypted hidden field: nothing is stored before consent."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from core.settings import get_settings
from core.encryption import InvalidToken, decrypt_json, encrypt_json
from core.keys import secret_key


class DraftExpired(ValueError):
    """The hidden draft is too old, was changed, or was made with another key."""


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(32)


def looks_like_key(text: str) -> bool:
    # Only keys we could have made: a short or chosen key must not match someone else's.
    return len(text) == 43 and all(c.isalnum() or c in "-_" for c in text)


def seal(answers: dict, idempotency_key: str) -> str:
    return encrypt_json({"answers": answers, "key": idempotency_key}).decode()


def unseal(draft: str) -> tuple[dict, str]:
    try:
        data = decrypt_json(draft.encode(), ttl=get_settings().share_draft_minutes * 60)
    except (InvalidToken, ValueError, TypeError):
        raise DraftExpired() from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict) or not data.get("key"):
        raise DraftExpired()
    return data["answers"], str(data["key"])


def parent_token(idempotency_key: str) -> str:
    """The private link: derived, so a repeated submit shows the same link; only its hash is stored."""
    digest = hmac.new(secret_key().encode(), b"parent-link:" + idempotency_key.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
