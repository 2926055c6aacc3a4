"""Guidance versions as data: front-matter fields <-> GuidanceDocument <-> Markdown with front matter."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

import yaml

from knowledge_base.documents import Area, GuidanceDocument, Topic

TOPICS: dict[str, str] = {
    "speech_language": "Speech, language and communication",
    "toileting": "Potty training and toileting",
    "development": "Development and health",
    "family_hubs": "Family hub services",
}
assert set(TOPICS) == set(get_args(Topic))
AREA_CHOICES: tuple[str, ...] = get_args(Area)
FIELD_ORDER = ("title", "topic", "ages", "areas", "summary", "sources", "last_reviewed", "review_by", "verify", "questions", "red_flags")


def fields_of(document: GuidanceDocument) -> dict[str, Any]:
    """JSON-safe front matter (dates as ISO text) for storing in a version row."""
    data = document.model_dump(mode="json", exclude={"id", "body"})
    return {key: data[key] for key in FIELD_ORDER if key not in ("questions", "red_flags") or data[key]}


def document_of(doc_id: str, fields: dict[str, Any], body: str) -> GuidanceDocument:
    """Raises pydantic.ValidationError; editors see it through forms.field_errors."""
    return GuidanceDocument(id=doc_id, **fields, body=body)


def _yaml_value(value: Any) -> Any:
    if isinstance(value, str):
        try:  # dates stay dates in YAML, as in the bundled files
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def to_markdown(doc_id: str, fields: dict[str, Any], body: str) -> str:
    """The same shape as the bundled files, so an export can be committed or re-seeded."""
    meta: dict[str, Any] = {"id": doc_id}
    for key in FIELD_ORDER:
        if key in fields and not (key in ("verify", "questions", "red_flags") and not fields[key]):
            meta[key] = fields[key] if key in ("sources", "ages", "areas", "questions", "red_flags") else _yaml_value(fields[key])
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)
    return f"---\n{front}---\n{body.strip()}\n"


def questions_as_text(questions: dict[str, list[str]]) -> str:
    """The editor's plain-text form: each section's heading on a "## " line, then one question per line."""
    return "\n\n".join(f"## {heading}\n" + "\n".join(lines) for heading, lines in questions.items() if lines)


def questions_from_text(text: str) -> dict[str, list[str]]:
    """Inverse of questions_as_text; lines before any "## " line belong to the introduction."""
    from knowledge_base.documents import INTRO_KEY

    questions: dict[str, list[str]] = {}
    heading = INTRO_KEY
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            heading = line[3:].strip()
        elif line:
            questions.setdefault(heading, []).append(line)
    return questions
