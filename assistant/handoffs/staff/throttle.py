"""Login throttling: too many failures for one username or one address locks sign-in for a while."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from core.settings import get_settings

_failures: dict[str, deque[float]] = defaultdict(deque)
_lock = threading.Lock()
PER_ADDRESS_FACTOR = 4  # one office may share an address


def _recent(key: str, now: float) -> deque[float]:
    window = get_settings().login_lockout_minutes * 60
    times = _failures[key]
    while times and times[0] < now - window:
        times.popleft()
    return times


def is_locked(username: str, address: str) -> bool:
    limit, now = get_settings().login_max_failures, time.monotonic()
    with _lock:
        return (len(_recent(f"user:{username.lower()}", now)) >= limit
                or len(_recent(f"addr:{address}", now)) >= limit * PER_ADDRESS_FACTOR)


def record_failure(username: str, address: str) -> None:
    now = time.monotonic()
    with _lock:
        _failures[f"user:{username.lower()}"].append(now)
        _failures[f"addr:{address}"].append(now)


def reset() -> None:
    with _lock:
        _failures.clear()
