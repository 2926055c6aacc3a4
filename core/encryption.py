"""Personal fields are Fernet-encrypted before they reach the database (MultiFernet allows key rotation)."""

from __future__ import annotations

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.keys import encryption_keys

__all__ = ["encrypt_json", "decrypt_json", "InvalidToken", "cipher"]


@lru_cache(maxsize=4)
def _cipher_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _cipher_for(tuple(encryption_keys()))


def encrypt_json(value: object) -> bytes:
    return cipher().encrypt(json.dumps(value, ensure_ascii=False).encode())


def decrypt_json(token: bytes, ttl: int | None = None) -> object:
    """Raises InvalidToken when the data was changed, made with another key, or is older than ttl seconds."""
    return json.loads(cipher().decrypt(token, ttl=ttl))
