"""Directory imports from the editor pages, with the same two-person rule as guidance.

An editor stages an import for an area they cover (the bundled file or an ORUK feed): the feed is fetched and
checked, and what it would change is counted, but parents see nothing of it. A second person (an editor or
approver covering that area, never the one who staged it) publishes it, which imports it in one transaction,
or discards it. Staging again for an area replaces that area's waiting import. Every step is audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from core.areas import AREAS
from core.database import session_scope
from core import audit
from core.staff import StaffUser, can
from knowledge_base.directory.bundled import bundled_feed
from knowledge_base.directory.fetch import FeedError, load_feed
from knowledge_base.directory.importer import ImportReport, import_records
from knowledge_base.directory.models import DirectoryImportBatch
from knowledge_base.directory.safe_url import public_feed_url_problem
from knowledge_base.editorial.forms import FormErrors
from knowledge_base.editorial.workflow import NotAllowed, NotFound, actor, require

MAX_URL_CHARS = 500
STAGED, PUBLISHING, PUBLISHED, DISCARDED = "staged", "publishing", "published", "discarded"
NOT_WAITING = "There is no import waiting with that number. Someone may have published or discarded it"


@dataclass(frozen=True)
class StagedImport:
    id: int
    area: str
    source: str
    staged_by: str
    staged_at: dt.datetime
    report: ImportReport  # what publishing would change, as counted when it was staged


def import_areas(user: StaffUser) -> list[str]:
    """The areas whose directory this person may import or publish: their own area, or every area when the
    account covers no single area (a national editor)."""
    return [user.area] if user.area else list(AREAS)


def _plan(report: ImportReport) -> dict:
    return dataclasses.asdict(report)


def _report(plan: dict) -> ImportReport:
    fields = {**plan, "skipped": [tuple(x) for x in plan.get("skipped", [])],
              "problems": [tuple(x) for x in plan.get("problems", [])]}
    return ImportReport(**fields)


def _view(row: DirectoryImportBatch) -> StagedImport:
    return StagedImport(row.id, row.area, row.source, row.staged_by, row.staged_at, _report(row.plan))


def stage_import(area: str, source: str, url: str, user: StaffUser) -> ImportReport:
    """Fetch and check a feed and keep it, unpublished. Returns the plan (batch_id set). Raises FormErrors for
    bad input, NotAllowed outside the editor's areas, FeedError when the feed is unusable (audited)."""
    require(user, "editor")
    errors: dict[str, str] = {}
    if area not in AREAS:
        errors["area"] = "Choose an area"
    if source not in ("bundled", "url"):
        errors["source"] = "Choose where to import from"
    url = url.strip()
    if source == "url":
        problem = "Enter a shorter web address" if len(url) > MAX_URL_CHARS else public_feed_url_problem(url)
        if problem:
            errors["url"] = problem
    if errors:
        raise FormErrors(errors)
    if area not in import_areas(user):
        raise NotAllowed("You can import only your own area's directory")
    label = "bundled" if source == "bundled" else url[:200]
    try:
        records = load_feed(str(bundled_feed(area)) if source == "bundled" else url)
        report = import_records(records, area, write=False)
    except FeedError as exc:
        reason = getattr(exc, "reason", "feed")  # a fetch failure's code, e.g. blocked_address
        with session_scope() as session:
            audit.record(session, actor(user), "directory_import_failed",
                         detail=f"area={area} source={label[:120]} reason={reason}")
        raise
    with session_scope() as session:
        for waiting in session.scalars(select(DirectoryImportBatch).where(
                DirectoryImportBatch.area == area, DirectoryImportBatch.status == STAGED)):
            waiting.status, waiting.decided_by, waiting.decided_at = DISCARDED, actor(user), dt.datetime.now(dt.timezone.utc)
        row = DirectoryImportBatch(area=area, source=label, status=STAGED, records=records, plan=_plan(report),
                                   staged_by=actor(user), staged_at=dt.datetime.now(dt.timezone.utc))
        session.add(row)
        session.flush()
        report.batch_id = row.id
        audit.record(session, actor(user), "directory_import_staged", detail=(
            f"batch={row.id} area={area} new={report.imported} updated={report.updated} "
            f"skipped={len(report.skipped)} removed={report.removed} source={label[:80]}"))
    return report


def waiting(user: StaffUser) -> list[StagedImport]:
    """Imports waiting to be published in the areas this person covers, newest first."""
    with session_scope() as session:
        rows = session.scalars(select(DirectoryImportBatch).where(
            DirectoryImportBatch.status == STAGED, DirectoryImportBatch.area.in_(import_areas(user)))
            .order_by(DirectoryImportBatch.id.desc()))
        return [_view(row) for row in rows]


def _decidable(session, batch_id: int, user: StaffUser) -> DirectoryImportBatch:
    if not (can(user, "editor") or can(user, "approver")):
        raise NotAllowed("You need the editor or approver role to publish the directory")
    row = session.get(DirectoryImportBatch, batch_id)
    if row is None or row.status != STAGED or row.area not in import_areas(user):
        raise NotFound(NOT_WAITING)
    return row


def publish(batch_id: int, user: StaffUser) -> ImportReport:
    """The second person's step: import the staged feed. Raises NotAllowed for the person who staged it."""
    with session_scope() as session:
        row = _decidable(session, batch_id, user)
        if row.staged_by == actor(user):
            raise NotAllowed("Someone else must publish an import you made")
        records, area = row.records, row.area
        # Taken in one conditional UPDATE: of two people pressing "publish" at once, exactly one imports.
        taken = session.execute(update(DirectoryImportBatch).where(
            DirectoryImportBatch.id == batch_id, DirectoryImportBatch.status == STAGED).values(status=PUBLISHING))
        if taken.rowcount != 1:
            raise NotFound(NOT_WAITING)
    try:
        report = import_records(records, area)  # counted again: the directory may have changed since staging
    except Exception:
        with session_scope() as session:  # nothing was published: the import waits for review again
            session.execute(update(DirectoryImportBatch).where(
                DirectoryImportBatch.id == batch_id, DirectoryImportBatch.status == PUBLISHING).values(status=STAGED))
        raise
    with session_scope() as session:
        row = session.get(DirectoryImportBatch, batch_id)
        row.status, row.decided_by, row.decided_at = PUBLISHED, actor(user), dt.datetime.now(dt.timezone.utc)
        row.records = []  # published: the feed now lives in the directory tables
        audit.record(session, actor(user), "directory_import_published", detail=(
            f"batch={batch_id} area={area} staged_by={row.staged_by} imported={report.imported} "
            f"updated={report.updated} unchanged={report.unchanged} skipped={len(report.skipped)} "
            f"removed={report.removed}"))
    return report


def discard(batch_id: int, user: StaffUser) -> None:
    with session_scope() as session:
        row = _decidable(session, batch_id, user)
        row.status, row.decided_by, row.decided_at = DISCARDED, actor(user), dt.datetime.now(dt.timezone.utc)
        row.records = []
        audit.record(session, actor(user), "directory_import_discarded", detail=f"batch={batch_id} area={row.area}")
