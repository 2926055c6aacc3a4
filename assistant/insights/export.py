"""Write the open figures as a Frictionless Data Package: datapackage.json, one CSV per resource, and a
methodology page. Only the suppressed aggregate figures go in: no free text, no identifiers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from assistant.insights import config
from assistant.insights.figures import Figures
from assistant.insights.weeks import week_start
from core.areas import AREA_LABELS

METHODOLOGY_FILE = "methodology.md"


def columns(resource: str, figures: Figures) -> list[str]:
    rows = figures.resources()[resource]
    if rows:
        return list(rows[0])
    return _EMPTY_COLUMNS[resource]


_EMPTY_COLUMNS = {
    "turns": ["iso_week", "area", "topic", "route", "status", "turns", "turns_marker"],
    "signposting": ["iso_week", "area", "topic", "route", "status", "turns", "turns_marker"],
    "unanswered": ["iso_week", "area", "turns", "turns_marker", "unanswered", "unanswered_marker", "unanswered_rate"],
    "handoffs": ["iso_week", "area", "created", "created_marker", "accepted", "accepted_marker", "declined",
                 "declined_marker", "not_yet_decided", "not_yet_decided_marker", "median_days_to_first_contact"],
    "survey": ["iso_week", "area", "question", "answer", "responses", "responses_marker"],
}


def to_csv(resource: str, figures: Figures) -> str:
    """One resource as CSV text: a suppressed count is an empty cell, its marker in the next column."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(resource, figures), lineterminator="\n")
    writer.writeheader()
    for row in figures.resources()[resource]:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def _schema(names: list[str]) -> dict[str, Any]:
    described = config.open_data()["fields"]
    fields = []
    for name in names:
        spec = described[name]
        entry: dict[str, Any] = {"name": name, "type": spec["type"], "description": spec["description"]}
        if "pattern" in spec:
            entry["constraints"] = {"pattern": spec["pattern"]}
        fields.append(entry)
    return {"fields": fields, "missingValues": [""]}


def _temporal(figures: Figures) -> dict[str, str]:
    weeks = figures.weeks
    if not weeks:
        return {}
    end = week_start(weeks[-1]) + dt.timedelta(days=6)
    return {"start": week_start(weeks[0]).date().isoformat(), "end": end.date().isoformat()}


def descriptor(figures: Figures) -> dict[str, Any]:
    data = config.open_data()
    package, resources = data["package"], data["resources"]
    return {
        "name": package["name"],
        "title": package["title"],
        "description": package["description"],
        "licenses": [package["licence"]],
        "contributors": [package["publisher"]],
        "keywords": package["keywords"],
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        # Coverage as custom properties (the Data Package standard allows them): dates and places covered.
        "temporal_coverage": _temporal(figures),
        "spatial_coverage": {"description": package["spatial_coverage"], "areas": dict(AREA_LABELS)},
        "suppression": {"smallest_shown": config.smallest_shown(), "marker": config.marker(),
                        "meaning": data["suppression"]["marker_meaning"]},
        "resources": [
            {"name": name, "path": f"{name}.csv", "title": resources[name]["title"],
             "description": resources[name]["description"], "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8", "profile": "tabular-data-resource", "schema": _schema(columns(name, figures))}
            for name in figures.resources()
        ],
        "sources": [{"title": "Family Hub Assistant", "path": METHODOLOGY_FILE}],
    }


def package_files(figures: Figures) -> dict[str, str]:
    """Every file of the package by name, as text (the insights page zips these for its download)."""
    files = {"datapackage.json": json.dumps(descriptor(figures), indent=2, ensure_ascii=False) + "\n"}
    files.update({f"{name}.csv": to_csv(name, figures) for name in figures.resources()})
    files[METHODOLOGY_FILE] = config.open_data()["methodology"]
    return files


def write_package(figures: Figures, directory: Path) -> list[Path]:
    """Write the package into `directory` (created if missing); returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in package_files(figures).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def as_zip(figures: Figures) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in package_files(figures).items():
            archive.writestr(name, text)
    return buffer.getvalue()
