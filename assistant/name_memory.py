"""Names seen earlier in a conversation, held in this process's memory only (never written anywhere),
so a later bare mention ("amelia still won't sit on the potty") is redacted too."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

TTL_SECONDS = 60 * 60
MAX_CONVERSATIONS = 10_000

_lock = threading.Lock()
_names: OrderedDict[str, tuple[float, frozenset[str]]] = OrderedDict()


def recall(conversation_id: str) -> frozenset[str]:
    with _lock:
        entry = _names.get(conversation_id)
        if entry is None or time.monotonic() - entry[0] > TTL_SECONDS:
            _names.pop(conversation_id, None)
            return frozenset()
        return entry[1]


def remember(conversation_id: str, names: frozenset[str]) -> None:
    if not names:
        return
    with _lock:
        previous = _names.pop(conversation_id, (0.0, frozenset()))[1]
        _names[conversation_id] = (time.monotonic(), previous | names)
        while len(_names) > MAX_CONVERSATIONS:  # oldest first: bounded memory under load
            _names.popitem(last=False)
