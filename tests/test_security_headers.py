"""Security headers on every response, and oversized bodies refused before they are read."""

from __future__ import annotations


def test_pages_and_api_carry_security_headers(app_client):
    for response in (app_client.get("/"), app_client.get("/api/health")):
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'self'" in policy
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_oversized_body_is_refused_with_413_and_a_clear_message(app_client):
    response = app_client.post("/api/chat", content=b"x" * (300 * 1024), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "too much to send" in response.json()["error"]


def test_oversized_chunked_body_is_refused(app_client):
    def chunks():
        for _ in range(40):
            yield b"y" * 10_000

    response = app_client.post("/chat", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


def test_a_routes_own_header_is_not_doubled(app_client):
    response = app_client.get("/share")
    assert response.headers.get_list("referrer-policy") == ["no-referrer"]
