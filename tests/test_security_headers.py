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


def test_database_errors_never_carry_submitted_values(app_client):
    """Security: engines hide bound parameters, so an error (and any log of it) holds no submitted value."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from core.database import session_scope

    secret = "07700 900123 canary-value"
    try:
        with session_scope() as session:
            session.execute(text("INSERT INTO no_such_table (x) VALUES (:v)"), {"v": secret})
    except DBAPIError as error:
        assert secret not in str(error)
    else:
        raise AssertionError("the statement should have failed")


def test_server_error_tracebacks_are_logged_as_the_type_only():
    import io
    import logging

    from core.logging_setup import configure_logging

    configure_logging()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    server_log = logging.getLogger("uvicorn.error")
    server_log.addHandler(handler)
    try:
        try:
            raise ValueError("my son canary-name is 2 and lives at canary-street")
        except ValueError:
            server_log.exception("Exception in ASGI application")
    finally:
        server_log.removeHandler(handler)
    logged = stream.getvalue()
    assert "Exception in ASGI application" in logged and "type=ValueError" in logged
    assert "canary" not in logged and "Traceback" not in logged


def test_staff_pages_are_never_framed_and_https_is_remembered(app_client):
    staff = app_client.get("/staff/sign-in")
    assert "frame-ancestors 'none'" in staff.headers["content-security-policy"]
    chat = app_client.get("/")
    assert "frame-ancestors 'self'" in chat.headers["content-security-policy"]  # FRAME_ANCESTORS, for council sites
    assert chat.headers["strict-transport-security"].startswith("max-age=")
