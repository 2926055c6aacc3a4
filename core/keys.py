"""Secrets from configuration; a development fallback file in VAR_DIR so `make run` works out of the box."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from pathlib import Path

from cryptography.fernet import Fernet

from core.settings import get_settings

log = logging.getLogger("core.keys")


class MissingKey(RuntimeError):
    """In production a key must come from its environment variable; no key file is written."""


REQUIRED_IN_PRODUCTION = {"secret.key": "SECRET_KEY", "handoff-encryption.key": "HANDOFF_ENCRYPTION_KEY"}


def missing_production_keys() -> list[str]:
    """The environment variables production needs that are not set (empty in development)."""
    settings = get_settings()
    if settings.environment != "production":
        return []
    return [name for name, value in (("SECRET_KEY", settings.secret_key),
                                     ("HANDOFF_ENCRYPTION_KEY", settings.handoff_encryption_key)) if not value]


def _dev_file(name: str, make: callable) -> str:  # type: ignore[valid-type]
    # Only when the variable is unset, and never in production.
    if get_settings().environment == "production":
        raise MissingKey(f"{REQUIRED_IN_PRODUCTION[name]} must be set when ENVIRONMENT=production")
    path = Path(get_settings().var_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole under a private name, then linked into place: a concurrent reader never sees a
        # half-written key, and when two first requests race, one key wins and both use it.
        draft = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
        try:
            os.link(draft, path)
            log.warning("generated development key file=%s; set the environment variable in production", name)
        except FileExistsError:
            pass
        finally:
            draft.unlink(missing_ok=True)
    return path.read_text().strip()


def encryption_keys() -> list[str]:
    configured = get_settings().handoff_encryption_key
    raw = configured or _dev_file("handoff-encryption.key", lambda: Fernet.generate_key().decode())
    return [key.strip() for key in raw.split(",") if key.strip()]


def secret_key() -> str:
    return get_settings().secret_key or _dev_file("secret.key", lambda: secrets.token_urlsafe(48))
