"""Tell it once over HTTP: the parent's pages, bad input and idempotent submits, against a real database."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from handoff_support import FULL_ANSWERS, client, csrf_token, handoff_db, hidden, share  # noqa: F401


def _handoffs() -> int:
    from core.database import session_scope
    from assistant.handoffs.models import Handoff

    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(Handoff))


def test_the_parent_journey_gives_a_reference_and_private_link(client):
    sent, _draft, _token = share(client)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/my-story/")
    page = client.get(sent.headers["location"])
    assert page.status_code == 200 and "Your story has been sent" in page.text
    assert re.search(r"FH-[2-9A-HJ-NP-Z]{6}", page.text)
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    assert "Quintessa Marlowe-Fairbanks" in client.get(sent.headers["location"].split("?")[0] + "/print").text


def test_check_answers_shows_what_staff_will_see(client):
    form = client.get("/share")
    data = {**FULL_ANSWERS, "csrf_token": csrf_token(form.text), "form_key": hidden(form.text, "form_key")}
    check = client.post("/share", data=data)
    assert "Armley Family Hub at Leeds City Council will see" in check.text
    assert "07700 900 982" in check.text and "Quintessa" in check.text
    change = client.post("/share/change", data={"draft": hidden(check.text, "draft"), "csrf_token": data["csrf_token"]})
    assert change.status_code == 200 and 'value="Quintessa Marlowe-Fairbanks"' in change.text


def test_submitting_twice_or_refreshing_creates_one_handoff(client):
    sent, draft, token = share(client)
    consent_version = "2025-06-v1"
    again = client.post("/share/send", data={"draft": draft, "csrf_token": token, "consent": "yes",
                                             "consent_version": consent_version})
    assert again.headers["location"] == sent.headers["location"]
    assert _handoffs() == 1


def test_a_key_sent_by_the_client_never_reaches_another_parents_story(client):
    """A replayed or typed form key (the old hidden field) must not return an earlier parent's private link."""
    from sqlalchemy import select

    from assistant.handoffs.models import Handoff
    from core.database import session_scope

    replayed = "k" * 43
    first_sent, _draft, _token = share(client, {"idempotency_key": replayed})
    second_sent, _draft, _token = share(client, {"idempotency_key": replayed, "child_name": "Another Child"})
    assert first_sent.headers["location"] != second_sent.headers["location"]
    assert _handoffs() == 2
    with session_scope() as session:
        stored = session.scalars(select(Handoff.idempotency_key)).all()
    # Only a keyed hash is kept: no row holds a key a form could carry.
    assert all(len(value) == 64 and value != replayed for value in stored)
    form = client.get("/share")
    assert 'name="idempotency_key"' not in form.text and len(hidden(form.text, "form_key")) > 43


def test_missing_consent_is_a_clear_422_and_nothing_is_stored(client):
    sent, _draft, _token = share(client, consent=False)
    assert sent.status_code == 422
    assert "Tick the box to agree to share your story" in sent.text and 'href="#consent"' in sent.text
    assert 'id="consent" name="consent" type="checkbox" value="yes">' in sent.text  # still unticked
    assert _handoffs() == 0


def test_bad_fields_get_the_error_summary_and_keep_what_was_typed(client):
    form = client.get("/share")
    data = {**FULL_ANSWERS, "csrf_token": csrf_token(form.text), "form_key": "x",
            "noticed": "n" * 5000, "contact_method": "email", "email": "mum@", "phone": "999"}
    response = client.post("/share", data=data)
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert "What you have noticed must be 1,500 characters or fewer. You have written 5,000." in response.text
    assert "Enter a UK phone number" in response.text
    assert "Enter an email address in the correct format" in response.text
    assert 'value="Quintessa Marlowe-Fairbanks"' in response.text
    assert _handoffs() == 0


def test_a_forged_or_missing_csrf_token_is_refused(client):
    client.get("/share")
    for token in ("forged", ""):
        response = client.post("/share", data={**FULL_ANSWERS, "csrf_token": token})
        assert response.status_code == 403 and "For your security" in response.text
    # A valid token from another browser (another cookie) is refused too.
    other = type(client)(client.app)
    stolen = csrf_token(other.get("/share").text)
    assert client.post("/share", data={**FULL_ANSWERS, "csrf_token": stolen}).status_code == 403


def test_a_changed_or_expired_draft_is_refused(client, monkeypatch):
    _sent, draft, token = share(client)
    tampered = draft[:-5] + ("AAAAA" if draft[-5:] != "AAAAA" else "BBBBB")
    response = client.post("/share/send", data={"draft": tampered, "csrf_token": token, "consent": "yes"})
    assert response.status_code == 400 and "timed out" in response.text
    monkeypatch.setenv("SHARE_DRAFT_MINUTES", "5")
    from handoff_support import reset_caches
    reset_caches()
    import time_machine
    import datetime as dt
    with time_machine.travel(dt.datetime.now() + dt.timedelta(minutes=10)):
        response = client.post("/share/consent", data={"draft": draft, "csrf_token": token})
    assert response.status_code == 400


def test_a_guessed_or_withdrawn_private_link_is_a_clear_4xx(client):
    assert client.get("/my-story/guessed-token").status_code == 404
    assert "We could not find your story" in client.get("/my-story/" + "A" * 43).text
    assert client.get("/my-story/" + "x" * 5000).status_code == 404
    sent, _draft, token = share(client)
    link = sent.headers["location"].split("?")[0]
    assert client.post(link + "/withdraw", data={"csrf_token": "forged"}).status_code == 403
    deleted = client.post(link + "/withdraw", data={"csrf_token": token})
    assert deleted.status_code == 200 and "Your story has been deleted" in deleted.text
    for url in (link, link + "/print", link + "/withdraw"):
        gone = client.get(url)
        assert gone.status_code == 410 and "You have deleted this story" in gone.text
    assert client.post(link + "/withdraw", data={"csrf_token": token}).status_code == 410


def test_a_conversation_prefills_the_form(client):
    from assistant.conversations import record_turn, start_conversation

    conversation = start_conversation("hammersmith-fulham")
    record_turn(conversation, "my 3 year old still has toilet accidents", "…", "guidance", "answered", 0.9, {})
    page = client.get("/share", cookies={"fh_conversation": conversation})
    assert "We filled in some answers from your chat" in page.text
    assert "my 3 year old still has toilet accidents</textarea>" in page.text
    assert 'id="area-2" name="area" type="radio" value="hammersmith-fulham" checked' in page.text
    assert client.get("/share", cookies={"fh_conversation": "unknown"}).status_code == 200
    # An id in the address prefills nothing: only this browser's own conversation does.
    assert "We filled in some answers" not in client.get(f"/share?conversation_id={conversation}").text


def test_stories_sent_from_one_client_are_limited_and_a_refused_story_keeps_its_answers(client, monkeypatch):
    """Security: scripted submissions cannot flood a hub's queue (SHARE_RATE_LIMIT per client). The refusal is a
    429 page a parent understands that keeps their answers, so they can send them as they are later."""
    from handoff_support import reset_caches
    from web.rate_limit import limiter

    monkeypatch.setenv("SHARE_RATE_LIMIT", "2/hour")
    reset_caches()
    limiter.reset()
    try:
        assert share(client, consent=False)[0].status_code == 422  # sent back for the tick: not counted
        assert share(client)[0].status_code == 303
        assert share(client, {"child_name": "Second Child"})[0].status_code == 303
        refused, _draft, token = share(client, {"child_name": "Third Child"})
        assert refused.status_code == 429 and "We have not sent your story yet" in refused.text
        assert "try again in about" in " ".join(refused.text.split()) and "Armley Family Hub" in refused.text
        assert 0 < int(refused.headers["retry-after"]) <= 3600 and refused.headers["cache-control"] == "no-store"
        assert _handoffs() == 2
        kept = hidden(refused.text, "draft")
        limiter.reset()  # the hour has passed
        again = client.post("/share/consent", data={"draft": kept, "csrf_token": token})
        sent = client.post("/share/send", data={"draft": kept, "csrf_token": token, "consent": "yes",
                                                "consent_version": hidden(again.text, "consent_version")})
        assert sent.status_code == 303 and _handoffs() == 3
        assert "Third Child" in client.get(sent.headers["location"]).text
    finally:
        limiter.reset()
