"""Errors that say which form field they belong to, so pages can show the message beside that field."""

from __future__ import annotations


class FieldError(ValueError):
    """A message a person understands, the form field it belongs to, and the HTTP status that fits it."""

    def __init__(self, message: str, field: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.field = field
        self.status = status
