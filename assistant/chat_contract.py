"""The public /api/chat contract: council websites and the evaluation scripts depend on it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from core.areas import AREAS
from core.types import ROUTES, STATUSES

AreaName = Literal[AREAS]  # type: ignore[valid-type]  (values from core/data/areas.yaml)


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: StrictStr = Field(description="The parent's message, 1 to 2,000 characters.")
    conversation_id: StrictStr | None = Field(
        default=None, pattern=r"^[0-9a-f]{32}$", description="From an earlier response; null starts a new one."
    )
    area: AreaName | None = Field(default=None, description="The parent's council area, if known.")
    language: StrictStr | None = Field(
        default=None, pattern=r"^[a-z]{2}$",
        description="The conversation's language (ISO 639-1) from the previous response's `language`, or chosen "
                    "by the parent; a short or unclear message is answered in it. Null: read from the message.",
    )


class SourceOut(BaseModel):
    title: str
    url: str


class ChatResponse(BaseModel):
    conversation_id: str
    status: Literal[STATUSES]  # type: ignore[valid-type]  (core/data/routes.yaml)
    route: Literal[ROUTES]  # type: ignore[valid-type]
    answer: str
    sources: list[SourceOut] = []
    services: list[dict[str, Any]] = []
    redactions: list[str] = Field(default=[], description="Kinds of personal detail removed, e.g. NAME, PHONE.")
    handoff_offered: bool = False
    language: str = Field(default="en", description="The language this reply is in (ISO 639-1): send it back as "
                                                    "`language` with the next message.")
