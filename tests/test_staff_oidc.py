"""Staff sign-in through OIDC, against a local fake provider: a real HTTP server on loopback with discovery,
a JWKS of a generated RSA key, an authorize redirect and a token endpoint that signs id_tokens."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from handoff_support import client, handoff_db, make_user, reset_caches  # noqa: F401

CLIENT_ID, CLIENT_SECRET = "family-hub-assistant", secrets.token_urlsafe(24)
EMAIL = "amy.aster@leeds.example.gov.uk"


class FakeProvider(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.key = RSAKey.generate_key(2048, parameters={"kid": "signing-key"})
        self.signing_key = self.key  # a test may sign with a key that is not in the JWKS
        self.claims: dict = {"email": EMAIL, "email_verified": True}  # who signs in at the provider
        self.overrides: dict = {}  # id_token claims a test forces (wrong audience, nonce, issuer...)
        self.deny = False
        self.codes: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeProvider

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        issuer = self.server.issuer
        if url.path == "/.well-known/openid-configuration":
            return self._json(200, {"issuer": issuer, "authorization_endpoint": f"{issuer}/authorize",
                                    "token_endpoint": f"{issuer}/token", "jwks_uri": f"{issuer}/jwks",
                                    "response_types_supported": ["code"], "subject_types_supported": ["public"],
                                    "id_token_signing_alg_values_supported": ["RS256"]})
        if url.path == "/jwks":
            return self._json(200, {"keys": [self.server.key.as_dict(private=False)]})
        if url.path == "/authorize":
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            self.server.authorize_requests.append(query)
            if self.server.deny:
                return self._redirect(query["redirect_uri"], {"error": "access_denied", "state": query["state"]})
            code = secrets.token_urlsafe(16)
            self.server.codes[code] = query
            return self._redirect(query["redirect_uri"], {"code": code, "state": query["state"]})
        self._json(404, {})

    def do_POST(self) -> None:  # noqa: N802
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        request = self.server.codes.pop(form.get("code", ""), None)  # a code works once
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if (self.path != "/token" or self.headers.get("Authorization") != expected or request is None
                or form.get("redirect_uri") != request["redirect_uri"] or challenge != request.get("code_challenge")):
            return self._json(400, {"error": "invalid_grant"})
        now = int(time.time())
        claims = {"iss": self.server.issuer, "sub": "provider-subject-1", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": request["nonce"], **self.server.claims, **self.server.overrides}
        id_token = jwt.encode({"alg": "RS256", "kid": self.server.signing_key.kid}, claims, self.server.signing_key)
        self._json(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                         "id_token": id_token})

    def _redirect(self, target: str, params: dict) -> None:
        self.send_response(302)
        self.send_header("Location", f"{target}?{urlencode(params)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _json(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def provider(handoff_db, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    server = FakeProvider()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for name, value in {"OIDC_ISSUER": server.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET}.items():
        monkeypatch.setenv(name, value)
    reset_caches()
    yield server
    server.shutdown()
    server.server_close()


def walk(client, url: str) -> httpx.Response:
    """Follow redirects across the app (in process) and the fake provider (real HTTP), as a browser would."""
    for _ in range(10):
        response = client.get(url) if urlsplit(url).hostname in (None, "testserver") else httpx.get(url)
        if response.status_code not in (301, 302, 303, 307):
            return response
        url = urljoin(str(response.url), response.headers["location"])
    raise AssertionError("too many redirects")


def _audit() -> list[tuple[str, str, str]]:
    from core.audit import recent

    return [(e.actor, e.action, e.detail) for e in reversed(recent())]


def test_sign_in_page_offers_council_sign_in_only_when_configured(client, provider, monkeypatch):
    assert "Sign in with your council account" in client.get("/staff").text
    monkeypatch.delenv("OIDC_ISSUER")
    reset_caches()
    assert "council account" not in client.get("/staff").text
    assert client.get("/staff/oidc/sign-in").status_code == 404
    assert client.get("/staff/oidc/callback?code=x&state=y").status_code == 404


def test_a_known_member_of_staff_signs_in_with_their_council_account(client, provider):
    make_user(EMAIL, "hub_staff", ["armley"])
    # providers do not keep case; usernames match without it
    provider.claims = {"email": EMAIL.upper(), "email_verified": True}
    done = walk(client, "/staff/oidc/sign-in")
    assert done.status_code == 200 and "You are signed in" in done.text and 'href="/staff/handoffs"' in done.text
    cookie = done.headers["set-cookie"]
    assert "fh_staff=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie
    assert client.get("/staff/handoffs").status_code == 200
    request = provider.authorize_requests[0]
    assert request["code_challenge_method"] == "S256" and request["nonce"] and request["scope"] == "openid email profile"
    assert (f"staff:{EMAIL}", "signed_in", "oidc") in _audit()
    assert (f"staff:{EMAIL}", "oidc_bound", f"user={EMAIL}") in _audit()


def test_someone_without_a_staff_account_is_refused_and_nothing_is_created(client, provider):
    make_user("someone.else@leeds.example.gov.uk", "hub_staff", ["armley"])
    refused = walk(client, "/staff/oidc/sign-in")
    assert refused.status_code == 403 and "not linked to an account here" in refused.text
    assert client.get("/staff/handoffs").status_code == 303
    from assistant.handoffs.staff.users import list_users

    assert [u.username for u in list_users()] == ["someone.else@leeds.example.gov.uk"]
    assert ("system", "sign_in_failed", "oidc: no matching active staff account") in _audit()
    assert EMAIL not in str(_audit())


def test_a_deactivated_account_or_an_unverified_email_is_refused(client, provider):
    make_user(EMAIL, "hub_staff", ["armley"])
    provider.claims = {"email": EMAIL, "email_verified": False}
    assert walk(client, "/staff/oidc/sign-in").status_code == 403
    from assistant.handoffs.staff.users import list_users, set_active

    set_active(list_users()[0].id, False, by="test")
    provider.claims = {"email": EMAIL, "email_verified": True}
    assert walk(client, "/staff/oidc/sign-in").status_code == 403


@pytest.mark.parametrize("override", [{"aud": "another-app", "azp": CLIENT_ID}, {"nonce": "replayed"}, {"iss": "https://elsewhere.example"},
                                      {"exp": 1_000_000}, "unknown-key"])
def test_id_tokens_that_are_not_for_us_are_refused(client, provider, override):
    make_user(EMAIL, "hub_staff", ["armley"])
    if override == "unknown-key":
        provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "signing-key"})
    else:
        provider.overrides = override
    refused = walk(client, "/staff/oidc/sign-in")
    assert refused.status_code == 400 and "We could not sign you in" in refused.text
    assert client.get("/staff/handoffs").status_code == 303


def test_replayed_forged_or_refused_callbacks_are_a_clear_400(client, provider):
    make_user(EMAIL, "hub_staff", ["armley"])
    start = client.get("/staff/oidc/sign-in")
    to_app = httpx.get(start.headers["location"]).headers["location"]
    assert "You are signed in" in client.get(to_app).text
    assert client.get(to_app).status_code == 400  # the same answer twice
    stranger = type(client)(client.app, follow_redirects=False)  # never started a sign-in
    assert stranger.get(to_app).status_code == 400
    assert stranger.get("/staff/oidc/callback").status_code == 400
    assert stranger.get("/staff/oidc/callback?code=%00&state=" + "x" * 5000).status_code == 400
    provider.deny = True
    assert walk(stranger, "/staff/oidc/sign-in").status_code == 400


def test_a_provider_that_cannot_be_reached_gives_a_clear_page(client, provider, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    monkeypatch.setenv("OIDC_ISSUER", f"http://127.0.0.1:{closed}")
    reset_caches()
    page = client.get("/staff/oidc/sign-in")
    assert page.status_code == 503 and "sign in with your username and password" in page.text


def _bound_subject(username: str) -> tuple[str | None, str | None]:
    from assistant.handoffs.staff.users import list_users

    user = next(u for u in list_users() if u.username == username)
    return user.oidc_issuer, user.oidc_subject


def test_a_missing_email_verified_claim_is_not_verified(client, provider):
    make_user(EMAIL, "hub_staff", ["armley"])
    provider.claims = {"email": EMAIL}  # no email_verified at all
    refused = walk(client, "/staff/oidc/sign-in")
    assert refused.status_code == 403 and "verified email address" in refused.text
    assert client.get("/staff/handoffs").status_code == 303
    assert _bound_subject(EMAIL) == (None, None)
    assert ("system", "sign_in_failed", "oidc: email not verified") in _audit()


def test_after_the_first_sign_in_the_subject_decides_not_the_email(client, provider):
    make_user(EMAIL, "hub_staff", ["armley"])
    make_user("ben.birch@leeds.example.gov.uk", "hub_staff", ["chapeltown"])
    provider.claims = {"sub": "amy-at-provider", "email": EMAIL, "email_verified": True}
    assert "You are signed in as " + EMAIL in walk(client, "/staff/oidc/sign-in").text
    assert _bound_subject(EMAIL) == (provider.issuer, "amy-at-provider")
    # Amy's address changes at the provider (even to a colleague's): she is still Amy here.
    provider.claims = {"sub": "amy-at-provider", "email": "ben.birch@leeds.example.gov.uk", "email_verified": True}
    other = type(client)(client.app, follow_redirects=False)
    assert "You are signed in as " + EMAIL in walk(other, "/staff/oidc/sign-in").text
    # Someone else at the provider who claims Amy's verified address cannot take over her bound account.
    provider.claims = {"sub": "someone-else", "email": EMAIL, "email_verified": True}
    stranger = type(client)(client.app, follow_redirects=False)
    assert walk(stranger, "/staff/oidc/sign-in").status_code == 403
    assert stranger.get("/staff/handoffs").status_code == 303
    assert ("system", "sign_in_failed", "oidc: account bound to another subject") in _audit()
    assert _bound_subject("ben.birch@leeds.example.gov.uk") == (None, None)


def test_entra_id_accounts_are_bound_to_tenant_and_object_id(client, provider):
    make_user(EMAIL, "hub_staff", ["armley"])
    tenant, object_id = "3f1c9a70-0000-4000-8000-00000000aaaa", "6b2d0e51-0000-4000-8000-00000000bbbb"
    provider.claims = {"sub": "pairwise-for-this-app", "tid": tenant, "oid": object_id, "email": EMAIL,
                       "email_verified": True}
    assert walk(client, "/staff/oidc/sign-in").status_code == 200
    assert _bound_subject(EMAIL) == (provider.issuer, f"{tenant}/{object_id}")
    # Entra's `sub` differs per application; the object id in its tenant is the person.
    provider.claims = {**provider.claims, "sub": "another-pairwise-value"}
    assert walk(type(client)(client.app, follow_redirects=False), "/staff/oidc/sign-in").status_code == 200
    # The same object id from another tenant is someone else.
    provider.claims = {**provider.claims, "tid": "9e9e9e9e-0000-4000-8000-00000000cccc"}
    assert walk(type(client)(client.app, follow_redirects=False), "/staff/oidc/sign-in").status_code == 403
