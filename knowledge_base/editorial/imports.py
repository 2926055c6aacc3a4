"""Directory re-import from the editor pages: the bundled file or an ORUK URL for one area, audited."""

from __future__ import annotations

from core.areas import AREAS
from core.database import session_scope
from core import audit
from core.staff import StaffUser
from knowledge_base.directory.bundled import bundled_feed
from knowledge_base.directory.fetch import FeedError
from knowledge_base.directory.importer import ImportReport, import_feed
from knowledge_base.directory.safe_url import public_feed_url_problem
from knowledge_base.editorial.forms import FormErrors
from knowledge_base.editorial.workflow import actor, require

MAX_URL_CHARS = 500


def reimport(area: str, source: str, url: str, user: StaffUser) -> ImportReport:
    """source is "bundled" or "url". Raises FormErrors for bad input, FeedError when the feed is unusable."""
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
    feed = str(bundled_feed(area)) if source == "bundled" else url
    label = "bundled" if source == "bundled" else url[:120]
    try:
        report = import_feed(feed, area)
    except FeedError as exc:
        reason = getattr(exc, "reason", "feed")  # a fetch failure's code, e.g. blocked_address
        with session_scope() as session:
            audit.record(session, actor(user), "directory_import_failed",
                         detail=f"area={area} source={label} reason={reason}")
        raise
    with session_scope() as session:
        audit.record(session, actor(user), "directory_imported", detail=(
            f"area={area} imported={report.imported} updated={report.updated} unchanged={report.unchanged} "
            f"skipped={len(report.skipped)} removed={report.removed} source={label}"))
    return report
