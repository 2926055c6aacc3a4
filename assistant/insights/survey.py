"""The parents' experience survey: read a posted form, keep it with area and ISO week only, show comments to
the editors of that area, and empty comments once they are past retention."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select, update

from assistant.insights import config
from assistant.insights.models import SurveyResponse
from assistant.insights.weeks import current_week, week_start
from core.areas import AREAS
from core.database import session_scope
from core.settings import get_settings
from core.staff import StaffUser, can
from guardrails import redact


@dataclass
class SurveyError:
    field_id: str
    message: str


@dataclass
class SurveyAnswers:
    area: str | None
    shown_after: str
    helped: str | None = None
    ease: int | None = None
    sharing: list[str] = field(default_factory=list)
    comment: str = ""

    @property
    def empty(self) -> bool:
        return not (self.helped or self.ease or self.sharing or self.comment.strip())


class SurveyRejected(ValueError):
    """Answers that cannot be kept; `errors` says which field and why, in words a parent understands."""

    def __init__(self, errors: list[SurveyError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def context_of(area: str, shown_after: str) -> tuple[str | None, str]:
    """The survey's area and where it was offered, from the link; unknown values fall back safely."""
    allowed = config.survey()["shown_after"]
    return (area if area in AREAS else None), (shown_after if shown_after in allowed else allowed[0])


def read_answers(fields: dict[str, list[str]]) -> SurveyAnswers:
    """Raises SurveyRejected with a message per field; never stores anything."""
    questions, errors = config.survey()["questions"], []

    def one(name: str) -> str:
        return (fields.get(name) or [""])[0].strip()

    area, shown_after = context_of(one("area"), one("shown_after"))
    helped = one("helped") or None
    if helped and helped not in questions["helped"]["options"]:
        errors.append(SurveyError("helped", f"Select whether the answer helped ({', '.join(questions['helped']['options'].values())})"))
    ease_text = one("ease")
    if ease_text and ease_text not in questions["ease"]["options"]:
        errors.append(SurveyError("ease", "Select how easy it has been, from very difficult to very easy"))
    sharing = [value for value in dict.fromkeys(fields.get("sharing") or []) if value]
    if any(value not in questions["sharing"]["options"] for value in sharing):
        errors.append(SurveyError("sharing", "Select only places from the list"))
    elif "none" in sharing and len(sharing) > 1:
        errors.append(SurveyError("sharing", "Select places where sharing would have helped, or 'None of these', not both"))
    comment = (fields.get("comment") or [""])[0]
    limit = int(questions["comment"]["max_chars"])
    if len(comment) > limit:
        errors.append(SurveyError("comment", f"Your comment is {len(comment):,} characters long. Keep it under {limit:,}."))
    answers = SurveyAnswers(area, shown_after, helped, int(ease_text) if ease_text.isdigit() else None, sharing, comment)
    if not errors and answers.empty:
        errors.append(SurveyError("ease", config.survey()["page"]["nothing_answered"]))  # on every form
    if errors:
        raise SurveyRejected(errors)
    return answers


def store(answers: SurveyAnswers) -> None:
    """Keep the answers with a random key, the area and this ISO week; the comment only after redaction."""
    comment = redact(answers.comment).text.strip() if answers.comment.strip() else None
    with session_scope() as session:
        session.add(SurveyResponse(
            id=secrets.token_hex(16), area=answers.area, iso_week=current_week(), shown_after=answers.shown_after,
            helped=answers.helped, ease=answers.ease, sharing=answers.sharing, comment=comment or None))


@dataclass(frozen=True)
class SurveyComment:
    iso_week: str
    area: str | None
    text: str


def may_read_comments(user: StaffUser | None) -> bool:
    return can(user, "editor")


def comments_for(user: StaffUser) -> list[SurveyComment]:
    """Comments in the editor's own area (an editor without an area reads none: comments are local)."""
    if not may_read_comments(user) or not user.area:
        return []
    query = (select(SurveyResponse.iso_week, SurveyResponse.area, SurveyResponse.comment)
             .where(SurveyResponse.area == user.area, SurveyResponse.comment.is_not(None))
             .order_by(SurveyResponse.iso_week.desc(), SurveyResponse.id))  # random id: no insert order shown
    with session_scope() as session:
        return [SurveyComment(week, area, text) for week, area, text in session.execute(query)]


def purge_comments(now: dt.datetime | None = None) -> int:
    """Empty comments from weeks that started more than SURVEY_COMMENT_RETENTION_DAYS ago. Only the week is
    known, so the week's start is taken: a comment goes a few days early rather than a day late."""
    now = now or dt.datetime.now(dt.timezone.utc)
    cutoff = now - dt.timedelta(days=get_settings().survey_comment_retention_days)
    with session_scope() as session:
        weeks = session.scalars(select(SurveyResponse.iso_week).where(SurveyResponse.comment.is_not(None)).distinct()).all()
        old = [week for week in weeks if week_start(week) <= cutoff]
        if not old:
            return 0
        return session.execute(
            update(SurveyResponse).where(SurveyResponse.iso_week.in_(old)).values(comment=None)
        ).rowcount or 0
