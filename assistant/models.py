"""Registers every feature's SQLAlchemy tables on the shared Base."""

from assistant.conversations import ConversationRecord, TurnRecord  # noqa: F401
from knowledge_base.directory.models import DirectoryService  # noqa: F401
from assistant.handoffs.models import AuditEvent, Handoff, HandoffNote, StaffSession, StaffUser  # noqa: F401
from knowledge_base.editorial.models import EditorialDocument, EditorialVersion  # noqa: F401
