"""Guidance edit form: raw posted text -> validated document, or field-level errors in plain English.

Validation is GuidanceDocument's own (the same rules as the bundled files) plus the editorial rules that
only make sense when a person is editing now (a review date in the past).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from knowledge_base.documents import GuidanceDocument
from knowledge_base.editorial.content import AREA_CHOICES, TOPICS, document_of, questions_as_text, questions_from_text

MAX_BODY_CHARS = 50_000
MAX_FIELD_CHARS = 500
MAX_QUESTIONS_CHARS = 100_000


@dataclass
class GuidanceForm:
    """Exactly what the editor typed, so a refused form comes back with their text intact."""

    doc_id: str = ""
    title: str = ""
    topic: str = ""
    ages: str = ""
    area: str = ""
    summary: str = ""
    sources: str = ""  # one per line: "Name | https://…"
    last_reviewed: dict[str, str] = field(default_factory=dict)  # day, month, year
    review_by: dict[str, str] = field(default_factory=dict)
    verify: bool = False
    body: str = ""
    questions: str = ""  # "## heading" lines, each followed by parents' questions that section answers
    red_flags: str = ""  # one heading per line: sections whose when-to-get-help advice joins close answers

    @classmethod
    def from_post(cls, fields: dict[str, list[str]], doc_id: str) -> GuidanceForm:
        def one(name: str, limit: int = MAX_FIELD_CHARS) -> str:
            return (fields.get(name) or [""])[0][:limit]

        def date_parts(name: str) -> dict[str, str]:
            return {part: one(f"{name}-{part}", 10).strip() for part in ("day", "month", "year")}

        return cls(
            doc_id=doc_id, title=one("title").strip(), topic=one("topic"), ages=one("ages").strip(), area=one("area"),
            summary=one("summary", 2000).strip(), sources=one("sources", 5000), last_reviewed=date_parts("last_reviewed"),
            review_by=date_parts("review_by"), verify=one("verify") == "yes",
            body=one("body", MAX_BODY_CHARS + 1).replace("\r\n", "\n"),
            questions=one("questions", MAX_QUESTIONS_CHARS + 1).replace("\r\n", "\n"),
            red_flags=one("red_flags", 5000).replace("\r\n", "\n"),
        )

    @classmethod
    def from_version(cls, doc_id: str, fields: dict[str, Any], body: str) -> GuidanceForm:
        def parts(iso: str) -> dict[str, str]:
            day = dt.date.fromisoformat(iso)
            return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}

        return cls(
            doc_id=doc_id, title=fields["title"], topic=fields["topic"], ages=fields["ages"], area=fields["areas"][0],
            summary=fields["summary"], sources="\n".join(f"{s['name']} | {s['url']}" for s in fields["sources"]),
            last_reviewed=parts(fields["last_reviewed"]), review_by=parts(fields["review_by"]),
            verify=bool(fields.get("verify")), body=body, questions=questions_as_text(fields.get("questions") or {}),
            red_flags="\n".join(fields.get("red_flags") or []),
        )


class FormErrors(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors  # field id -> message


def _date(parts: dict[str, str], label: str, errors: dict[str, str], field_id: str) -> str | None:
    if not any(parts.values()):
        errors[field_id] = f"Enter the {label}"
        return None
    try:
        return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"])).isoformat()
    except (KeyError, ValueError):
        errors[field_id] = f"The {label} must be a real date, like 1 5 2027"
        return None


def _sources(text: str, errors: dict[str, str]) -> list[dict[str, str]]:
    sources = []
    for number, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        name, bar, url = line.partition("|")
        if not bar:
            errors.setdefault("sources", f"Source line {number}: put a | between the name and the web address")
        sources.append({"name": name.strip(), "url": url.strip()})
    return sources


# pydantic location -> (form field id, plain message). Field ids match the form's input ids.
_MESSAGES: dict[str, tuple[str, str]] = {
    "id": ("doc_id", "The page id must be lower-case letters, numbers and dashes, like stay-and-play"),
    "title": ("title", "Enter a title"),
    "topic": ("topic", "Choose a topic from the list"),
    "ages": ("ages", "Enter the ages this is for, like 0-5"),
    "areas": ("area", "Choose national or one of the pilot areas"),
    "summary": ("summary", "Enter a summary"),
    "sources": ("sources", "Add at least one source, like: NHS - speech | https://www.nhs.uk/"),
    "last_reviewed": ("last_reviewed-day", "The last reviewed date must be a real date"),
    "review_by": ("review_by-day", "The review by date must be a real date"),
    "body": ("body", "Enter the guidance text"),
    "questions": ("questions", "Each block of example questions must start with a ## line that matches a heading in the page text"),
    "red_flags": ("red_flags", "Each when-to-get-help section must be a heading in the page text, copied exactly"),
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Map pydantic's errors onto form fields, with messages a content editor understands."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc", ())
        key = str(loc[0]) if loc else ""
        if not key:  # the document's own cross-field checks name their field in the message
            text = str(error.get("msg", ""))
            key = "questions" if "example questions" in text else "red_flags" if "red-flag" in text else key
        field_id, message = _MESSAGES.get(key, ("body", "Check the page and try again"))
        if key == "sources" and len(loc) >= 3:
            line = int(loc[1]) + 1
            message = (f"Source line {line}: enter a full web address starting with https://" if loc[2] == "url"
                       else f"Source line {line}: enter the name before the |")
        errors.setdefault(field_id, message)
    return errors


def validate(form: GuidanceForm, today: dt.date | None = None) -> GuidanceDocument:
    """The document the form describes; raises FormErrors with every problem found."""
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    last_reviewed = _date(form.last_reviewed, "date it was last reviewed", errors, "last_reviewed-day")
    review_by = _date(form.review_by, "review by date", errors, "review_by-day")
    sources = _sources(form.sources, errors)
    if form.topic and form.topic not in TOPICS:
        errors["topic"] = "Choose a topic from the list"
    if form.area and form.area not in AREA_CHOICES:
        errors["area"] = "Choose national or one of the pilot areas"
    if len(form.questions) > MAX_QUESTIONS_CHARS:
        errors["questions"] = f"The example questions must be {MAX_QUESTIONS_CHARS:,} characters or fewer"
    if len(form.body) > MAX_BODY_CHARS:
        errors["body"] = f"The guidance text must be {MAX_BODY_CHARS:,} characters or fewer"
    fields = {"title": form.title, "topic": form.topic, "ages": form.ages, "areas": [form.area] if form.area else [],
              "summary": form.summary, "sources": sources, "last_reviewed": last_reviewed or today.isoformat(),
              "review_by": review_by or today.isoformat(), "verify": form.verify,
              "questions": questions_from_text(form.questions),
              "red_flags": [line.strip().removeprefix("## ") for line in form.red_flags.splitlines() if line.strip()]}
    document = None
    try:
        document = document_of(form.doc_id, fields, form.body.strip())
    except ValidationError as exc:
        for field_id, message in field_errors(exc).items():
            errors.setdefault(field_id, message)
    if review_by and review_by <= today.isoformat() and "review_by-day" not in errors:
        errors["review_by-day"] = "The review by date must be in the future"
    if last_reviewed and last_reviewed > today.isoformat() and "last_reviewed-day" not in errors:
        errors["last_reviewed-day"] = "The date it was last reviewed cannot be in the future"
    if last_reviewed and review_by and review_by <= last_reviewed and "review_by-day" not in errors:
        errors["review_by-day"] = "The review by date must be after the date it was last reviewed"
    if errors or document is None:
        raise FormErrors(_ordered(errors))
    return document


def _ordered(errors: dict[str, str]) -> dict[str, str]:
    # The error summary lists problems in the order the fields appear on the page.
    order = ["doc_id", "title", "topic", "ages", "area", "summary", "sources", "last_reviewed-day", "review_by-day", "body", "questions", "red_flags"]
    return {k: errors[k] for k in sorted(errors, key=lambda k: order.index(k) if k in order else len(order))}
