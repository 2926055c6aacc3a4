"""Directory imports from the editor pages (issue 12, item 5): staged, published by a second person, scoped to
the editor's area, unable to touch another area's records, and only https links shown to parents. Real SQLite
(or PostgreSQL), the real app over HTTP, the bundled feeds and small feeds written to files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from editorial_support import make_content_user
from handoff_support import client, csrf_token, handoff_db, sign_in  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = "/staff/content/directory"


def _signed_in(client, username: str):
    browser = type(client)(client.app, follow_redirects=False)
    assert sign_in(browser, username).status_code == 303
    return browser


def _services(area: str) -> list[str]:
    from core.database import session_scope
    from knowledge_base.directory.models import DirectoryService

    with session_scope() as session:
        return sorted(session.scalars(select(DirectoryService.id).where(DirectoryService.area == area)))


def _audit() -> list[tuple[str, str, str]]:
    from core.audit import recent

    return [(e.actor, e.action, e.detail) for e in reversed(recent())]


def _stage(browser, area: str = "leeds", source: str = "bundled", url: str = ""):
    token = csrf_token(browser.get(DIRECTORY).text)
    return browser.post(DIRECTORY, data={"csrf_token": token, "area": area, "source": source, "url": url})


def _batch_id(html: str) -> int:
    return int(re.search(r'action="/staff/content/directory/(\d+)/publish"', html).group(1))


def _decide(browser, batch_id: int, step: str):
    token = csrf_token(browser.get(DIRECTORY).text)
    return browser.post(f"{DIRECTORY}/{batch_id}/{step}", data={"csrf_token": token})


def test_an_import_is_staged_and_only_someone_else_can_publish_it(client):
    importer = _signed_in(client, make_content_user("ed", "editor"))
    reviewer = _signed_in(client, make_content_user("rev", "editor"))
    staged = _stage(importer)
    assert staged.status_code == 200 and "Ready for review" in staged.text
    assert re.search(r"Leeds: \d+ new, 0 updated, 0 unchanged, 0 skipped, 0 removed when published", staged.text)
    assert _services("leeds") == []  # parents see nothing yet
    mine = importer.get(DIRECTORY).text
    assert "You made this import, so someone else must publish it" in mine and "/publish" not in mine
    batch = _batch_id(reviewer.get(DIRECTORY).text)
    refused = _decide(importer, batch, "publish")
    assert refused.status_code == 403 and "Someone else must publish an import you made" in refused.text
    assert _services("leeds") == []
    published = _decide(reviewer, batch, "publish")
    assert published.status_code == 200 and "Parents see the new directory from now on" in published.text
    assert len(_services("leeds")) > 5
    assert _decide(reviewer, batch, "publish").status_code == 404  # once
    actions = [(who.split(".")[0], action) for who, action, _detail in _audit()]
    assert ("staff:ed", "directory_import_staged") in actions and ("staff:rev", "directory_import_published") in actions


def test_a_discarded_import_changes_nothing_and_casework_or_approver_only_staff_cannot_stage(client):
    importer = _signed_in(client, make_content_user("ed", "editor"))
    approver = _signed_in(client, make_content_user("ap", "approver"))
    _stage(importer)
    assert _stage(approver).status_code == 403  # staging needs the editor role
    batch = _batch_id(approver.get(DIRECTORY).text)  # an approver may publish or discard
    discarded = _decide(approver, batch, "discard")
    assert discarded.status_code == 200 and "The import was discarded" in discarded.text
    assert _services("leeds") == [] and _decide(approver, batch, "publish").status_code == 404


def test_an_editor_imports_and_publishes_only_for_their_own_area(client):
    leeds_editor = _signed_in(client, make_content_user("leeds", "editor", area="leeds"))
    national = _signed_in(client, make_content_user("nat", "editor"))
    form = leeds_editor.get(DIRECTORY).text
    assert 'value="leeds"' in form and 'value="hammersmith-fulham"' not in form
    refused = _stage(leeds_editor, area="hammersmith-fulham")
    assert refused.status_code == 403 and "only your own area" in refused.text
    _stage(national, area="hammersmith-fulham")
    assert "/publish" not in leeds_editor.get(DIRECTORY).text  # not shown outside their area
    batch = _batch_id(_signed_in(client, make_content_user("other", "editor")).get(DIRECTORY).text)
    assert _decide(leeds_editor, batch, "publish").status_code == 404
    assert _decide(leeds_editor, batch, "discard").status_code == 404
    assert _services("hammersmith-fulham") == []


def _feed(path: Path, services: list[dict]) -> str:
    path.write_text(json.dumps({"total_items": len(services), "contents": services}))
    return str(path)


def _service(service_id: str, location: dict, url: str = "") -> dict:
    return {"id": service_id, "name": f"Service {service_id}", "status": "active", "url": url,
            "service_at_locations": [{"id": f"{service_id}-sal", "location": location}],
            "schedules": [{"id": f"{service_id}-s", "freq": "WEEKLY", "byday": "MO", "opens_at": "10:00"}]}


def test_a_feed_for_one_area_cannot_overwrite_another_areas_locations(handoff_db, tmp_path):
    from core.database import session_scope
    from knowledge_base.directory.importer import import_records
    from knowledge_base.directory.models import DirectoryLocation
    venue = {"id": "venue-1", "name": "Armley Family Hub", "addresses": [{"address_1": "1 Town Street",
                                                                         "city": "Leeds", "postal_code": "LS12 1AA"}]}
    import_records(json.loads(Path(_feed(tmp_path / "l.json", [_service("leeds-1", venue)])).read_text())["contents"],
                   "leeds")
    hijack = {**venue, "name": "Somewhere else", "addresses": [{"address_1": "99 Fake Road", "city": "London",
                                                              "postal_code": "W6 9ZZ"}]}
    records = [_service("hf-1", hijack), _service("hf-2", {"id": "venue-2", "name": "Hammersmith hub"})]
    plan = import_records(records, "hammersmith-fulham", write=False)  # what a staged import shows the reviewer
    assert plan.imported == 1 and plan.skipped == [("hf-1", "location venue-1 already belongs to area leeds")]
    report = import_records(records, "hammersmith-fulham")
    assert report.imported == 1 and report.skipped[0][0] == "hf-1"
    with session_scope() as session:
        kept = session.get(DirectoryLocation, "venue-1")
        assert (kept.name, kept.address_1, kept.postal_code) == ("Armley Family Hub", "1 Town Street", "LS12 1AA")
    assert _services("hammersmith-fulham") == ["hf-2"] and _services("leeds") == ["leeds-1"]


def test_only_https_links_from_a_feed_are_shown_to_parents(handoff_db):
    from core.database import session_scope
    from knowledge_base.directory.cards import card
    from knowledge_base.directory.importer import import_records
    from knowledge_base.directory.models import DirectoryService

    venue = {"id": "venue-9", "name": "Hub"}
    import_records([_service("plain", venue, "http://hub.example/stay-and-play"),
                    _service("secure", {**venue, "id": "venue-10"}, "https://hub.example/stay-and-play"),
                    _service("script", {**venue, "id": "venue-11"}, "javascript:alert(1)")], "leeds")
    with session_scope() as session:
        cards = {s.id: card(s, []) for s in session.scalars(select(DirectoryService))}
    assert cards["secure"]["url"] == "https://hub.example/stay-and-play"
    assert cards["plain"]["url"] == "" and cards["script"]["url"] == ""


def test_the_command_line_import_is_a_marked_and_audited_operator_action(handoff_db):
    import os

    run = subprocess.run([sys.executable, "-m", "assistant", "directory", "import",
                          str(ROOT / "knowledge_base/directory/data/leeds.json"), "--area", "leeds", "--quiet"],
                         cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Operator import: this publishes the feed at once, without an editor's review" in run.stdout
    done = [(who, detail) for who, action, detail in _audit() if action == "directory_imported"]
    assert len(done) == 1 and done[0][0].startswith("operator:") and "direct=operator" in done[0][1]
    assert len(_services("leeds")) > 5


def test_two_people_publishing_one_import_at_once_import_it_once(client, monkeypatch):
    """The second press arrives while the first is still importing: it is refused, not imported again."""
    import threading

    from knowledge_base.editorial import imports

    importer = _signed_in(client, make_content_user("ed", "editor"))
    first, second = (_signed_in(client, make_content_user(name, "approver")) for name in ("ap1", "ap2"))
    _stage(importer)
    batch = _batch_id(first.get(DIRECTORY).text)
    second_page = second.get(DIRECTORY).text  # both see it waiting
    importing, release, runs = threading.Event(), threading.Event(), []
    real_import = imports.import_records

    def slow_import(records, area):
        runs.append(area)
        importing.set()
        release.wait(30)
        return real_import(records, area)

    monkeypatch.setattr(imports, "import_records", slow_import)
    outcome: list[int] = []
    pressing = threading.Thread(target=lambda: outcome.append(_decide(first, batch, "publish").status_code))
    pressing.start()
    assert importing.wait(30)
    token = csrf_token(second_page)
    again = second.post(f"{DIRECTORY}/{batch}/publish", data={"csrf_token": token})
    release.set()
    pressing.join(60)
    assert outcome == [200] and again.status_code == 404 and runs == ["leeds"]
    published = [a for _w, a, _d in _audit() if a == "directory_import_published"]
    assert len(published) == 1


def test_an_import_that_fails_while_publishing_waits_for_review_again(client, monkeypatch):
    from knowledge_base.editorial import imports

    importer = _signed_in(client, make_content_user("ed", "editor"))
    reviewer = _signed_in(client, make_content_user("rev", "editor"))
    _stage(importer)
    batch = _batch_id(reviewer.get(DIRECTORY).text)

    def failing_import(records, area):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "import_records", failing_import)
    try:
        _decide(reviewer, batch, "publish")
    except RuntimeError:
        pass  # the test client re-raises server errors; a real server answers with its error page
    monkeypatch.undo()
    assert _batch_id(reviewer.get(DIRECTORY).text) == batch  # still waiting, not stuck half-published
    assert _decide(reviewer, batch, "publish").status_code == 200 and _services("leeds")
