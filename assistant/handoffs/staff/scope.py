"""Who may see which handoff. Anything outside a person's scope is reported as not found."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false

from assistant.handoffs.models import Handoff
from core.staff import StaffUser


def visible_to(user: StaffUser) -> ColumnElement[bool]:
    if user.role == "hub_staff":
        return Handoff.hub.in_(list(user.hubs or []))
    if user.role == "area_manager":
        return Handoff.area == user.area
    return false()  # admins manage accounts and read the audit trail, not families' stories
