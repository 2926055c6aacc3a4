"""Local staff accounts: argon2 password hashes, one casework role each, the hubs or area they cover,
and any content capabilities (editor, approver), which a person may hold alongside or instead of casework."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas import AREAS
from core.database import session_scope
from core import audit
from core.errors import FieldError
from assistant.handoffs.choices import all_hubs
from core.staff import StaffUser, utcnow
from assistant.handoffs.staff import passwords

ROLES = ("hub_staff", "area_manager", "admin")
CAPABILITIES = ("editor", "approver")
CONTENT_ONLY = "content"  # the role of someone who only edits or approves content, with no casework
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


class InvalidUser(FieldError):
    pass


def split_roles(names: list[str]) -> tuple[str, list[str]]:
    """`--role editor --role approver` style lists: (casework role or "content", capabilities)."""
    unknown = [n for n in names if n not in ROLES + CAPABILITIES]
    if unknown or not names:
        raise InvalidUser(f"The role must be one of: {', '.join(ROLES + CAPABILITIES)}", "role")
    casework = list(dict.fromkeys(n for n in names if n in ROLES))
    if len(casework) > 1:
        raise InvalidUser(f"A person can have only one of: {', '.join(ROLES)}", "role")
    return (casework[0] if casework else CONTENT_ONLY), [c for c in CAPABILITIES if c in names]


def check_new_user(username: str, password: str, role: str, hubs: list[str], area: str | None,
                   capabilities: list[str] | tuple[str, ...] = ()) -> str | None:
    """The area the account covers; raises InvalidUser with a message an admin understands."""
    if not username or len(username) > 80 or not username.replace(".", "").replace("-", "").replace("_", "").replace("@", "").isalnum():
        raise InvalidUser("Enter a username of up to 80 letters, numbers, dots, dashes or @", "username")
    weak = passwords.problem(password, username)
    if weak:
        raise InvalidUser(weak, "password")
    if any(c not in CAPABILITIES for c in capabilities):
        raise InvalidUser(f"Content roles must be from: {', '.join(CAPABILITIES)}", "role")
    if role == CONTENT_ONLY:
        if not capabilities:
            raise InvalidUser(f"The role must be one of: {', '.join(ROLES + CAPABILITIES)}", "role")
        if hubs:
            raise InvalidUser("Only hub_staff have hubs", "hub")
        if area and area not in AREAS:
            raise InvalidUser(f"The area must be one of: {', '.join(AREAS)}", "area")
        return area or None  # an editor for one area; none: every area
    if role not in ROLES:
        raise InvalidUser(f"The role must be one of: {', '.join(ROLES)}", "role")
    known = all_hubs()
    if role == "hub_staff":
        if not hubs or any(h not in known for h in hubs):
            raise InvalidUser(f"hub_staff need one or more hubs from: {', '.join(sorted(known))}", "hub")
        areas = {known[h].area for h in hubs}
        if len(areas) != 1 or (area and area not in areas):
            raise InvalidUser("All of a person's hubs must be in one area", "hub")
        return areas.pop()
    if role == "area_manager" and area not in AREAS:
        raise InvalidUser(f"area_manager need an area from: {', '.join(AREAS)}", "area")
    if hubs:
        raise InvalidUser("Only hub_staff have hubs", "hub")
    return area if role == "area_manager" else None


def create_user(username: str, password: str, role: str, hubs: list[str], area: str | None, by: str,
                capabilities: list[str] | tuple[str, ...] = ()) -> int:
    area = check_new_user(username, password, role, hubs, area, capabilities)
    with session_scope() as session:
        if session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
            raise InvalidUser(f"There is already a user called {username}", "username")
        user = StaffUser(username=username, password_hash=_hasher.hash(password), role=role, hubs=hubs, area=area,
                         capabilities=list(capabilities))
        session.add(user)
        session.flush()
        audit.record(session, by, "user_created", detail=f"user={username} role={'+'.join([role, *capabilities])}")
        return user.id


def authenticate(username: str, password: str) -> StaffUser | None:
    with session_scope() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            if user:
                audit.record(session, f"staff:{user.username}", "sign_in_failed")
            return None
        if user is None or not user.active:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            # Hashed under older (weaker) argon2 parameters: the password is known now, so hash it again.
            user.password_hash = _hasher.hash(password)
        audit.record(session, f"staff:{user.username}", "signed_in")
        return user


class PasswordRefused(InvalidUser):
    pass


def check_new_password(user: StaffUser, new: str, confirm: str) -> None:
    if new != confirm:
        raise PasswordRefused(passwords.message("mismatch"), "new_password", 422)
    weak = passwords.problem(new, user.username)
    if weak:
        raise PasswordRefused(weak, "new_password", 422)


def set_password(session: Session, user: StaffUser, new: str) -> None:
    """Store a new hash and move the session epoch on, which ends every session the account had."""
    user.password_hash = _hasher.hash(new)
    user.password_changed_at = utcnow()
    user.session_epoch = (user.session_epoch or 0) + 1


def change_password(user_id: int, current: str, new: str, confirm: str) -> None:
    """A signed-in person changes their own password; needs the current one. Raises PasswordRefused."""
    with session_scope() as session:  # a wrong current password is audited, so it commits before the refusal
        user = session.get(StaffUser, user_id)
        if user is None or not user.active:
            raise PasswordRefused("There is no such user", "current_password", 404)
        try:
            _hasher.verify(user.password_hash, current)
            wrong_current = False
        except (VerificationError, InvalidHashError):
            audit.record(session, f"staff:{user.username}", "password_change_refused")
            wrong_current = True
    if wrong_current:
        raise PasswordRefused("Your current password is not correct", "current_password", 422)
    if new == current:
        raise PasswordRefused(passwords.message("same_as_current"), "new_password", 422)
    with session_scope() as session:
        user = session.get(StaffUser, user_id)
        check_new_password(user, new, confirm)
        set_password(session, user, new)
        audit.record(session, f"staff:{user.username}", "password_changed")


def list_users() -> list[StaffUser]:
    with session_scope() as session:
        return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def set_active(user_id: int, active: bool, by: str) -> None:
    with session_scope() as session:
        user = session.get(StaffUser, user_id)
        if user is None:
            raise InvalidUser("There is no such user", "username", 404)
        user.active = active
        audit.record(session, by, "user_reactivated" if active else "user_deactivated", detail=f"user={user.username}")


def home_page(user: StaffUser) -> str:
    """Where a person lands after signing in: their own kind of work."""
    if user.role == CONTENT_ONLY:  # editors and approvers with no casework
        return "/staff/content"
    return "/staff/users" if user.role == "admin" else "/staff/handoffs"
