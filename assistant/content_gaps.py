"""Content gaps: parent questions the assistant could not answer well, grouped by meaning, counted by
ISO week and area, so editors see what to write next. Turn text is already redacted when it is stored."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import and_, or_, select

from knowledge_base import ranking
from assistant.conversations import ConversationRecord, TurnRecord
from core.database import session_scope
from core.embeddings import embed
from core.thresholds import CONTENT_GAPS

GAP_STATUSES = ("unanswerable", "clarification")
LOW_CONFIDENCE_MARGIN = CONTENT_GAPS["low_confidence_margin"]
GROUP_SIMILARITY = CONTENT_GAPS["group_similarity"]
MAX_TURNS = 2000
MAX_EXAMPLES = 5


@dataclass
class GapGroup:
    examples: list[str]  # the most typical question first
    count: int = 0
    by_week: Counter = field(default_factory=Counter)
    by_area: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)


@dataclass
class GapReport:
    groups: list[GapGroup]
    weeks: list[str]  # ISO weeks covered, oldest first
    total: int
    since: dt.date


def iso_week(when: dt.datetime) -> str:
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def _turns(since: dt.datetime, area: str | None) -> list[tuple[str, str, str, dt.datetime]]:
    # top_similarity holds the best section's ranker probability: answered, but close to the answer threshold.
    low = ranking.model().answer_threshold + LOW_CONFIDENCE_MARGIN
    query = (
        select(TurnRecord.redacted_text, TurnRecord.status, ConversationRecord.area, TurnRecord.created_at)
        .join(ConversationRecord, ConversationRecord.id == TurnRecord.conversation_id)
        .where(TurnRecord.created_at >= since)
        .where(or_(TurnRecord.status.in_(GAP_STATUSES),
                   and_(TurnRecord.status == "answered", TurnRecord.route == "guidance", TurnRecord.top_similarity < low)))
        .order_by(TurnRecord.created_at.desc())
        .limit(MAX_TURNS)
    )
    if area == "none":
        query = query.where(ConversationRecord.area.is_(None))
    elif area:
        query = query.where(ConversationRecord.area == area)
    with session_scope() as session:
        return [(text, "low_confidence" if status == "answered" else status, turn_area or "none", at)
                for text, status, turn_area, at in session.execute(query)]


def group_texts(vectors: np.ndarray, threshold: float = GROUP_SIMILARITY) -> list[list[int]]:
    """Threshold grouping: each question joins the most similar group centroid, or starts a new group."""
    groups: list[list[int]] = []
    centroids: list[np.ndarray] = []
    for i, vector in enumerate(vectors):
        scores = [float(c @ vector) for c in centroids]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= threshold:
            groups[best].append(i)
            mean = vectors[groups[best]].mean(axis=0)
            centroids[best] = mean / (np.linalg.norm(mean) or 1.0)
        else:
            groups.append([i])
            centroids.append(vector)
    return groups


def gaps_report(weeks: int = 12, area: str | None = None, today: dt.date | None = None) -> GapReport:
    today = today or dt.date.today()
    since = today - dt.timedelta(weeks=weeks)
    turns = _turns(dt.datetime.combine(since, dt.time(), dt.timezone.utc), area)
    week_labels = sorted({iso_week(dt.datetime.combine(since + dt.timedelta(days=d), dt.time()))
                          for d in range(0, (today - since).days + 1, 7)} | {iso_week(dt.datetime.combine(today, dt.time()))})
    if not turns:
        return GapReport([], week_labels, 0, since)
    vectors = embed([t[0] for t in turns])
    groups: list[GapGroup] = []
    for members in group_texts(vectors):
        centre = vectors[members].mean(axis=0)
        typical = sorted(members, key=lambda i: -float(vectors[i] @ centre))
        group = GapGroup(examples=list(dict.fromkeys(turns[i][0] for i in typical))[:MAX_EXAMPLES], count=len(members))
        for i in members:
            _text, status, turn_area, at = turns[i]
            group.by_week[iso_week(at)] += 1
            group.by_area[turn_area] += 1
            group.by_status[status] += 1
        groups.append(group)
    groups.sort(key=lambda g: (-g.count, g.examples[0]))
    return GapReport(groups, week_labels, len(turns), since)
