"""Personal-data redaction for parents' chat messages (Presidio + spaCy, configured in config.yaml)."""

from guardrails.pii.messages import describe_removed
from guardrails.pii.redactor import Redaction, redact

__all__ = ["Redaction", "describe_removed", "redact"]
