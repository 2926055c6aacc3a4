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
        "language",
    }
    assert body["language"] == "en"


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


def test_the_document_states_the_limits_the_api_enforces(app_client, monkeypatch):
    # Found by schemathesis (issue 12): the document allowed an empty or blank message and any two-letter
    # language, which the API answers with 422.
    import re
    import sys

    from assistant.chat import check_message, InvalidMessage
    from assistant.conversation_language import known_codes
    from core.settings import get_settings

    request = app_client.get("/openapi.json").json()["components"]["schemas"]["ChatRequest"]["properties"]
    message = request["message"]
    assert (message["minLength"], message["maxLength"]) == (1, get_settings().max_message_chars)
    assert request["language"]["anyOf"][0]["enum"] == known_codes() and "aa" not in known_codes()
    # The pattern says "not only white space" exactly as check_message sees it, for every character.
    not_blank = re.compile(message["pattern"])
    disagree = [hex(c) for c in range(sys.maxunicode + 1) if bool(not_blank.search(chr(c))) == chr(c).isspace()]
    assert not disagree
    for text in ("\x1c", "\u3000 \x85"):
        with pytest.raises(InvalidMessage):
            check_message(text)
    # The length is the setting's when the document is made, not a number typed into the contract.
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "300")
    get_settings.cache_clear()
    try:
        from assistant.chat_contract import ChatRequest

        assert ChatRequest.model_json_schema()["properties"]["message"]["maxLength"] == 300
    finally:
        monkeypatch.delenv("MAX_MESSAGE_CHARS")
        get_settings.cache_clear()


def test_a_body_that_is_not_utf8_gets_the_documented_400(app_client):
    # Found by schemathesis (issue 12): this 400 was not in the document.
    response = app_client.post("/api/chat", content=b'{"message": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]
    documented = app_client.get("/openapi.json").json()["paths"]["/api/chat"]["post"]["responses"]
    assert documented["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}


def test_malformed_json_gets_422(app_client):
    response = app_client.post("/api/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "json" in response.json()["error"].lower()


def test_html_in_a_message_is_inert_on_the_page(app_client):
    body = app_client.post("/api/chat", json={"message": "<script>alert(1)</script> potty training tips?"}).json()
    page = app_client.get("/", cookies={"fh_conversation": body["conversation_id"]}).text
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


def test_a_transcript_is_readable_only_by_the_browser_holding_its_conversation(app_client):
    """Security: the conversation is never in the address, pages are no-store, and an id alone shows nothing."""
    from fastapi.testclient import TestClient

    sent = app_client.post("/chat", data={"message": "my toddler hides to poo, what do I do?", "area": "leeds"},
                           follow_redirects=False)
    assert sent.status_code == 303 and "conversation" not in sent.headers["location"]
    cookie = sent.cookies.get("fh_conversation")
    assert cookie and "httponly" in sent.headers["set-cookie"].lower()
    mine = app_client.get("/", cookies={"fh_conversation": cookie})
    assert "hides to poo" in mine.text and mine.headers["cache-control"] == "no-store"
    with TestClient(app_client.app) as stranger:
        assert "hides to poo" not in stranger.get(f"/?conversation_id={cookie}").text
    ended = app_client.post("/chat/end", cookies={"fh_conversation": cookie}, follow_redirects=False)
    assert ended.status_code == 303 and 'fh_conversation=""' in ended.headers["set-cookie"]


def test_retention_purges_old_chat_turns_never_closed_handoffs_and_audit_events(app_client):
    import datetime as dt

    from sqlalchemy import select, update

    from assistant.conversations import ConversationRecord, record_turn, start_conversation
    from assistant.retention import purge_all
    from core import audit
    from core.database import session_scope
    from core.staff import AuditEvent

    old, fresh = start_conversation("leeds"), start_conversation("leeds")
    for conversation in (old, fresh):
        record_turn(conversation, "a redacted question", "an answer", "guidance", "answered", 0.9, {})
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)
    with session_scope() as session:
        session.execute(update(ConversationRecord).where(ConversationRecord.id == old).values(last_active_at=long_ago))
        audit.record(session, "system", "signed_out", detail="retention-test")
        session.flush()
        session.execute(update(AuditEvent).where(AuditEvent.detail == "retention-test")
                        .values(at=long_ago - dt.timedelta(days=400)))
    report = purge_all()
    with session_scope() as session:
        left = set(session.scalars(select(ConversationRecord.id).where(ConversationRecord.id.in_([old, fresh]))))
        assert not session.scalars(select(AuditEvent).where(AuditEvent.detail == "retention-test")).first()
    assert left == {fresh} and report.conversations_deleted >= 1 and report.audit_deleted >= 1


def test_the_purge_runs_on_a_schedule_while_the_server_runs(app_client):
    import time

    from assistant.retention import PurgeSchedule

    schedule = PurgeSchedule(interval_seconds=0.05).start()
    deadline = time.monotonic() + 10
    while schedule.runs < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    schedule.stop()
    assert schedule.runs >= 2
