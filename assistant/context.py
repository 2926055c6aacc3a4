"""The one object every pipeline stage reads and writes during a turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.types import RetrievedChunk, Source
from knowledge_base.directory.query import ServiceQuery


@dataclass
class TurnContext:
    message: str  # as typed; never stored or logged
    conversation_id: str
    area: str | None = None
    history: list[str] = field(default_factory=list)  # earlier redacted parent messages
    text: str = ""  # working text: normalised, then redacted
    redactions: list[str] = field(default_factory=list)  # kinds of personal data removed
    route: str | None = None
    status: str | None = None
    answer: str = ""
    notices: list[str] = field(default_factory=list)  # shown before the answer (e.g. what was removed)
    sources: list[Source] = field(default_factory=list)
    services: list[dict[str, Any]] = field(default_factory=list)
    retrieved: list[RetrievedChunk] = field(default_factory=list)
    search_query: str = ""
    query: ServiceQuery | None = None  # what the directory needs, read once from the redacted text (stages/parse)
    handoff_offered: bool = False
    english: bool = True  # False when the message is clearly in another language
    # The conversation's language as the page or API carried it (or the parent chose it), and the language
    # this turn is answered in (stages/detect_language): ISO 639-1 codes.
    carried_language: str | None = None
    language: str = "en"
    multilingual: bool = False  # retrieved by multilingual-e5 similarity (a non-English message), not the ranker
    urgent_help: list[str] = field(default_factory=list)  # urgent routes whose help is shown before the answer
    # Out of scope by the safety layer's reading; refused unless the turn is plainly conversation or a
    # follow-up (route_intent), which a short fragment like "what if that doesn't work" often is.
    out_of_scope: bool = False
    ended: bool = False

    def end(self, status: str, route: str, answer: str) -> None:
        """Finish the turn now: later stages do not run."""
        self.status, self.route, self.answer, self.ended = status, route, answer, True

    @property
    def full_answer(self) -> str:
        return "\n\n".join(part for part in [*self.notices, self.answer] if part) if self.notices else self.answer
