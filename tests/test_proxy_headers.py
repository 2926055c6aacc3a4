"""Behind a load balancer: forwarded headers are believed only from TRUSTED_PROXIES; COOKIE_SECURE forces Secure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from core.settings import get_settings
from web.rate_limit import limiter


@pytest.fixture
def client_with(monkeypatch) -> Iterator:
    """A fresh app built under the given environment (middleware is chosen when the app is created)."""
    clients: list[TestClient] = []

    def build(**env: str) -> TestClient:
        monkeypatch.setenv("CHAT_RATE_LIMIT", "2/minute")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        limiter.reset()
        from web.app import create_app

        client = TestClient(create_app())
        client.__enter__()  # runs the app's start-up (database tables), as `with TestClient(...)` does
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)
    monkeypatch.undo()
    get_settings.cache_clear()
    limiter.reset()


def _chat(client: TestClient, forwarded_for: str, proto: str = "http"):
    return client.post("/api/chat", json={"message": "hello"},
                       headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": proto})


def test_forwarded_for_from_an_untrusted_peer_does_not_open_a_new_rate_limit_bucket(client_with):
    client = client_with()
    assert [_chat(client, f"198.51.100.{n}").status_code for n in (1, 2)] == [200, 200]
    assert _chat(client, "198.51.100.3").status_code == 429  # a faked address is not a new client


def test_forwarded_for_from_a_trusted_proxy_names_the_client(client_with):
    client = client_with(TRUSTED_PROXIES="testclient")  # the test client's peer address
    assert [_chat(client, "198.51.100.1").status_code for _ in range(2)] == [200, 200]
    assert _chat(client, "198.51.100.1").status_code == 429
    assert _chat(client, "198.51.100.2").status_code == 200  # another parent behind the same balancer


def _chat_cookie(client: TestClient, proto: str) -> str:
    response = client.post("/chat", data={"message": "hello"}, headers={"X-Forwarded-Proto": proto},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("fh_conversation="))


def test_cookies_are_secure_when_a_trusted_proxy_says_tls_was_used(client_with):
    client = client_with(TRUSTED_PROXIES="testclient")
    assert "secure" in _chat_cookie(client, "https").lower()
    assert "secure" not in _chat_cookie(client, "http").lower()


def test_an_untrusted_forwarded_proto_is_ignored_and_cookie_secure_forces_the_flag(client_with):
    assert "secure" not in _chat_cookie(client_with(), "https").lower()
    assert "secure" in _chat_cookie(client_with(COOKIE_SECURE="true"), "http").lower()
