"""Going over the per-client message limit gets a 429 with a clear message, then recovers."""

from __future__ import annotations

import pytest

from core.settings import get_settings
from web.rate_limit import limiter


@pytest.fixture
def low_limit(monkeypatch):
    monkeypatch.setenv("CHAT_RATE_LIMIT", "3/minute")
    get_settings.cache_clear()
    limiter.reset()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    limiter.reset()


def test_fourth_message_in_a_minute_is_refused_with_429(app_client, low_limit):
    statuses = [app_client.post("/api/chat", json={"message": "hello"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = app_client.post("/api/chat", json={"message": "hello"})
    assert refused.status_code == 429
    assert "wait a minute" in refused.json()["error"]
    assert refused.headers["retry-after"] == "60"
    # The form shares the same bucket, so a client cannot double its allowance.
    assert app_client.post("/chat", data={"message": "hello"}, follow_redirects=False).status_code == 429
