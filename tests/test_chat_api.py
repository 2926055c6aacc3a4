"""The public /api/chat contract, end to end through the real pipeline, index and database."""

from __future__ import annotations

import pytest

SOURCED_QUESTION = "my 2 year old only says a few words, should I worry?"


def test_guidance_question_gets_a_sourced_answer(app_client):
    response = app_client.post("/api/chat", json={"message": SOURCED_QUESTION, "area": "leeds"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "answered" and body["route"] == "guidance"
    assert "health visitor" in body["answer"].lower()
    assert body["sources"] and all(s["url"].startswith("https://") for s in body["sources"])
    assert set(body) == {
        "conversation_id", "status", "route", "answer", "sources", "services", "redactions", "handoff_offered",
    }


def test_follow_up_is_understood_in_context(app_client):
    first = app_client.post("/api/chat", json={"message": "how do I start potty training?"}).json()
    follow_up = app_client.post(
        "/api/chat", json={"message": "what about at night?", "conversation_id": first["conversation_id"]}
    ).json()
    assert follow_up["conversation_id"] == first["conversation_id"]
    assert follow_up["status"] == "answered"
    assert any(word in follow_up["answer"].lower() for word in ("night", "bed", "dry"))


@pytest.mark.parametrize(
    ("message", "status", "route"),
    [
        ("hello", "answered", "greeting"),
        ("thanks!", "answered", "greeting"),
        ("help", "clarification", "guidance"),
        ("can someone from the hub call me?", "answered", "handoff"),
    ],
)
def test_kinds_of_turn(app_client, message, status, route):
    body = app_client.post("/api/chat", json={"message": message}).json()
    assert (body["status"], body["route"]) == (status, route)
    assert body["handoff_offered"] is (route == "handoff")


def test_nonsense_is_unanswerable_with_a_next_step(app_client):
    body = app_client.post("/api/chat", json={"message": "zxq plorb fantastical quantum widget calibration"}).json()
    assert body["status"] in {"unanswerable", "refused"}
    assert "health visitor" in body["answer"].lower() or "family hub" in body["answer"].lower()
    assert body["sources"] == []


def test_area_filter_keeps_other_areas_local_pages_out(app_client):
    body = app_client.post(
        "/api/chat", json={"message": "how do I contact the health visiting team?", "area": "hammersmith-fulham"}
    ).json()
    assert "leeds" not in body["answer"].lower() and "liverpool" not in body["answer"].lower()


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({"message": ""}, 422, "type a message"),
        ({"message": "   \n "}, 422, "type a message"),
        ({"message": "a" * 2001}, 422, "under 2,000"),
        ({"message": 42}, 422, "must be text"),
        ({"message": ["hi"]}, 422, "must be text"),
        ({}, 422, "must be text"),
        ({"message": "hi", "area": "narnia"}, 422, "area must be one of"),
        ({"message": "hi", "conversation_id": "0" * 32}, 404, "could not find that conversation"),
        ({"message": "hi", "conversation_id": "not-an-id"}, 422, "conversation_id"),
        ({"message": "hi", "extra": 1}, 422, ""),
    ],
)
def test_bad_input_gets_a_clear_4xx(app_client, payload, status, words):
    response = app_client.post("/api/chat", json=payload)
    assert response.status_code == status
    assert words in response.json()["error"].lower() or words in response.json()["error"]


def test_malformed_json_gets_422(app_client):
    response = app_client.post("/api/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "json" in response.json()["error"].lower()


def test_html_in_a_message_is_inert_on_the_page(app_client):
    body = app_client.post("/api/chat", json={"message": "<script>alert(1)</script> potty training tips?"}).json()
    page = app_client.get(f"/?conversation_id={body['conversation_id']}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_openapi_documents_the_contract(app_client):
    schema = app_client.get("/openapi.json").json()
    operation = schema["paths"]["/api/chat"]["post"]
    assert {"200", "404", "422", "429"} <= set(operation["responses"])
    assert "ChatResponse" in schema["components"]["schemas"]


def test_health(app_client):
    assert app_client.get("/api/health").json() == {"status": "ok"}


def test_service_question_gets_directory_cards_not_guidance_sources(app_client):
    body = app_client.post(
        "/api/chat", json={"message": "when is stay and play at Fulham family hub?", "area": "hammersmith-fulham"}
    ).json()
    assert (body["status"], body["route"]) == ("answered", "services")
    assert body["services"] and all(card["example_data"] for card in body["services"])
    assert "stay and play" in body["answer"].lower()
    assert body["sources"] == []
