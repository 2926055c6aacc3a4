"""Start-up work for tell it once: refuse to run with a broken key, then purge past retention."""

from __future__ import annotations

from core.encryption import cipher
from assistant.handoffs.retention import PurgeReport, purge


class BadEncryptionKey(RuntimeError):
    pass


def on_startup() -> PurgeReport:
    try:
        cipher()  # a wrong key must stop the server now, not fail a parent's submission later
    except (ValueError, TypeError):
        raise BadEncryptionKey("HANDOFF_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes), comma-separated") from None
    return purge()
