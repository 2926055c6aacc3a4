"""Safety signposting as editable data: the same two-person rule as guidance, one document for all routes.

Only the words are editable (route texts, national lines, local contacts); which blocks follow each route
and the headings stay as seeded, so an edit cannot drop the emergency numbers from a route by accident.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from core.database import session_scope
from core.staff import StaffUser
from guardrails.safety import signposting as safety_signposting
from knowledge_base.editorial import workflow
from knowledge_base.editorial.forms import FormErrors
from knowledge_base.editorial.models import SIGNPOSTING_ID, EditorialVersion

ROUTE_LABELS: dict[str, str] = {
    "emergency": "Emergency", "safeguarding": "Worried about a child's safety", "crisis": "Parent in crisis",
    "medical": "Medical questions", "out_of_scope": "Out of scope", "injection": "Attempts to misuse the assistant",
}
assert set(ROUTE_LABELS) == set(safety_signposting.ROUTES)
MAX_TEXT_CHARS = 2000
_PHONE = re.compile(r"^[0-9][0-9 ]{2,19}$")
CHECKED = "checked"


@dataclass
class SignpostingForm:
    routes: dict[str, str] = field(default_factory=dict)
    national: str = ""  # one line per line
    contacts: dict[str, str] = field(default_factory=dict)  # area -> "Label | phone | checked" lines

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SignpostingForm:
        def contact_line(c: dict[str, Any]) -> str:
            parts = [c["label"]]
            if c.get("phone") or not c.get("verify"):
                parts.append(c.get("phone") or "")
            if not c.get("verify"):
                parts.append(CHECKED)
            return " | ".join(parts)

        return cls(
            routes={r: " ".join(data["routes"][r].split()) for r in ROUTE_LABELS},
            national="\n".join(line["text"] for line in data["national"]["lines"]),
            contacts={a: "\n".join(contact_line(c) for c in info["contacts"]) for a, info in data["local"]["areas"].items()},
        )

    @classmethod
    def from_post(cls, fields: dict[str, list[str]], areas: list[str]) -> SignpostingForm:
        def one(name: str) -> str:
            return (fields.get(name) or [""])[0][:MAX_TEXT_CHARS * 2].replace("\r\n", "\n")

        return cls(routes={r: one(f"route-{r}") for r in ROUTE_LABELS}, national=one("national"),
                   contacts={a: one(f"contacts-{a}") for a in areas})


def _contacts(text: str, field_id: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    contacts = []
    for number, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        parts = [p.strip() for p in line.split("|")]
        label, phone = parts[0], parts[1] if len(parts) > 1 else ""
        checked = len(parts) > 2 and parts[2].lower() == CHECKED
        if not label:
            errors.setdefault(field_id, f"Line {number}: enter who to contact before the |")
        elif phone and not _PHONE.match(phone):
            errors.setdefault(field_id, f"Line {number}: the phone number can only have numbers and spaces")
        contact: dict[str, Any] = {"label": label}
        if phone:
            contact["phone"] = phone
        contact["verify"] = not checked  # unconfirmed until the council says so
        contacts.append(contact)
    if not contacts:
        errors.setdefault(field_id, "Enter at least one contact")
    return contacts


def validate(form: SignpostingForm, base: dict[str, Any]) -> dict[str, Any]:
    """The new signposting data (the base with the edited words); raises FormErrors."""
    errors: dict[str, str] = {}
    data = copy.deepcopy(base)
    for route, label in ROUTE_LABELS.items():
        text = " ".join(form.routes.get(route, "").split())
        if not text:
            errors[f"route-{route}"] = f"Enter the text for {label.lower()}"
        elif len(text) > MAX_TEXT_CHARS:
            errors[f"route-{route}"] = f"The text for {label.lower()} must be {MAX_TEXT_CHARS:,} characters or fewer"
        data["routes"][route] = text
    lines = [ln.strip() for ln in form.national.splitlines() if ln.strip()]
    if not lines:
        errors["national"] = "Enter at least one line of national help"
    data["national"]["lines"] = [{"text": ln} for ln in lines]
    for area in data["local"]["areas"]:
        data["local"]["areas"][area]["contacts"] = _contacts(form.contacts.get(area, ""), f"contacts-{area}", errors)
    if errors:
        raise FormErrors(errors)
    return data


def as_text(data: dict[str, Any]) -> str:
    """YAML, for the readable diff in history."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def published_data() -> dict[str, Any] | None:
    """The published signposting, or None (then the bundled YAML is used) when the database has none."""
    try:
        with session_scope() as session:
            row = session.scalar(select(EditorialVersion.fields).where(
                EditorialVersion.document_id == SIGNPOSTING_ID, EditorialVersion.status == "published"))
    except SQLAlchemyError:  # a database without these tables (some tools and tests): the reviewed YAML stands
        return None
    return dict(row) if row else None


def install_published_source() -> None:
    safety_signposting.use_published_source(published_data)


def save(form: SignpostingForm, lock: int, user: StaffUser) -> workflow.Outcome:
    from knowledge_base.editorial.guidance import state

    workflow.require(user, "editor")
    data = validate(form, state(SIGNPOSTING_ID, "signposting").current.fields)
    return workflow.save(SIGNPOSTING_ID, data, "", lock, user)

