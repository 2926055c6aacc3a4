"""One handoff as JSON or CSV, with readable labels, for copying into the council's case system."""

from __future__ import annotations

import csv
import io
import json

from assistant.handoffs.choices import hub_label
from assistant.handoffs.forms import TEXT_FIELDS
from assistant.handoffs.service import HandoffView
from assistant.handoffs.summary import answer_rows


def rows(view: HandoffView) -> list[tuple[str, str]]:
    """(question, answer) pairs: the same words staff see on screen, plus the record's own facts."""
    return [
        ("Reference", view.reference),
        ("Status", view.status),
        ("Received", view.created_at.isoformat(timespec="minutes")),
        *[(question, answer) for _field, question, answer in answer_rows(view.answers)],
        ("Consent given", f"{view.consent_given_at.isoformat(timespec='minutes')} (wording {view.consent_version})"),
    ]


def as_json(view: HandoffView) -> str:
    fields = {key: a for key, a in view.answers.items() if key in TEXT_FIELDS or key in
              ("child_age", "area", "hub", "contact_method", "concerns", "involved")}
    return json.dumps({
        "reference": view.reference, "status": view.status, "received": view.created_at.isoformat(),
        "hub_name": hub_label(view.hub), "answers": fields, "readable": dict(rows(view)),
        "notes": [{"author": n["author"], "at": n["at"].isoformat(), "text": n["text"]} for n in view.notes],
        "consent": {"version": view.consent_version, "given_at": view.consent_given_at.isoformat(), "text": view.consent_text},
    }, ensure_ascii=False, indent=2)


def as_csv(view: HandoffView) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Question", "Answer"])
    for question, answer in rows(view):
        # A leading = + - @ would run as a formula in a spreadsheet.
        safe = "'" + answer if answer[:1] in ("=", "+", "-", "@") else answer
        writer.writerow([question, safe])
    return buffer.getvalue()
