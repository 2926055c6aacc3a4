"""The public /api/chat contract: council websites and the evaluation scripts depend on it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from assistant.conversation_language import known_codes
from core.areas import AREAS
from core.settings import get_settings
from core.types import ROUTES, STATUSES

AreaName = Literal[AREAS]  # type: ignore[valid-type]  (values from core/data/areas.yaml)
# One character that is not white space as str.isspace() (and so check_message's strip()) sees it, spelt out
# because \S means different sets in Python, JavaScript and Rust regular expressions.
NOT_BLANK = "[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def state_request_limits(schema: dict[str, Any]) -> None:
    """The limits assistant.chat.handle_turn enforces (answering in words a parent understands), stated in the
    JSON schema when the document is made: the length from MAX_MESSAGE_CHARS, the languages from their data."""
    properties = schema["properties"]
    properties["message"].update(minLength=1, maxLength=get_settings().max_message_chars, pattern=NOT_BLANK)
    properties["language"]["anyOf"][0]["enum"] = known_codes()


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=state_request_limits)

    message: StrictStr = Field(description="The parent's message: some text that is not only spaces, at most "
                                           "MAX_MESSAGE_CHARS characters (2,000 unless the council changes it).")
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
