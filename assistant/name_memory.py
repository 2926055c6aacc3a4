"""Names seen earlier in a conversation, so a later bare mention ("amelia still won't sit on the potty") is
redacted too, whichever app server the next message reaches.

Kept in the shared store (core.shared_store: this process by default, Redis when REDIS_URL is set), encrypted
with a key derived from SECRET_KEY, under a keyed hash of the conversation id (the store never holds an id a
browser could use), expiring an hour after the conversation's last new name. Never logged."""

from __future__ import annotations

import hashlib
import hmac

from core.encryption import InvalidToken, decrypt_json, encrypt_json, memory_cipher
from core.keys import secret_key
from core.shared_store import shared_store

TTL_SECONDS = 60 * 60


def _key(conversation_id: str) -> str:
    digest = hmac.new(secret_key().encode(), f"names:{conversation_id}".encode(), hashlib.sha256).hexdigest()
    return f"names:{digest}"


def recall(conversation_id: str) -> frozenset[str]:
    token = shared_store().get(_key(conversation_id))
    if token is None:
        return frozenset()
    try:
        # The token's own timestamp is checked too: a store that kept a value too long still yields nothing.
        return frozenset(decrypt_json(token, ttl=TTL_SECONDS, using=memory_cipher()))  # type: ignore[arg-type]
    except InvalidToken:
        return frozenset()


def remember(conversation_id: str, names: frozenset[str]) -> None:
    if not names:
        return
    known = recall(conversation_id) | names
    shared_store().set(_key(conversation_id), encrypt_json(sorted(known), using=memory_cipher()), TTL_SECONDS)
