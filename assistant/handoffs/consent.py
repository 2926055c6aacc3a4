"""The consent words, filled in for the hub the parent chose. The full text is kept with the consent record."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from core.errors import FieldError
from core.settings import get_settings
from assistant.handoffs.choices import DATA_DIR, recipient


@dataclass(frozen=True)
class ConsentWording:
    version: str
    heading: str
    paragraphs: list[str]
    checkbox: str
    error_missing: str

    @property
    def full_text(self) -> str:
        return "\n\n".join([self.heading, *self.paragraphs, self.checkbox])


@lru_cache(maxsize=1)
def _template() -> dict:
    return yaml.safe_load((DATA_DIR / "consent.yaml").read_text())


def retention_words(days: int) -> str:
    months = round(days / 30.5)
    if days >= 60 and abs(months * 30.5 - days) <= 3:
        return f"{months} months"
    return f"{days} days"


class ConsentNotGiven(FieldError):
    """The box was not ticked (422), or the words changed since the parent read them (409)."""


CHANGED_SINCE_READ = ("We have changed these words since you opened the page. "
                      "Read them again, and tick the box if you agree")


def check_given(consent: ConsentWording, ticked: bool, version_read: str) -> None:
    """Consent counts only when the box was ticked against the exact words now in force."""
    if not ticked:
        raise ConsentNotGiven(consent.error_missing, "consent", 422)
    if version_read != consent.version:
        raise ConsentNotGiven(CHANGED_SINCE_READ, "consent", 409)


def wording(area: str, hub_id: str) -> ConsentWording:
    data, hub = _template(), recipient(area, hub_id)
    values = {"hub_name": hub.name, "council": hub.council, "retention": retention_words(get_settings().retention_days)}
    return ConsentWording(
        version=str(data["version"]),
        heading=data["heading"],
        paragraphs=[p.format(**values) for p in data["paragraphs"]],
        checkbox=data["checkbox"].format(**values),
        error_missing=data["error_missing"],
    )
