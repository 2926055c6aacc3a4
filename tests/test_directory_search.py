"""Finding services in the bundled directory, and the find_services pipeline stage, with a frozen clock."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from directory_db import forget_fresh_db
from knowledge_base.directory.schedules import LONDON

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=LONDON)  # a Saturday


@pytest.fixture(scope="module", autouse=True)
def bundled_db(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    from directory_db import use_fresh_db

    use_fresh_db(mp, tmp_path_factory.mktemp("search"))
    from knowledge_base.directory import ensure_bundled_directory

    ensure_bundled_directory()
    with time_machine.travel(NOW, tick=False):
        yield
    mp.undo()
    forget_fresh_db()


def top(text: str, area: str | None = None):
    from knowledge_base.directory.search import find_services

    result = find_services(text, area, NOW)
    return result, [(m.service.name, m.service.service_at_locations[0].location.name) for m in result.matches]


def test_saturday_stay_and_play_in_wirral():
    result, found = top("is there a stay and play on saturdays in wirral?", "liverpool-city-region")
    assert found[0] == ("Saturday Stay and Play", "Birkenhead Family Hub") and not result.relaxed
    assert all(o.start.weekday() == 5 for o in result.matches[0].occurrences)


def test_place_overrides_missing_area_and_finds_nearest_hub():
    result, found = top("where's my nearest family hub? I'm in Armley")
    assert result.query.area == "leeds" and found == [("Armley Family Hub: information and advice", "Armley Family Hub")]


def test_postcode_district_maps_to_area():
    result, found = top("which hub is nearest to LS9?")
    assert result.query.area == "leeds" and len(found) == 1 and found[0][1].endswith("Family Hub")


def test_category_and_area_filter():
    _, found = top("when is the health visitor drop in clinic?", "liverpool-city-region")
    assert {hub for _, hub in found} == {"Bootle Family Hub", "Toxteth Family Hub"}


def test_child_age_filters_out_baby_only_services():
    _, baby = top("baby massage for my 3 month old", "leeds")
    _, toddler = top("baby massage for my 3 year old", "leeds")
    assert baby and baby[0][0] == "Baby Massage" and not toddler


def test_after_school_times():
    result, found = top("anything after school on a wednesday?", "hammersmith-fulham")
    assert found[0] == ("Stay and Play", "Shepherd's Bush Family Hub")
    assert result.matches[0].occurrences[0].start.hour >= 15


def test_this_week_lists_sessions_soonest_first():
    result, _ = top("what's on at the family hub this week?", "leeds")
    starts = [m.occurrences[0].start for m in result.matches]
    assert starts == sorted(starts) and (starts[-1] - NOW).days < 7


def test_ended_service_is_not_offered():
    _, found = top("summer holiday stay and play", "leeds")
    assert "Summer Holiday Stay and Play" not in [name for name, _ in found]


def test_free_text_hybrid_match_without_category():
    from knowledge_base.directory.hybrid import text_scores
    from knowledge_base.directory.search import find_services

    result = find_services("singing and stories for little ones", "leeds", NOW)
    assert result.matches  # no category words, found by text
    from core.database import session_scope
    from knowledge_base.directory.models import DirectoryService
    from sqlalchemy import select

    with session_scope() as session:
        services = list(session.scalars(select(DirectoryService)))
        scores = text_scores(services, "chatter group speech")
        best = max(services, key=lambda s: scores[s.id][0])
        assert best.name == "Chatter Group"


@pytest.mark.parametrize("text, expected", [
    ("what time is stay and play at Fulham family hub?", True), ("is there a baby weighing clinic in Hammersmith?", True),
    ("do i need to book baby massage or can i just turn up?", True), ("where is my nearest family hub?", True),
    ("how can I help my 2 year old talk more?", False), ("my son won't poo on the potty", False),
    ("can i self refer to speech therapy in liverpool or do i need to go through the GP?", False),
    ("What is a family hub?", False),
])
def test_looks_like_service_question(text, expected):
    from knowledge_base.directory.search import looks_like_service_question

    assert looks_like_service_question(text) is expected


def run_stage(text: str, area: str | None, route: str = "services", **extra):
    from assistant.context import TurnContext
    from assistant.stages.find_services import stage

    ctx = TurnContext(message=text, conversation_id="t", area=area, text=text, route=route, **extra)
    stage(ctx)
    return ctx


def test_stage_answers_with_day_time_place_and_cards():
    ctx = run_stage("what time is stay and play at Fulham family hub?", "hammersmith-fulham")
    assert ctx.status == "answered"
    assert "Stay and Play at Fulham Family Hub" in ctx.answer and "Tuesday 24 November, 10am to 11:30am" in ctx.answer
    card = ctx.services[0]
    assert card["venue"] == "Fulham Family Hub" and card["cost"] == "Free" and card["example_data"] is True
    assert card["next_dates"][0]["start"] == "2026-11-24T10:00:00+00:00" and card["contact"]["phone"]


def test_stage_asks_where_without_area_or_place():
    ctx = run_stage("is there a breastfeeding group near me?", None)
    assert ctx.status == "clarification" and "area or town" in ctx.answer and "breastfeeding" in ctx.answer
    assert not ctx.services


def test_stage_asks_what_when_too_vague():
    assert run_stage("times?", "leeds").status == "clarification"


def test_stage_no_match_is_honest_and_gives_hub_contacts():
    ctx = run_stage("is there a sensory room I can use?", "leeds")
    assert ctx.status == "answered" and ctx.answer.startswith("I couldn't find")
    assert "0113 496 0" in ctx.answer and not ctx.services


def test_booking_and_cost_are_in_the_answer():
    assert "Booking needed" in run_stage("do i need to book baby massage?", "leeds").answer
    assert "Free" in run_stage("do you have to pay for stay and play?", "hammersmith-fulham").answer


def test_guidance_answer_gets_one_local_service_line():
    ctx = run_stage("how can I help my toddler's speech?", "leeds", route="guidance", status="answered",
                    answer="Talk and play together every day.")
    assert ctx.answer.endswith("You could also try the Chatter Group at Armley Family Hub, next on Tuesday 24 November at 10am.")
    assert [c["name"] for c in ctx.services] == ["Chatter Group"]


def test_guidance_without_a_service_kind_is_left_alone():
    ctx = run_stage("why does my child wake at night?", "leeds", route="guidance", status="answered", answer="A.")
    assert ctx.answer == "A." and not ctx.services


def test_other_routes_are_ignored():
    ctx = run_stage("stay and play in Fulham", "hammersmith-fulham", route="emergency", status="signposted", answer="Call 999.")
    assert ctx.answer == "Call 999." and not ctx.services


def test_directory_answers_are_short_say_when_results_are_elsewhere_and_answer_the_ask():
    elsewhere = run_stage("is there a stay and play in Kirkby on saturday?", "liverpool-city-region")
    assert "Here's what I found for Kirkby" not in elsewhere.answer
    assert "couldn't find" in elsewhere.answer and "Kirkby" in elsewhere.answer
    plain = run_stage("stay and play in armley", "leeds")
    assert plain.services and "Contact:" not in plain.answer and "Cost:" not in plain.answer  # details in the card
    assert len(plain.answer.split()) < 60
    access = run_stage("is the stay and play in armley step free for a wheelchair?", "leeds")
    assert "doesn't say about access" in access.answer and "Cost:" not in access.answer
    cost = run_stage("how much is the stay and play in armley?", "leeds")
    assert "Cost:" in cost.answer
