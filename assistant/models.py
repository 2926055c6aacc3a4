"""Registers every feature's SQLAlchemy tables on the shared Base (for Alembic and the schema checks)."""

from assistant.conversations import ConversationRecord, TurnRecord  # noqa: F401
from assistant.handoffs.models import Handoff, HandoffNote, NotificationSend  # noqa: F401
from assistant.insights.models import SurveyResponse, TurnCount  # noqa: F401
from core.staff import AuditEvent, StaffSession, StaffUser  # noqa: F401
from knowledge_base.content_version import ContentVersion  # noqa: F401
from knowledge_base.directory.models import DirectoryService  # noqa: F401
from knowledge_base.editorial.models import EditorialDocument, EditorialVersion  # noqa: F401
