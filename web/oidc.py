"""Optional staff sign-in with the council's identity provider (OpenID Connect, e.g. Microsoft Entra ID), via Authlib.

The provider only proves who someone is. What they may see still comes from their local staff account, bound to
the provider's subject (assistant/handoffs/staff/oidc_accounts.py): a council login alone gives no access, an
email address alone never finds an account, and no account is ever created here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from core.settings import Settings, get_settings
from core.keys import secret_key
from assistant.handoffs.staff import oidc_accounts
from core.staff import StaffUser
from web.cookies import secure_cookies

log = logging.getLogger("assistant.handoffs.oidc")

FLOW_COOKIE = "fh_oidc"
FLOW_PATH = "/staff/oidc"
FLOW_MAX_AGE_SECONDS = 600  # from the sign-in click to the provider sending the person back
TIMEOUT_SECONDS = 10
try:  # Authlib talks to the provider with httpx2 when it is installed, else httpx
    import httpx2

    HTTP_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx2.HTTPError, OSError)
except ImportError:  # pragma: no cover
    HTTP_ERRORS = (httpx.HTTPError, OSError)


@dataclass
class SignInFailed(Exception):
    status_code: int
    heading: str
    message: str


def configured(settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret)


@lru_cache(maxsize=4)
def _provider(issuer: str, client_id: str, client_secret: str, scopes: str) -> StarletteOAuth2App:
    # Cached per configuration: Authlib keeps the discovery document and keys on the client once fetched.
    oauth = OAuth()
    return oauth.register(
        "council", client_id=client_id, client_secret=client_secret,
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": TIMEOUT_SECONDS},
    )


def provider(settings: Settings) -> StarletteOAuth2App:
    return _provider(settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret, settings.oidc_scopes)


# Authlib's Starlette client keeps state, nonce and PKCE verifier in request.session. Rather than add a session
# to the whole site, these two routes carry it in a short-lived signed cookie of their own.
def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt="oidc-flow")


def _load_flow(request: Request) -> None:
    try:
        data = _signer().loads(request.cookies.get(FLOW_COOKIE, ""), max_age=FLOW_MAX_AGE_SECONDS)
    except BadSignature:  # also covers an expired or missing cookie
        data = {}
    request.scope["session"] = data if isinstance(data, dict) else {}


def _save_flow(request: Request, response: Response) -> Response:
    data = request.scope.get("session") or {}
    if data:
        # Lax, not Strict: the provider sends the person back with a cross-site GET, which must carry it.
        response.set_cookie(FLOW_COOKIE, _signer().dumps(data), max_age=FLOW_MAX_AGE_SECONDS, httponly=True,
                            samesite="lax", secure=secure_cookies(request), path=FLOW_PATH)
    else:
        response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    return response


def _unavailable() -> SignInFailed:
    return SignInFailed(503, "Council sign-in is not working at the moment",
                        "Try again later, or sign in with your username and password.")


async def start(request: Request, callback_url: str) -> Response:
    """The redirect to the provider's sign-in page."""
    settings = get_settings()
    _load_flow(request)
    try:
        response = await provider(settings).authorize_redirect(request, settings.oidc_redirect_uri or callback_url)
    except (*HTTP_ERRORS, ValueError, KeyError, RuntimeError, AuthlibBaseError) as exc:
        log.warning("oidc sign-in could not start error=%s", type(exc).__name__)
        raise _unavailable() from None
    return _save_flow(request, response)


async def finish(request: Request) -> StaffUser:
    """Checks the provider's answer (state, PKCE, signed id_token, issuer, audience, nonce) and finds the account.

    The flow cookie is always cleared: an answer can be used once. Returns the user; raises SignInFailed."""
    settings = get_settings()
    _load_flow(request)
    claims_options = {"iss": {"essential": True, "value": settings.oidc_issuer},
                      "aud": {"essential": True, "value": settings.oidc_client_id}}
    try:
        token = await provider(settings).authorize_access_token(request, claims_options=claims_options)
    except (*HTTP_ERRORS, RuntimeError) as exc:
        log.warning("oidc sign-in failed error=%s", type(exc).__name__)
        raise _unavailable() from None
    except (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError) as exc:
        # A refused sign-in, an old or replayed link, or a token that is not for us: say so, never more.
        log.warning("oidc sign-in refused error=%s", type(exc).__name__)
        raise SignInFailed(400, "We could not sign you in", "The sign-in did not finish, or the link has expired. "
                           "Go back to the sign-in page and try again.") from None
    finally:
        request.scope["session"] = {}
    # userinfo holds the id_token's claims, already checked (signature, issuer, audience, nonce, expiry).
    found = await run_in_threadpool(oidc_accounts.match, token.get("userinfo") or {}, settings.oidc_issuer,
                                    settings.oidc_username_claim)
    if isinstance(found, oidc_accounts.Refused):
        raise SignInFailed(403, "You do not have an account for this service",
                           "You signed in with your council account, but it is not linked to an account here. "
                           "Ask your service administrator to add you, using the email address you sign in with. "
                           "Your council account must have a verified email address the first time.")
    return found


def clear_flow(request: Request, response: Response) -> Response:
    request.scope["session"] = {}
    return _save_flow(request, response)
