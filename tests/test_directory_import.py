"""Importing ORUK feeds: official v3 examples, the bundled directory, v1, re-import, bad input."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from directory_db import forget_fresh_db, use_fresh_db

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "fixtures" / "oruk-v3-examples"
V1_SAMPLE = Path(__file__).parent / "fixtures" / "oruk_v1_sample.json"
BUNDLED = ROOT / "knowledge_base" / "directory" / "data"


@pytest.fixture(autouse=True)
def fresh_db(monkeypatch, tmp_path):
    use_fresh_db(monkeypatch, tmp_path)
    yield
    forget_fresh_db()


def service_names() -> list[str]:
    from core.database import session_scope
    from knowledge_base.directory.models import DirectoryService

    with session_scope() as session:
        return sorted(session.scalars(select(DirectoryService.name)))


def write_feed(path: Path, services: list[dict]) -> str:
    path.write_text(json.dumps({"total_items": len(services), "contents": services}))
    return str(path)


def small_service(service_id: str, name: str, **extra) -> dict:
    return {"id": service_id, "name": name, "status": "active", **extra,
            "schedules": [{"id": f"{service_id}-s", "freq": "WEEKLY", "byday": "MO", "opens_at": "10:00"}]}


@pytest.mark.parametrize("example", ["service_full", "service_list", "organization_full",
                                     "service_at_location_full", "service_at_location_list"])
def test_official_v3_examples_import(example):
    from knowledge_base.directory.importer import import_feed

    report = import_feed(str(EXAMPLES / f"{example}.json"), "leeds")
    assert report.imported == 1 and not report.skipped
    assert service_names() == ["Community Counselling"]


def test_official_example_details_are_kept():
    from core.database import session_scope
    from knowledge_base.directory.importer import import_feed
    from knowledge_base.directory.models import DirectoryService

    import_feed(str(EXAMPLES / "service_full.json"), "leeds")
    with session_scope() as session:
        service = session.get(DirectoryService, "ac148810-d857-441c-9679-408f346de14b")
        assert service.minimum_age == 12 and service.cost_options[0]["amount"] == 35
        assert service.service_at_locations[0].location.name == "MyCity Civic Center"
        assert service.schedules[0].byday == "TH,FR" and str(service.schedules[0].opens_at) == "10:00:00"


def test_a_taxonomy_term_is_not_a_feed():
    from knowledge_base.directory.fetch import FeedError
    from knowledge_base.directory.importer import import_feed

    with pytest.raises(FeedError, match="not an ORUK feed"):
        import_feed(str(EXAMPLES / "taxonomy_term.json"), "leeds")


def test_bundled_directory_imports_and_is_marked_as_example():
    from core.database import session_scope
    from knowledge_base.directory import ensure_bundled_directory, is_example_data
    from knowledge_base.directory.models import DirectoryLocation, DirectoryService

    assert not is_example_data()
    assert ensure_bundled_directory() == 3
    assert ensure_bundled_directory() == 0  # already there: nothing re-imported
    with session_scope() as session:
        services = list(session.scalars(select(DirectoryService)))
        assert len(services) >= 36
        assert session.scalar(select(func.count()).select_from(DirectoryLocation)) >= 12
        assert {s.area for s in services} == {"leeds", "hammersmith-fulham", "liverpool-city-region"}
        for s in services:
            assert s.example_data and s.cost_options and s.contacts and s.maximum_age is not None
            assert any(x.freq and x.opens_at for x in s.schedules), s.name
    assert is_example_data() and is_example_data("leeds")


def test_v1_sample_imports_with_holiday_closure_and_reports_bad_record():
    from core.database import session_scope
    from knowledge_base.directory.importer import import_feed
    from knowledge_base.directory.models import DirectoryService

    report = import_feed(str(V1_SAMPLE), "leeds")
    assert (report.imported, len(report.skipped)) == (2, 1)
    assert "no id" in report.skipped[0][1]
    with session_scope() as session:
        play = session.get(DirectoryService, "v1-stay-and-play")
        assert play.service_at_locations[0].location.postal_code == "LS1 1AA"
        assert play.maximum_age == 5 and play.contacts[0]["phone"] == "0113 496 0999"
        assert [s.closed for s in play.schedules] == [False, True]


def test_reimport_is_idempotent_updates_and_removes(tmp_path):
    from knowledge_base.directory.importer import import_feed

    feed = tmp_path / "feed.json"
    first = import_feed(write_feed(feed, [small_service("a", "Alpha"), small_service("b", "Beta")]), "leeds")
    again = import_feed(str(feed), "leeds")
    assert (first.imported, again.imported, again.updated, again.unchanged) == (2, 0, 0, 2)
    changed = import_feed(write_feed(feed, [small_service("a", "Alpha renamed")]), "leeds")
    assert (changed.updated, changed.removed) == (1, 1)
    assert service_names() == ["Alpha renamed"]


def test_removal_is_per_area(tmp_path):
    from knowledge_base.directory.importer import import_feed

    import_feed(write_feed(tmp_path / "l.json", [small_service("l1", "Leeds one")]), "leeds")
    import_feed(write_feed(tmp_path / "h.json", [small_service("h1", "H&F one")]), "hammersmith-fulham")
    assert service_names() == ["H&F one", "Leeds one"]


def test_bad_records_are_skipped_with_reasons(tmp_path):
    from knowledge_base.directory.importer import import_feed

    bad_schedule = small_service("c", "Gamma")
    bad_schedule["schedules"][0].pop("id")
    records = [small_service("a", "Alpha"), {"name": "No id"}, "not an object", bad_schedule,
               {"id": "d", "status": "active"}]
    report = import_feed(write_feed(tmp_path / "feed.json", records), "leeds")
    reasons = dict(report.skipped)
    assert report.imported == 1 and len(report.skipped) == 4
    assert "no id" in reasons["record 2"] and "not an object" in reasons["record 3"]
    assert "schedule" in reasons["c"] and "no name" in reasons["d"]


@pytest.fixture
def existing_data(tmp_path) -> list[str]:
    from knowledge_base.directory.importer import import_feed

    import_feed(write_feed(tmp_path / "good.json", [small_service("a", "Alpha")]), "leeds")
    return service_names()


def test_malformed_feed_changes_nothing(tmp_path, existing_data):
    from knowledge_base.directory.fetch import FeedError
    from knowledge_base.directory.importer import import_feed

    broken = tmp_path / "broken.json"
    broken.write_text('{"contents": [ {"id": "x", ')
    with pytest.raises(FeedError, match="not valid JSON"):
        import_feed(str(broken), "leeds")
    assert service_names() == existing_data


@pytest.fixture
def loopback_feeds_allowed(monkeypatch):
    """Feeds on 127.0.0.1 are refused unless the host is allowed, as a council allows its own feed host."""
    from core.settings import get_settings

    monkeypatch.setenv("DIRECTORY_FEED_ALLOWED_HOSTS", "127.0.0.1")
    get_settings.cache_clear()


def test_unreachable_url_changes_nothing(existing_data, loopback_feeds_allowed):
    from knowledge_base.directory.fetch import FeedFetchError
    from knowledge_base.directory.importer import import_feed

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FeedFetchError) as failed:
        import_feed(f"http://127.0.0.1:{port}/", "leeds")
    assert failed.value.reason == "connect_failed" and "could not reach" in failed.value.detail
    assert service_names() == existing_data


def test_huge_file_is_refused(tmp_path, monkeypatch, existing_data):
    from core.settings import get_settings
    from knowledge_base.directory.fetch import FeedError
    from knowledge_base.directory.importer import import_feed

    monkeypatch.setenv("DIRECTORY_MAX_FEED_MB", "0.001")
    get_settings.cache_clear()
    big = write_feed(tmp_path / "big.json", [small_service(f"s{i}", "x" * 100) for i in range(50)])
    with pytest.raises(FeedError, match="limit"):
        import_feed(big, "leeds")
    assert service_names() == existing_data


def test_duplicate_ids_are_refused(tmp_path, existing_data):
    from knowledge_base.directory.fetch import FeedError
    from knowledge_base.directory.importer import import_feed

    feed = write_feed(tmp_path / "dupes.json", [small_service("z", "Zed"), small_service("z", "Zed again")])
    with pytest.raises(FeedError, match="duplicate service ids in feed: z"):
        import_feed(feed, "leeds")
    assert service_names() == existing_data


def test_failure_mid_import_rolls_back(tmp_path, monkeypatch, existing_data):
    from knowledge_base.directory import importer

    real_write = importer.write_service
    calls = []

    def fail_on_second(session, data, area):
        calls.append(data["id"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_write(session, data, area)

    monkeypatch.setattr(importer, "write_service", fail_on_second)
    feed = write_feed(tmp_path / "feed.json", [small_service("n1", "New one"), small_service("n2", "New two")])
    with pytest.raises(RuntimeError):
        importer.import_feed(feed, "leeds")
    assert service_names() == existing_data


class FeedHandler(BaseHTTPRequestHandler):
    services = {s["id"]: s for s in (small_service("web-1", "Web one"), small_service("web-2", "Web two"))}

    def do_GET(self):  # noqa: N802
        path, _, query = self.path.partition("?")
        page = int(dict(p.split("=") for p in query.split("&") if p).get("page", 1))
        if path == "/services":  # one service per page, like the official list example
            ids = sorted(self.services)
            body = {"total_pages": len(ids), "page_number": page, "last_page": page == len(ids),
                    "contents": [{"id": ids[page - 1], "name": "summary"}]}
        else:
            body = self.services[path.rsplit("/", 1)[-1]]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_url_import_pages_then_fetches_each_service(loopback_feeds_allowed):
    from knowledge_base.directory.importer import import_feed

    server = HTTPServer(("127.0.0.1", 0), FeedHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        report = import_feed(f"http://127.0.0.1:{server.server_port}/services", "leeds")
    finally:
        server.shutdown()
    assert report.imported == 2 and service_names() == ["Web one", "Web two"]


def test_cli_prints_counts(capsys):
    from assistant.cli import main

    assert main(["directory", "import", str(BUNDLED / "leeds.json"), "--area", "leeds", "--quiet"]) == 0
    assert main(["directory", "import", str(BUNDLED / "leeds.json"), "--area", "leeds", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "imported 17, updated 0" in out and "imported 0, updated 0, unchanged 17, skipped 0, removed 0" in out


def test_cli_lists_schema_problems_by_record_without_values(tmp_path, capsys):
    from assistant.cli import main

    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([{"id": "feed-7", "name": "Rhyme time", "status": "active", "email": "not-an-address"}]))
    assert main(["directory", "import", str(feed), "--area", "leeds", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "ORUK v3 schema problem in feed-7: email: is not a valid email" in out
    assert "schema problems 2" in out  # the email, and an id that is not a UUID
    assert "not-an-address" not in out
