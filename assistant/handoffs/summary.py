"""The parent's answers as (field id, question, answer) rows: check answers, the parent's copy, staff and exports."""

from __future__ import annotations

from assistant.handoffs.choices import hub_label, label


def answer_rows(a: dict) -> list[tuple[str, str, str]]:
    involved = [label("involved", i) for i in a.get("involved", [])] + ([a["involved_other"]] if a.get("involved_other") else [])
    return [
        ("child_name", "Child's first name", a.get("child_name", "") or "Not given"),
        ("child_age", "Child's age", label("child_ages", a.get("child_age", ""))),
        ("hub", "Family hub", hub_label(a.get("hub", ""))),
        ("concerns", "Worried about", ", ".join(label("concerns", c) for c in a.get("concerns", []))),
        ("noticed", "What you have noticed", a.get("noticed", "")),
        ("tried", "What you have tried", a.get("tried", "") or "Not given"),
        ("involved", "Who is already helping", ", ".join(involved) or "No one yet"),
        ("help_wanted", "What help you would like", a.get("help_wanted", "") or "Not given"),
        ("parent_name", "Your name", a.get("parent_name", "")),
        ("contact_method", "How to contact you", label("contact_methods", a.get("contact_method", ""))),
        ("phone", "Phone number", a.get("phone", "") or "Not given"),
        ("email", "Email address", a.get("email", "") or "Not given"),
        ("contact_times", "Best times to contact you", a.get("contact_times", "") or "Not given"),
        ("access_needs", "Interpreter or access needs", a.get("access_needs", "") or "None"),
    ]
