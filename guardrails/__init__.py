"""Guardrail stages that run before anything is stored, logged or sent to a model."""

from guardrails.pii import Redaction, describe_removed, redact

__all__ = ["Redaction", "describe_removed", "redact"]
