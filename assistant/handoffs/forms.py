"""Check the "Share your story" answers and explain any problem in words a parent understands."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from core.areas import AREAS
from assistant.handoffs.choices import NOT_SURE, form_choices, hubs_in

# field -> (question as staff and parents see it, most characters allowed)
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "child_name": ("Your child's first name", 40),
    "noticed": ("What you have noticed", 1500),
    "tried": ("What you have tried", 1000),
    "involved_other": ("Anyone else who helps", 200),
    "help_wanted": ("What help you would like", 1000),
    "parent_name": ("Your name", 80),
    "phone": ("Phone number", 20),
    "email": ("Email address", 254),
    "contact_times": ("Best times to contact you", 200),
    "access_needs": ("Interpreter or access needs", 300),
}
LIST_FIELDS = ("concerns", "involved")
CHOICE_FIELDS = ("child_age", "area", "hub", "contact_method")
ALL_FIELDS = tuple(TEXT_FIELDS) + LIST_FIELDS + CHOICE_FIELDS
PERSONAL_FIELDS = tuple(f for f in ALL_FIELDS if f not in ("area", "hub", "concerns"))

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
UK_PHONE = re.compile(r"^(?:\+44|0)\d{9,10}$")
UK_MOBILE = re.compile(r"^(?:\+447|07)\d{9}$")


@dataclass(frozen=True)
class FieldError:
    field_id: str
    message: str


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\x00", "").strip()


def normalise_phone(text: str) -> str:
    return re.sub(r"[\s\-().]", "", text)


def read_answers(form: Mapping[str, list[str]]) -> dict:
    """Only known fields; text trimmed. Nothing is checked here."""
    answers: dict = {name: _clean((form.get(name) or [""])[0]) for name in (*TEXT_FIELDS, *CHOICE_FIELDS)}
    for name in LIST_FIELDS:
        answers[name] = [value for value in form.get(name, []) if value]
    return answers


def _check_lengths(answers: dict) -> list[FieldError]:
    errors = []
    for name, (question, limit) in TEXT_FIELDS.items():
        if len(answers.get(name, "")) > limit:
            errors.append(FieldError(name, f"{question} must be {limit:,} characters or fewer. "
                                           f"You have written {len(answers[name]):,}."))
    return errors


def _check_choices(answers: dict) -> list[FieldError]:
    choices, errors = form_choices(), []
    if answers["child_age"] not in choices["child_ages"]:
        errors.append(FieldError("child_age", "Select how old your child is"))
    if answers["area"] not in AREAS:
        errors.append(FieldError("area", "Select where you live"))
    elif answers["hub"] != NOT_SURE and answers["hub"] not in {hub.id for hub in hubs_in(answers["area"])}:
        errors.append(FieldError("hub", "Select a family hub in the area where you live, or select ‘Not sure’"))
    if not answers["concerns"] or not set(answers["concerns"]) <= set(choices["concerns"]):
        errors.append(FieldError("concerns", "Select what you are worried about"))
    if not set(answers["involved"]) <= set(choices["involved"]):
        errors.append(FieldError("involved", "Select who is already helping from the list, or leave it blank"))
    return errors


def _check_contact(answers: dict) -> list[FieldError]:
    method, errors = answers["contact_method"], []
    if not answers["parent_name"]:
        errors.append(FieldError("parent_name", "Enter your name"))
    if method not in form_choices()["contact_methods"]:
        return errors + [FieldError("contact_method", "Select how you would like us to contact you")]
    phone = normalise_phone(answers["phone"])
    if method in ("phone", "text") and not phone:
        errors.append(FieldError("phone", "Enter a phone number, like 07700 900 982"))
    elif phone and not UK_PHONE.match(phone):
        errors.append(FieldError("phone", "Enter a UK phone number, like 07700 900 982 or 0113 496 0000"))
    elif method == "text" and not UK_MOBILE.match(phone):
        errors.append(FieldError("phone", "Enter a mobile number for text messages, like 07700 900 982"))
    if method == "email" and not answers["email"]:
        errors.append(FieldError("email", "Enter an email address, like name@example.com"))
    elif answers["email"] and not EMAIL.match(answers["email"]):
        errors.append(FieldError("email", "Enter an email address in the correct format, like name@example.com"))
    return errors


def validate(answers: dict) -> list[FieldError]:
    errors = _check_lengths(answers) + _check_choices(answers)
    if not answers["noticed"]:
        errors.append(FieldError("noticed", "Tell us what you have noticed about your child"))
    errors += _check_contact(answers)
    # One message per field (the first found), in the order the fields appear on the page.
    seen: dict[str, FieldError] = {}
    for error in errors:
        seen.setdefault(error.field_id, error)
    return sorted(seen.values(), key=lambda e: ALL_FIELDS_ON_PAGE.index(e.field_id))


ALL_FIELDS_ON_PAGE = ("child_name", "child_age", "area", "hub", "concerns", "noticed", "tried", "involved",
                      "involved_other", "help_wanted", "parent_name", "contact_method", "phone", "email",
                      "contact_times", "access_needs")
