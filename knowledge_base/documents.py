"""Guidance documents: Markdown files with YAML front matter, validated on load."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
import re
from pathlib import Path
from typing import Literal

import frontmatter
from core.areas import AREAS
from pydantic import BaseModel, Field, HttpUrl, field_validator, model_validator

Topic = Literal["speech_language", "toileting", "development", "family_hubs"]
INTRO_KEY = "_intro"  # the questions key for the introduction (the text before the first heading)
_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def section_headings(body: str) -> list[str]:
    return [match.group(1).strip() for match in _HEADING.finditer(body)]


Area = Literal[("national", *AREAS)]  # type: ignore[valid-type]  (core/data/areas.yaml)


class SourceLink(BaseModel):
    name: str = Field(min_length=1)
    url: HttpUrl


class GuidanceDocument(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    topic: Topic
    ages: str
    areas: list[Area] = Field(min_length=1)
    summary: str = Field(min_length=1)
    sources: list[SourceLink] = Field(min_length=1)
    last_reviewed: dt.date
    review_by: dt.date
    verify: bool = False
    # Parents' questions each section answers, keyed by the section's heading ("_intro" for the text before
    # the first heading). Indexed as extra vectors that point to their section, and the ranker's training data.
    questions: dict[str, list[str]] = Field(default_factory=dict)
    # Headings of the sections that say when to get help (a GP, NHS 111, a therapist): their advice is added to
    # an answer whenever the question comes close to them, so a red flag is never answered without it.
    red_flags: list[str] = Field(default_factory=list)
    body: str = Field(min_length=1)

    @field_validator("ages", mode="before")
    @classmethod
    def ages_as_text(cls, value: object) -> str:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

    @model_validator(mode="after")
    def questions_name_sections(self) -> GuidanceDocument:
        headings = {INTRO_KEY, *section_headings(self.body)}
        unknown = sorted(set(self.questions) - headings)
        if unknown:
            raise ValueError(f"example questions for headings that are not in the text: {', '.join(unknown)}")
        unknown = sorted(set(self.red_flags) - headings)
        if unknown:
            raise ValueError(f"red-flag sections that are not headings in the text: {', '.join(unknown)}")
        return self

    @property
    def area(self) -> str:
        # A document is national or belongs to exactly one pilot area.
        return self.areas[0]


class ContentError(ValueError):
    """A guidance file that cannot be used, with the file and the reason."""


def load_document(path: Path) -> GuidanceDocument:
    try:
        post = frontmatter.load(str(path))
        document = GuidanceDocument(**post.metadata, body=post.content)
    except Exception as exc:  # yaml errors and validation errors alike
        raise ContentError(f"{path.name}: {exc}") from exc
    if document.id != path.stem:
        raise ContentError(f"{path.name}: id '{document.id}' must match the file name")
    return document


def load_documents(content_dir: Path) -> list[GuidanceDocument]:
    return [load_document(path) for path in sorted(content_dir.glob("*.md"))]


def bundled_documents() -> list[GuidanceDocument]:
    """The guidance files shipped with the code (CONTENT_DIR), read once per process: start-up reads them for
    the seed, the ranker's and the conversation classifier's cache digests, and they do not change while running."""
    from core.settings import get_settings

    return list(_documents_in(get_settings().content_dir))


@lru_cache(maxsize=4)
def _documents_in(content_dir: Path) -> tuple[GuidanceDocument, ...]:
    return tuple(load_documents(content_dir))
