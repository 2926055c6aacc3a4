"""Login throttling: too many failures for one username from one address, or from one address in all,
locks sign-in from there for a while.

Keyed by username AND address, so someone elsewhere guessing a staff member's username cannot lock that
person out; a success clears its own failures. Counted in a moving window by the `limits` library on the
shared storage (core.shared_store.limits_storage_uri): Redis in a fleet, so a guesser cannot multiply their
attempts by the number of servers; this process's memory otherwise. Counts expire with their window. Keys are
keyed hashes, so the store holds neither usernames nor addresses."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from core.keys import secret_key
from core.settings import get_settings
from core.shared_store import limits_storage_uri

PER_ADDRESS_FACTOR = 4  # one office may share an address
SCOPE = "sign-in"


@lru_cache(maxsize=4)
def _limiter_for(storage_uri: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage_uri))


def _limiter() -> MovingWindowRateLimiter:
    return _limiter_for(limits_storage_uri())


def _window(factor: int = 1) -> RateLimitItem:
    settings = get_settings()
    return RateLimitItemPerMinute(settings.login_max_failures * factor, settings.login_lockout_minutes)


def _hashed(key: str) -> str:
    return hmac.new(secret_key().encode(), f"sign-in:{key}".encode(), hashlib.sha256).hexdigest()


def _keys(username: str, address: str) -> tuple[str, str]:
    return _hashed(f"user:{username.lower()}|addr:{address}"), _hashed(f"addr:{address}")


def is_locked(username: str, address: str) -> bool:
    pair, by_address = _keys(username, address)
    limiter = _limiter()
    return not limiter.test(_window(), SCOPE, pair) or not limiter.test(_window(PER_ADDRESS_FACTOR), SCOPE, by_address)


def record_failure(username: str, address: str) -> None:
    pair, by_address = _keys(username, address)
    limiter = _limiter()
    limiter.hit(_window(), SCOPE, pair)
    limiter.hit(_window(PER_ADDRESS_FACTOR), SCOPE, by_address)


def record_success(username: str, address: str) -> None:
    """A correct sign-in clears that username's failures from that address."""
    _limiter().clear(_window(), SCOPE, _keys(username, address)[0])


def reset() -> None:
    _limiter().storage.reset()
