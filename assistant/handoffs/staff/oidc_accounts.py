"""Which local staff account a council sign-in (OpenID Connect) is, decided by the provider's subject.

An account is bound to one (issuer, subject) pair: `sub`, or for Microsoft Entra ID the tenant and object id
(`tid` + `oid`, stable across applications where `sub` is not). An email address alone never finds an account:
only the first sign-in may link by email, and only when the provider says the address is verified
(`email_verified` true; a missing claim is not verified), to an account an administrator made beforehand and
that is not yet bound. From then on the subject decides, whatever the email claim later says."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from core import audit
from core.database import session_scope
from core.staff import StaffUser

log = logging.getLogger("assistant.handoffs.oidc")
MAX_CLAIM_CHARS = 300


@dataclass(frozen=True)
class Refused:
    reason: str  # a code for the audit trail and the log; never a claim's value


def subject_of(claims: dict) -> str | None:
    """The provider's stable id for this person: "tid/oid" for Entra ID, else `sub`."""
    tid, oid, sub = claims.get("tid"), claims.get("oid"), claims.get("sub")
    if isinstance(tid, str) and isinstance(oid, str) and tid and oid:
        subject = f"{tid}/{oid}"
    elif isinstance(sub, str) and sub:
        subject = sub
    else:
        return None
    return subject if len(subject) <= MAX_CLAIM_CHARS else None


def email_is_verified(claims: dict) -> bool:
    # Some providers send the JSON string "true"; anything else, including no claim at all, is not verified.
    return claims.get("email_verified") in (True, "true")


def match(claims: dict, issuer: str, email_claim: str = "email") -> StaffUser | Refused:
    """The account for these (already validated) id_token claims, binding it on a first sign-in. Audited."""
    subject = subject_of(claims)
    with session_scope() as session:
        user = None
        if subject and issuer:
            user = session.scalar(select(StaffUser).where(StaffUser.oidc_issuer == issuer,
                                                          StaffUser.oidc_subject == subject))
        refusal = None
        if subject is None:
            refusal = "no subject"
        elif user is None:
            user, refusal = _first_sign_in(session, claims, email_claim)
            if user is not None:
                user.oidc_issuer, user.oidc_subject = issuer, subject
                audit.record(session, f"staff:{user.username}", "oidc_bound", detail=f"user={user.username}")
        if refusal is None and user is not None and not user.active:
            refusal = "account deactivated"
        if refusal is not None or user is None:
            reason = refusal or "no matching active staff account"
            audit.record(session, "system", "sign_in_failed", detail=f"oidc: {reason}")
            log.info("oidc sign-in refused reason=%s", reason.replace(" ", "_"))
            return Refused(reason)
        audit.record(session, f"staff:{user.username}", "signed_in", detail="oidc")
        return user


def _first_sign_in(session, claims: dict, email_claim: str) -> tuple[StaffUser | None, str | None]:
    email = claims.get(email_claim)
    if not (isinstance(email, str) and 0 < len(email) <= 80):
        return None, "no matching active staff account"
    if not email_is_verified(claims):
        return None, "email not verified"
    found = list(session.scalars(select(StaffUser).where(func.lower(StaffUser.username) == email.lower())))
    if len(found) != 1:
        return None, "no matching active staff account"
    if found[0].oidc_subject is not None:
        # Bound to someone else's subject already: a second identity with the same email is not them.
        return None, "account bound to another subject"
    return found[0], None
