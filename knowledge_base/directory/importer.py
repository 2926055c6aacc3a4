"""Transactional ORUK import for one area: upsert, skip bad records with reasons, remove vanished services.

Every ORUK v3 record is also checked against the official v3.0 schemas. A record the directory cannot use at
all (no id, no name, a nested item without an id) is skipped; anything else the schema finds is listed with
the record in the report (`problems`) and the record is imported, so one missing description does not empty
a council's directory. The ORUK API then serves what conforms (see oruk_records). v1 feeds are not v3 and are
not checked against it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.database import session_scope
from core.metrics import IMPORT_RECORDS, IMPORTS
from knowledge_base.directory import oruk_conformance, oruk_v1, oruk_v3
from knowledge_base.directory.fetch import FeedError, load_feed
from knowledge_base.directory.fields import RecordError
from knowledge_base.directory.models import (
    DirectoryLocation, DirectorySchedule, DirectoryService, DirectoryServiceAtLocation,
)

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    area: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record, reason)
    # (record, "path: what breaks the official ORUK v3 schema"), for imported and skipped records alike
    problems: list[tuple[str, str]] = field(default_factory=list)
    batch_id: int | None = None  # set when the import is staged for a second person to publish

    def problems_by_record(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for record, problem in self.problems:
            grouped.setdefault(record, []).append(problem)
        return grouped

    def summary(self) -> str:
        text = (f"{self.area}: {self.imported} imported, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.skipped)} skipped, {self.removed} removed")
        if self.problems:
            text += f"; {len(self.problems)} ORUK v3 schema problems in {len(self.problems_by_record())} records"
        return text


def is_service_at_location(raw: Any) -> bool:
    return isinstance(raw, dict) and isinstance(raw.get("service"), dict) and "name" not in raw


def parse_record(raw: Any) -> dict[str, Any]:
    if is_service_at_location(raw):
        # A service_at_location record: lift the service and attach its location.
        raw = {**raw["service"], "service_at_locations": [{"id": raw.get("id"), "location": raw.get("location")}]}
    return (oruk_v1 if oruk_v1.looks_like_v1(raw) else oruk_v3).parse_service(raw)


def schema_problems(raw: Any) -> list[str]:
    """What the official ORUK v3 schema finds wrong with one feed record; v1 records are not v3, so none."""
    if is_service_at_location(raw):
        if oruk_v1.looks_like_v1(raw["service"]):
            return []
        return (oruk_conformance.problems({k: v for k, v in raw.items() if k != "service"}, "service_at_location")
                + [f"service/{p}" for p in oruk_conformance.problems(raw["service"], "service")])
    return [] if oruk_v1.looks_like_v1(raw) else oruk_conformance.problems(raw, "service")


def record_label(raw: Any, index: int) -> str:
    return str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") else f"record {index}"


def parse_all(records: Iterable[Any], report: ImportReport) -> list[dict[str, Any]]:
    parsed = []
    for index, raw in enumerate(records, start=1):
        label = record_label(raw, index)
        report.problems += [(label, problem) for problem in schema_problems(raw)]
        try:
            parsed.append(parse_record(raw))
        except RecordError as exc:
            report.skipped.append((label, str(exc)))
    check_unique(parsed)
    if report.problems:
        log.info("directory %s: %d ORUK v3 schema problems in %d records", report.area, len(report.problems),
                 len(report.problems_by_record()))
    for label, problem in report.problems:
        log.debug("directory %s: record %s: %s", report.area, label, problem)
    return parsed


def check_unique(services: list[dict[str, Any]]) -> None:
    # Duplicate ids make upserts ambiguous, so the whole feed is refused rather than half-applied.
    for kind, ids in (("service", [s["id"] for s in services]),
                      ("schedule", [x["id"] for s in services for x in s["schedules"]]),
                      ("service_at_location", [x["sal_id"] for s in services for x in s["locations"]])):
        dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
        if dupes:
            raise FeedError(f"duplicate {kind} ids in feed: {', '.join(dupes[:5])}; nothing was imported")


def fingerprint(service: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(service, sort_keys=True, default=str).encode()).hexdigest()


def write_service(session: Session, data: dict[str, Any], area: str) -> DirectoryService:
    row = session.get(DirectoryService, data["id"])
    if row is not None:
        row.service_at_locations, row.schedules = [], []
        session.flush()  # delete old children before re-adding rows that may share their ids
    else:
        row = DirectoryService(id=data["id"])
        session.add(row)
    scalars = {k: v for k, v in data.items() if k not in ("locations", "schedules")}
    for key, value in {**scalars, "area": area, "fingerprint": fingerprint(data)}.items():
        setattr(row, key, value)
    for loc in data["locations"]:
        session.merge(DirectoryLocation(**{k: v for k, v in loc.items() if k != "sal_id"}))
        row.service_at_locations.append(DirectoryServiceAtLocation(id=loc["sal_id"], location_id=loc["id"]))
    row.schedules = [DirectorySchedule(**s) for s in data["schedules"]]
    return row


def ids_of_other_areas(session: Session, area: str) -> dict[str, str]:
    """Location, service-at-location and schedule ids that another area's services use, with that area.

    Locations are shared rows keyed by the feed's own id: without this, one area's feed could rewrite the
    address of another area's venue, or take over its ids."""
    owned: dict[str, str] = {}
    for location_id, sal_id, owner in session.execute(
            select(DirectoryServiceAtLocation.location_id, DirectoryServiceAtLocation.id, DirectoryService.area)
            .join(DirectoryService, DirectoryServiceAtLocation.service_id == DirectoryService.id)
            .where(DirectoryService.area != area)):
        owned[f"location {location_id}"] = owner
        owned[f"service_at_location {sal_id}"] = owner
    for schedule_id, owner in session.execute(
            select(DirectorySchedule.id, DirectoryService.area)
            .join(DirectoryService, DirectorySchedule.service_id == DirectoryService.id)
            .where(DirectoryService.area != area)):
        owned[f"schedule {schedule_id}"] = owner
    return owned


def foreign_reason(data: dict[str, Any], owned: dict[str, str]) -> str | None:
    for key in ([f"location {loc['id']}" for loc in data["locations"]]
                + [f"service_at_location {loc['sal_id']}" for loc in data["locations"]]
                + [f"schedule {s['id']}" for s in data["schedules"]]):
        if key in owned:
            return f"{key} already belongs to area {owned[key]}"
    return None


def import_records(records: list[Any], area: str, progress: Callable[[int], None] | None = None,
                   write: bool = True) -> ImportReport:
    """Import one area's feed in one transaction. write=False only counts what an import would change (the
    plan a second editor reviews before publishing), touching nothing."""
    if not area:
        raise FeedError("an area is required (e.g. --area leeds)")
    report = ImportReport(area=area)
    services = parse_all(records, report)
    if not services:
        IMPORTS.labels(result="failed").inc()
        raise FeedError(f"no usable services in the feed ({len(report.skipped)} bad records); nothing was changed")
    with session_scope() as session:  # one transaction: any error leaves the old data in place
        existing = {s.id: s for s in session.scalars(select(DirectoryService))}
        owned = ids_of_other_areas(session, area)
        for data in services:
            old = existing.get(data["id"])
            foreign = foreign_reason(data, owned)
            if old is not None and old.area != area:
                report.skipped.append((data["id"], f"id already belongs to area {old.area}"))
            elif foreign:
                report.skipped.append((data["id"], foreign))
            elif old is not None and old.fingerprint == fingerprint(data):
                report.unchanged += 1
            else:
                if write:
                    write_service(session, data, area)
                report.updated += old is not None
                report.imported += old is None
            if progress:
                progress(1)
        # A record that is bad this time keeps its old version rather than vanishing.
        kept = {s["id"] for s in services} | {label for label, _ in report.skipped}
        for old in existing.values():
            if old.area == area and old.id not in kept:
                if write:
                    session.delete(old)
                report.removed += 1
        if not write:
            return report
        session.flush()
        used = select(DirectoryServiceAtLocation.location_id)
        for orphan in session.scalars(select(DirectoryLocation).where(DirectoryLocation.id.not_in(used))):
            session.delete(orphan)
    count_import(report)
    return report


def count_import(report: ImportReport) -> None:
    """For /metrics: one import done, and its records by outcome (counts only)."""
    IMPORTS.labels(result="imported").inc()
    for outcome in ("imported", "updated", "unchanged", "removed"):
        IMPORT_RECORDS.labels(outcome=outcome).inc(getattr(report, outcome))
    IMPORT_RECORDS.labels(outcome="skipped").inc(len(report.skipped))


def import_feed(source: str, area: str, progress: Callable[[int], None] | None = None) -> ImportReport:
    return import_records(load_feed(source), area, progress)
