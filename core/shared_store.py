"""A small key-value store for short-lived state that every app server must see (conversation memory).

In-process by default (the embedded single-server set-up needs no extra service); Redis when REDIS_URL is set,
so a fleet of app servers behind a load balancer shares it. Values are opaque bytes: callers encrypt them.
Every value expires; nothing here logs keys or values."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from functools import lru_cache
from typing import Protocol

from core.settings import get_settings

MAX_IN_PROCESS_KEYS = 10_000  # bounded memory under load: the oldest keys go first


class SharedStore(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...

    def ping(self) -> None:
        """Raises when the store cannot be reached (readiness check)."""


class InProcessStore:
    """Today's behaviour for one server: a bounded, expiring dictionary in this process only."""

    def __init__(self, max_keys: int = MAX_IN_PROCESS_KEYS) -> None:
        self._lock = threading.Lock()
        self._values: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max_keys = max_keys

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._values.get(key)
            if entry is None or entry[0] < time.monotonic():
                self._values.pop(key, None)
                return None
            return entry[1]

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        with self._lock:
            self._values.pop(key, None)
            self._values[key] = (time.monotonic() + ttl_seconds, value)
            while len(self._values) > self._max_keys:
                self._values.popitem(last=False)

    def ping(self) -> None:
        return None


class RedisStore:
    """The same interface on Redis; Redis expires each key itself (SET ... EX)."""

    PREFIX = "fha:"

    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def get(self, key: str) -> bytes | None:
        return self._client.get(self.PREFIX + key)

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._client.set(self.PREFIX + key, value, ex=ttl_seconds)

    def ping(self) -> None:
        self._client.ping()


@lru_cache(maxsize=4)
def _store_for(redis_url: str) -> SharedStore:
    return RedisStore(redis_url) if redis_url else InProcessStore()


def shared_store() -> SharedStore:
    return _store_for(get_settings().redis_url)


def limits_storage_uri() -> str:
    """Where per-client limits and sign-in throttles count (the `limits` library's storage): Redis when
    REDIS_URL is set, so every server counts together, else this process's memory."""
    return get_settings().redis_url or "memory://"
