"""The unsent form travels between steps as an encrypted hidden field: nothing is stored before consent."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from core.settings import get_settings
from core.encryption import InvalidToken, decrypt_json, draft_cipher, encrypt_json
from core.keys import secret_key


class DraftExpired(ValueError):
    """The hidden draft is too old, was changed, or was made with another key."""


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(32)


def seal_key(idempotency_key: str) -> str:
    """The form carries its key sealed: a key typed or copied by a client can never name a handoff."""
    return encrypt_json({"form_key": idempotency_key}, using=draft_cipher()).decode()


def unseal_key(sealed: str) -> str | None:
    """The key inside a sealed form key, or None when it is missing, changed, expired or not ours."""
    try:
        data = decrypt_json(sealed.encode(), ttl=get_settings().share_draft_minutes * 60, using=draft_cipher())
    except (InvalidToken, ValueError, TypeError):
        return None
    key = data.get("form_key") if isinstance(data, dict) else None
    return key if isinstance(key, str) and key else None


def stored_key(idempotency_key: str) -> str:
    """What the database keeps: a keyed hash, so a leaked row cannot be replayed as a form key."""
    return hmac.new(secret_key().encode(), b"idempotency:" + idempotency_key.encode(), hashlib.sha256).hexdigest()


def seal(answers: dict, idempotency_key: str) -> str:
    return encrypt_json({"answers": answers, "key": idempotency_key}, using=draft_cipher()).decode()


def unseal(draft: str) -> tuple[dict, str]:
    try:
        data = decrypt_json(draft.encode(), ttl=get_settings().share_draft_minutes * 60, using=draft_cipher())
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
