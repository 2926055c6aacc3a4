"""Imports check ORUK v3 records against the official schemas and report, per record, what was skipped or
found wrong and why; the postcode-district table is derived from the bundled feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from directory_db import forget_fresh_db, use_fresh_db

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = ROOT.parent / "shared" / "fixtures" / "oruk-v3-official"
BUNDLED = ROOT / "knowledge_base" / "directory" / "data"
V1_SAMPLE = Path(__file__).parent / "fixtures" / "oruk_v1_sample.json"
UUID = "ac148810-d857-441c-9679-408f346de14b"


@pytest.fixture(autouse=True)
def fresh_db(monkeypatch, tmp_path):
    use_fresh_db(monkeypatch, tmp_path)
    yield
    forget_fresh_db()


def import_list(records: list, area: str = "leeds"):
    from knowledge_base.directory.importer import import_records

    return import_records(records, area)


@pytest.mark.parametrize("area", ["leeds", "hammersmith-fulham", "liverpool-city-region"])
def test_bundled_feeds_import_whole_and_report_the_missing_term_descriptions(area):
    from knowledge_base.directory.importer import import_feed

    report = import_feed(str(BUNDLED / f"{area}.json"), area)
    records = json.loads((BUNDLED / f"{area}.json").read_text())["contents"]
    assert report.imported == len(records) and not report.skipped
    by_record = report.problems_by_record()
    assert set(by_record) == {r["id"] for r in records}
    for record in records:
        assert by_record[record["id"]] == [f"attributes/{i}/taxonomy_term: 'description' is required"
                                           for i in range(len(record["attributes"]))]
    assert f"{len(report.problems)} ORUK v3 schema problems in {len(records)} records" in report.summary()


@pytest.mark.parametrize("example", ["service_full", "service_list", "organization_full", "service_at_location_full",
                                     "service_at_location_list"])
def test_official_examples_have_no_problems(example):
    from knowledge_base.directory.importer import import_feed

    report = import_feed(str(OFFICIAL / "examples" / f"{example}.json"), "leeds")
    assert (report.imported, report.skipped, report.problems) == (1, [], [])


def test_each_record_gets_its_own_problems_and_only_unusable_records_are_skipped():
    good = {"id": UUID, "name": "Fine", "status": "active"}
    messy = {"id": "messy-1", "name": "Messy", "status": "open", "url": "www.example.org", "email": "nobody",
             "last_modified": "last tuesday", "minimum_age": "five",
             "schedules": [{"id": "8e4b6a36-4a5e-4c61-9d4b-5f4f0ed8a0a1", "freq": "DAILY"}],
             "attributes": [{"id": "0c7a1f2e-3b4d-4e5f-8a9b-1c2d3e4f5a6b",
                             "taxonomy_term": {"id": "d2f0c3b4-5a6e-4f7a-8b9c-0d1e2f3a4b5c", "name": "Term"}}]}
    nameless = {"id": "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", "status": "active"}
    report = import_list([good, messy, nameless, "not an object"])
    assert report.imported == 2 and dict(report.skipped) == {
        "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d": f"service {nameless['id']} has no name",
        "record 4": "service is not an object"}
    problems = report.problems_by_record()
    assert UUID not in problems
    assert problems["messy-1"] == [
        "attributes/0/taxonomy_term: 'description' is required",
        "email: is not a valid email", "id: is not a valid uuid", "last_modified: is not a valid date-time",
        "minimum_age: must be of type number",
        "schedules/0/freq: must be one of: WEEKLY, MONTHLY",
        "status: must be one of: active, inactive, defunct, temporarily closed", "url: is not a valid uri"]
    assert problems["a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"] == ["record: 'name' is required"]
    assert problems["record 4"] == ["record: must be of type object"]
    # Feeds can hold personal contact details: the report names fields, never their values.
    assert not any("nobody" in p or "www.example.org" in p for _, p in report.problems)


def test_service_at_location_records_are_checked_as_such():
    sal = json.loads((OFFICIAL / "examples" / "service_at_location_full.json").read_text())
    sal["location"].pop("location_type")
    sal["service"]["email"] = "nobody"
    report = import_list([sal])
    assert report.imported == 1
    assert [p for _, p in report.problems] == ["location: 'location_type' is required",
                                               "service/email: is not a valid email"]


def test_v1_feeds_are_not_checked_against_v3():
    from knowledge_base.directory.importer import import_feed

    report = import_feed(str(V1_SAMPLE), "leeds")
    assert report.imported == 2
    # The two v1 services (ids are not UUIDs, regular_schedules) are not v3; the third record has no id and is
    # no recognisable v1 record, so the v3 check names what it lacks.
    assert report.problems == [("record 3", "record: 'id' is required")]


def test_format_checks_refuse_to_run_half_installed(monkeypatch):
    from jsonschema import Draft202012Validator, FormatChecker

    from knowledge_base.directory import oruk_conformance

    oruk_conformance.format_checker()  # installed: rfc3339-validator, rfc3986-validator
    monkeypatch.setattr(Draft202012Validator, "FORMAT_CHECKER", FormatChecker(formats=["uuid", "email"]))
    with pytest.raises(RuntimeError, match="uri, date-time"):
        oruk_conformance.format_checker()


def test_postcode_district_table_is_derived_from_the_bundled_feeds():
    from knowledge_base.directory.postcode_districts import (
        TABLE,
        bundled_feeds,
        district_centroids,
        feed_locations,
        table_text,
    )

    assert TABLE.read_text() == table_text(district_centroids(feed_locations(bundled_feeds()))), \
        "regenerate with: python -m knowledge_base.directory.postcode_districts"


def test_postcodes_and_centroids():
    from knowledge_base.directory.postcode_districts import district_centroids, metres_between, outward_code

    assert [outward_code(p) for p in ("LS12 3QT", "ls123qt", " SW1A 1AA ", "W1", "M1 1AA", "CH41")] == [
        "LS12", "LS12", "SW1A", "W1", "M1", "CH41"]
    assert [outward_code(p) for p in ("12345", "ABC 1234", "", "LS12 3Q", "LS12-3QT")] == [None] * 5
    table = district_centroids([("LS12 3QT", 53.80, -1.59), ("LS12 4AB", 53.78, -1.57), ("ABC 1234", 100.0, 101.0),
                                ("LS7 3HB", 100.0, 101.0), ("LS11 8PN", None, None)])
    assert list(table) == ["LS12"] and (table["LS12"].latitude, table["LS12"].longitude) == (53.79, -1.58)
    # London to Leeds is about 270 km as the crow flies.
    assert metres_between(51.5074, -0.1278, 53.8008, -1.5491) == pytest.approx(271_000, rel=0.01)
