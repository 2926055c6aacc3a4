"""Conversation memory, chat limits and sign-in throttles are shared by every app server through Redis when
REDIS_URL is set, and stay in this process with no Redis (the embedded default)."""

from __future__ import annotations

import pytest
import redis

from assistant import name_memory
from assistant.context import TurnContext
from assistant.stages import redact as redact_stage
from conftest import reset_caches
from core import shared_store
from redis_support import running_redis


@pytest.fixture
def redis_url(tmp_path, monkeypatch):
    with running_redis(tmp_path) as url:
        monkeypatch.setenv("REDIS_URL", url)
        reset_caches()
        yield url
    monkeypatch.undo()
    reset_caches()


def new_server() -> None:
    """What another app server would have: fresh clients, nothing carried over in this process."""
    shared_store._store_for.cache_clear()


def test_in_process_default_remembers_names_without_redis():
    assert isinstance(shared_store.shared_store(), shared_store.InProcessStore)
    name_memory.remember("conv-default", frozenset({"amelia"}))
    assert name_memory.recall("conv-default") == {"amelia"}
    assert name_memory.recall("another-conversation") == frozenset()


def test_in_process_values_expire_and_stay_bounded():
    store = shared_store.InProcessStore(max_keys=2)
    store.set("gone", b"x", ttl_seconds=0)
    assert store.get("gone") is None
    for key in ("a", "b", "c"):
        store.set(key, b"v", ttl_seconds=60)
    assert store.get("a") is None and store.get("c") == b"v"


def test_a_name_given_on_one_server_is_removed_on_another(redis_url):
    first = TurnContext(message="", conversation_id="conv-fleet", text="My daughter Amelia is 2 and not talking")
    redact_stage.stage(first)
    assert "Amelia" not in first.text
    new_server()
    later = TurnContext(message="", conversation_id="conv-fleet", text="amelia still won't say her words")
    redact_stage.stage(later)
    assert "amelia" not in later.text.lower()


def test_memory_in_redis_is_encrypted_keyed_and_expires_within_an_hour(redis_url):
    name_memory.remember("conv-secret-id", frozenset({"maisie"}))
    raw = redis.Redis.from_url(redis_url)
    keys = raw.keys("*")
    assert len(keys) == 1
    assert b"conv-secret-id" not in keys[0]
    value = raw.get(keys[0])
    assert b"maisie" not in value.lower()
    assert 0 < raw.ttl(keys[0]) <= 3600
    new_server()
    assert name_memory.recall("conv-secret-id") == {"maisie"}
    raw.set(keys[0], b"not a token")  # tampered or foreign data yields nothing, never an error
    assert name_memory.recall("conv-secret-id") == frozenset()


def test_two_servers_count_one_chat_limit_together(redis_url):
    from limits import parse

    from web.rate_limit import make_limiter

    first, second = make_limiter(), make_limiter()  # each app server makes its own at import
    limit = parse("3/minute")
    assert [first.limiter.hit(limit, "chat", "192.0.2.1") for _ in range(2)] == [True, True]
    assert second.limiter.hit(limit, "chat", "192.0.2.1")
    assert not first.limiter.hit(limit, "chat", "192.0.2.1")
    assert not second.limiter.hit(limit, "chat", "192.0.2.1")


def test_without_redis_limits_count_in_this_process():
    from web.rate_limit import make_limiter

    assert type(make_limiter().limiter.storage).__name__ == "MemoryStorage"


def test_sign_in_failures_on_one_server_lock_sign_in_on_another(redis_url):
    from assistant.handoffs.staff import throttle

    throttle.reset()
    for _ in range(5):
        throttle.record_failure("bea", "203.0.113.9")
    throttle._limiter_for.cache_clear()  # another server: its own connection, the same counts
    assert throttle.is_locked("bea", "203.0.113.9")
    assert not throttle.is_locked("bea", "198.51.100.1")
    stored = b" ".join(redis.Redis.from_url(redis_url).keys("*"))
    assert b"bea" not in stored and b"203.0.113.9" not in stored  # keyed hashes only
    throttle.record_success("bea", "203.0.113.9")
    assert not throttle.is_locked("bea", "203.0.113.9")
