"""Personal fields are Fernet-encrypted before they reach the database (MultiFernet allows key rotation)."""

from __future__ import annotations

import base64
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.keys import encryption_keys, secret_key

__all__ = ["encrypt_json", "decrypt_json", "InvalidToken", "cipher", "draft_cipher", "memory_cipher", "rotate"]


@lru_cache(maxsize=4)
def _cipher_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _cipher_for(tuple(encryption_keys()))


@lru_cache(maxsize=8)
def _derived_cipher_for(secret: str, purpose: bytes) -> Fernet:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def draft_cipher() -> Fernet:
    """Unsent forms (sealed drafts, form keys) use their own key, derived from SECRET_KEY: a leaked draft key
    cannot open stored records, and rotating HANDOFF_ENCRYPTION_KEY never breaks a form a parent has open."""
    return _derived_cipher_for(secret_key(), b"family-hub-share-drafts")


def memory_cipher() -> Fernet:
    """Short-lived conversation memory in the shared store (names to keep removing): its own key derived from
    SECRET_KEY, so whoever can read Redis cannot read it, and it never opens stored records."""
    return _derived_cipher_for(secret_key(), b"family-hub-conversation-memory")


def encrypt_json(value: object, using: Fernet | MultiFernet | None = None) -> bytes:
    return (using or cipher()).encrypt(json.dumps(value, ensure_ascii=False).encode())


def decrypt_json(token: bytes, ttl: int | None = None, using: Fernet | MultiFernet | None = None) -> object:
    """Raises InvalidToken when the data was changed, made with another key, or is older than ttl seconds."""
    return json.loads((using or cipher()).decrypt(token, ttl=ttl))


def rotate(token: bytes) -> bytes:
    """Re-encrypt with the newest key (the first in HANDOFF_ENCRYPTION_KEY), keeping the original timestamp."""
    return cipher().rotate(token)
