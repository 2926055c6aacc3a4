"""The parents' survey, the open-data export and the insights page, against a real database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from sqlalchemy import inspect, select

from handoff_support import client, csrf_token, handoff_db, make_user, share, sign_in  # noqa: F401

CANARY = "Quibbleflux"


def _as(client, username: str) -> None:
    client.cookies.clear()  # a fresh browser for each person
    assert sign_in(client, username).status_code == 303


def _post_survey(client, **answers):
    form = client.get("/survey", params={"after": answers.pop("after", "answer"), "area": answers.pop("area", "leeds")})
    data = {"csrf_token": csrf_token(form.text), "area": re.search(r'name="area" value="([^"]*)"', form.text)[1],
            "shown_after": re.search(r'name="shown_after" value="([^"]*)"', form.text)[1], **answers}
    return client.post("/survey", data=data)


def _responses():
    from assistant.insights.models import SurveyResponse
    from core.database import session_scope

    with session_scope() as session:
        return list(session.scalars(select(SurveyResponse)))


def test_survey_answers_are_kept_with_area_and_week_only(client):
    sent = _post_survey(client, helped="partly", ease="2", sharing=["gp", "family_hub"],
                        comment="Call me on 07700 900 982, the wait was long")
    assert sent.status_code == 303 and sent.headers["location"] == "/survey/thanks"
    assert "Thank you" in client.get("/survey/thanks").text
    [row] = _responses()
    assert (row.area, row.helped, row.ease, row.sharing, row.shown_after) == ("leeds", "partly", 2, ["gp", "family_hub"], "answer")
    assert re.fullmatch(r"\d{4}-W\d{2}", row.iso_week) and re.fullmatch(r"[0-9a-f]{32}", row.id)
    assert "07700" not in row.comment and "the wait was long" in row.comment
    from core.database import get_engine

    # Nothing that could link an answer to a conversation, a story, a time or a person's address.
    columns = {c["name"] for c in inspect(get_engine()).get_columns("survey_responses")}
    assert columns == {"id", "area", "iso_week", "shown_after", "helped", "ease", "sharing", "comment"}


def test_after_a_story_the_form_leaves_out_the_answer_question(client):
    form = client.get("/survey", params={"after": "handoff", "area": "leeds"})
    assert form.status_code == 200 and 'name="helped"' not in form.text and 'name="ease"' in form.text
    assert _post_survey(client, after="handoff", ease="5").status_code == 303
    assert _responses()[0].shown_after == "handoff"


@pytest.mark.parametrize("answers, field, words", [
    ({}, "ease", "Answer at least one question"),
    ({"helped": "maybe"}, "helped", "Select whether the answer helped"),
    ({"ease": "9"}, "ease", "Select how easy"),
    ({"sharing": ["gp", "none"]}, "sharing", "not both"),
    ({"sharing": ["the moon"]}, "sharing", "Select only places from the list"),
    ({"comment": "x" * 1001}, "comment", "Keep it under 1,000"),
])
def test_bad_answers_get_a_422_that_says_why(client, answers, field, words):
    refused = _post_survey(client, **answers)
    assert refused.status_code == 422 and words in refused.text and f'href="#{field}"' in refused.text
    assert _responses() == []


def test_a_forged_survey_post_is_refused(client):
    assert client.post("/survey", data={"helped": "yes", "csrf_token": "forged"}).status_code == 403
    assert _responses() == []


def test_the_story_confirmation_offers_the_survey_without_naming_the_story(client):
    sent, _draft, _token = share(client)
    page = client.get(sent.headers["location"]).text
    link = re.search(r'id="survey-link" href="([^"]+)"', page)[1]
    assert link == "/survey?after=handoff&amp;area=leeds"


def test_comments_are_read_only_by_editors_of_that_area(client):
    from assistant.handoffs.staff.users import create_user
    from handoff_support import PASSWORD

    _post_survey(client, area="leeds", helped="no", comment="Leeds comment about waiting")
    _post_survey(client, area="hammersmith-fulham", helped="no", comment="Hammersmith comment about forms")
    create_user("leeds-editor", PASSWORD, "content", [], "leeds", by="test", capabilities=["editor"])
    create_user("any-editor", PASSWORD, "content", [], None, by="test", capabilities=["editor"])
    make_user("hub-worker", "hub_staff", hubs=["armley"])
    _as(client, "leeds-editor")
    page = client.get("/staff/survey-comments").text
    assert "Leeds comment about waiting" in page and "Hammersmith comment" not in page
    _as(client, "any-editor")
    page = client.get("/staff/survey-comments").text
    assert "comment about" not in page
    _as(client, "hub-worker")
    refused = client.get("/staff/survey-comments")
    assert refused.status_code == 404 and "comment about" not in refused.text


def test_comments_are_emptied_after_90_days_and_the_answers_stay(client):
    from assistant.insights.models import SurveyResponse
    from assistant.retention import purge_all
    from core.database import session_scope

    _post_survey(client, helped="yes", comment="recent comment")
    with session_scope() as session:
        session.add(SurveyResponse(id="a" * 32, area="leeds", iso_week="2020-W01", shown_after="answer",
                                   helped="no", sharing=[], comment="old comment"))
    report = purge_all()
    assert report.survey_comments_deleted == 1
    by_id = {r.id: r for r in _responses()}
    assert by_id["a" * 32].comment is None and by_id["a" * 32].helped == "no"
    assert [r.comment for r in by_id.values() if r.id != "a" * 32] == ["recent comment"]


def test_turns_are_counted_by_week_area_topic_and_route(handoff_db):
    from assistant.insights.counting import count_turn
    from assistant.insights.models import TurnCount
    from core.database import session_scope

    for _ in range(3):
        count_turn("leeds", "toileting", "guidance", "answered")
    count_turn(None, None, "emergency", "signposted")
    with session_scope() as session:
        rows = {(r.area, r.topic, r.route, r.status): r.turns for r in session.scalars(select(TurnCount))}
    assert rows == {("leeds", "toileting", "guidance", "answered"): 3, ("not-given", "none", "emergency", "signposted"): 1}


def _seed(week: str = "2026-W10") -> None:
    """A week with big and small counts in every resource, plus a survey comment holding the canary."""
    from assistant.handoffs.models import Handoff
    from assistant.insights.models import SurveyResponse, TurnCount
    from core.database import session_scope

    monday = dt.datetime.fromisocalendar(2026, 10, 1).replace(tzinfo=dt.timezone.utc)
    with session_scope() as session:
        for area, topic, route, status, turns in [
            ("leeds", "toileting", "guidance", "answered", 140), ("leeds", "speech_language", "guidance", "answered", 95),
            ("leeds", "none", "guidance", "unanswerable", 3), ("leeds", "none", "emergency", "signposted", 2),
            ("hammersmith-fulham", "toileting", "guidance", "answered", 60),
            ("hammersmith-fulham", "none", "guidance", "unanswerable", 12),
            ("liverpool-city-region", "speech_language", "guidance", "answered", 7),
            ("not-given", "family_hubs", "services", "answered", 30),
        ]:
            session.add(TurnCount(iso_week=week, area=area, topic=topic, route=route, status=status, turns=turns))
        for i in range(25):
            area = "leeds" if i < 22 else "hammersmith-fulham"
            session.add(SurveyResponse(id=f"{i:032x}", area=area, iso_week=week, shown_after="answer",
                                       helped="yes" if i % 3 else "no", ease=1 + i % 5, sharing=["gp"] if i % 2 else [],
                                       comment=f"{CANARY} was unhelpful" if i == 0 else None))
        for i in range(32):  # Leeds 20 (10 accepted, 10 declined), Hammersmith & Fulham 10 accepted, Liverpool 2 new
            created = monday + dt.timedelta(hours=i)
            area = "leeds" if i < 20 else "hammersmith-fulham" if i < 30 else "liverpool-city-region"
            decided = created + dt.timedelta(days=3) if i < 30 else None
            session.add(Handoff(
                reference=f"FH-T{i:05d}", idempotency_key=f"k{i}", area=area, hub="armley", concerns=[],
                status="new" if i >= 30 else "declined" if 10 <= i < 20 else "accepted",
                decline_reason="no-capacity" if 10 <= i < 20 else None, consent_version="v1", consent_text="consent",
                consent_given_at=created, created_at=created, opened_at=created + dt.timedelta(days=1 + i % 3),
                decided_at=decided))


def _count_columns(rows: list[dict]) -> list[str]:
    return [v for row in rows for k, v in row.items()
            if k in ("turns", "unanswered", "created", "accepted", "declined", "not_yet_decided", "responses")]


def test_the_export_is_a_valid_data_package_with_no_small_counts_or_text(handoff_db, tmp_path):
    from frictionless import validate

    from assistant.cli import main

    _seed()
    out = tmp_path / "package"
    assert main(["insights", "export", str(out)]) == 0
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((out / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "OGL-UK-3.0"
    assert package["temporal_coverage"] == {"start": "2026-03-02", "end": "2026-03-08"}
    assert all(field.get("description") for r in package["resources"] for field in r["schema"]["fields"])
    assert (out / "methodology.md").read_text().startswith("# Family Hub Assistant aggregate figures")
    for name in ("turns", "signposting", "unanswered", "handoffs", "survey"):
        rows = list(csv.DictReader(io.StringIO((out / f"{name}.csv").read_text())))
        assert rows, name
        assert not [v for v in _count_columns(rows) if v and 1 <= int(v) <= 9], name
        for row in rows:
            for key, value in row.items():
                if key.endswith("_marker"):
                    assert (value == "[c]") == (row[key.removesuffix("_marker")] == "")
    everything = "".join(p.read_text() for p in out.iterdir())
    assert CANARY not in everything and "unhelpful" not in everything
    turns = {(r["area"], r["topic"], r["route"], r["status"]): r["turns"] for r in
             csv.DictReader(io.StringIO((out / "turns.csv").read_text()))}
    assert turns[("all", "all", "all", "all")] == "349" and turns[("all", "family_hubs", "services", "all")] == "30"
    assert turns[("leeds", "none", "guidance", "all")] == "" and turns[("leeds", "none", "emergency", "all")] == ""
    # Leeds' total is shown, so its other topic-and-route counts cannot all be shown (240 minus them = 5).
    assert "" in (turns[("leeds", "toileting", "guidance", "all")], turns[("leeds", "speech_language", "guidance", "all")])
    signposting = list(csv.DictReader(io.StringIO((out / "signposting.csv").read_text())))
    assert {r["route"] for r in signposting} == {"emergency"}
    handoffs = {r["area"]: r for r in csv.DictReader(io.StringIO((out / "handoffs.csv").read_text()))}
    assert handoffs["liverpool-city-region"]["created"] == ""  # 2 stories
    leeds = handoffs["leeds"]
    assert (leeds["created"], leeds["median_days_to_first_contact"]) == ("20", "2.0")
    assert all(row["median_days_to_first_contact"] == "" for row in handoffs.values() if row["created"] == "")
    # 2 hidden stories in one column: another area's count is hidden too, or "all" minus the rest would show them.
    assert [handoffs[a]["created"] for a in ("leeds", "hammersmith-fulham", "all")].count("") >= 1


def test_a_bad_week_on_the_command_line_is_a_plain_error(handoff_db, tmp_path):
    from assistant.cli import main

    with pytest.raises(SystemExit, match="not a week like 2026-W05"):
        main(["insights", "export", str(tmp_path), "--since", "March"])


def _insights_users():
    from assistant.handoffs.staff.users import create_user
    from handoff_support import PASSWORD

    make_user("leeds-manager", "area_manager", area="leeds")
    create_user("the-admin", PASSWORD, "admin", [], None, by="test")
    make_user("hub-worker", "hub_staff", hubs=["armley"])


def test_area_managers_see_their_area_and_admins_every_area(client):
    _seed()
    _insights_users()
    _as(client, "leeds-manager")
    page = client.get("/staff/insights")
    assert page.status_code == 200 and 'src="data:image/svg+xml;base64,' in page.text
    assert '<table class="govuk-table" id="questions-table">' in page.text and "2026-W10" in page.text
    assert CANARY not in page.text
    assert client.get("/staff/insights", params={"area": "hammersmith-fulham"}).status_code == 403
    assert client.get("/staff/insights/download", params={"area": "all"}).status_code == 403
    download = client.get("/staff/insights/download")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(download.content))
    areas = {row["area"] for row in csv.DictReader(io.StringIO(files.read("turns.csv").decode()))}
    assert areas == {"leeds"}
    _as(client, "the-admin")
    page = client.get("/staff/insights", params={"area": "all", "from": "2026-03-01", "to": "2026-03-31"})
    assert page.status_code == 200 and "2026-W10" in page.text
    assert "2026-W10" not in client.get("/staff/insights", params={"from": "2026-04-01"}).text
    _as(client, "hub-worker")
    assert client.get("/staff/insights").status_code == 403


def test_the_page_and_its_download_show_the_same_suppressed_figures(client):
    _seed()
    _insights_users()
    _as(client, "the-admin")
    page = client.get("/staff/insights", params={"area": "all"}).text
    table = page[page.index('id="questions-table"'):]
    assert re.search(r'<th scope="row" class="govuk-table__header">2026-W10</th><td[^>]*>349</td>', table)
    files = zipfile.ZipFile(io.BytesIO(client.get("/staff/insights/download", params={"area": "all"}).content))
    turns = list(csv.DictReader(io.StringIO(files.read("turns.csv").decode())))
    assert [r["turns"] for r in turns if (r["area"], r["topic"], r["status"]) == ("all", "all", "all")] == ["349"]


@pytest.mark.parametrize("params, words", [
    ({"from": "31/01/2026"}, "Enter the start date as a date like 2026-01-31"),
    ({"from": "2026-03-10", "to": "2026-01-01"}, "The end date must be the same as or after the start date"),
])
def test_a_bad_date_range_gets_a_422_that_says_why(client, params, words):
    _insights_users()
    _as(client, "the-admin")
    refused = client.get("/staff/insights", params=params)
    assert refused.status_code == 422 and words in refused.text
