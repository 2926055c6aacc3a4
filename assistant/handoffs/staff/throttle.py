"""Login throttling: too many failures for one username from one address, or from one address in all,
locks sign-in from there for a while.

Keyed by username AND address, so someone elsewhere guessing a staff member's username cannot lock that
person out; a success clears its own failures; and the table is bounded, so guessing many usernames cannot
grow it without end (the oldest keys go first)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

from core.settings import get_settings

_failures: OrderedDict[str, deque[float]] = OrderedDict()
_lock = threading.Lock()
PER_ADDRESS_FACTOR = 4  # one office may share an address
MAX_KEYS = 10_000


def _recent(key: str, now: float) -> int:
    window = get_settings().login_lockout_minutes * 60
    times = _failures.get(key)
    if times is None:
        return 0
    while times and times[0] < now - window:
        times.popleft()
    if not times:
        del _failures[key]
        return 0
    return len(times)


def _keys(username: str, address: str) -> tuple[str, str]:
    return f"user:{username.lower()}|addr:{address}", f"addr:{address}"


def is_locked(username: str, address: str) -> bool:
    limit, now = get_settings().login_max_failures, time.monotonic()
    pair, by_address = _keys(username, address)
    with _lock:
        return _recent(pair, now) >= limit or _recent(by_address, now) >= limit * PER_ADDRESS_FACTOR


def record_failure(username: str, address: str) -> None:
    now = time.monotonic()
    with _lock:
        for key in _keys(username, address):
            _failures.setdefault(key, deque()).append(now)
            _failures.move_to_end(key)
        while len(_failures) > MAX_KEYS:
            _failures.popitem(last=False)


def record_success(username: str, address: str) -> None:
    """A correct sign-in clears that username's failures from that address."""
    with _lock:
        _failures.pop(_keys(username, address)[0], None)


def tracked() -> int:
    with _lock:
        return len(_failures)


def reset() -> None:
    with _lock:
        _failures.clear()
