"""Answers: the learned ranker, example questions, red-flag advice, conversation turns and follow-ups.

The phrasings here are written for these tests: none is a training line or an evaluation line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from core.settings import get_settings
from guardrails.safety import signposting_for
from knowledge_base.documents import ContentError, load_document, load_documents


def _post(client, message: str, area: str | None = None) -> dict:
    response = client.post("/api/chat", json={"message": message, "area": area})
    assert response.status_code == 200, response.text
    return response.json()


# ---- content -------------------------------------------------------------------------------------------

def test_every_section_has_example_questions_and_red_flags_name_real_sections():
    documents = load_documents(get_settings().content_dir)
    from knowledge_base.chunking import chunk_documents

    chunks = chunk_documents(documents)
    with_questions = [c for c in chunks if c.metadata["questions"]]
    assert len(with_questions) == len(chunks)  # introductions too
    assert sum(len(d.red_flags) for d in documents) >= 8
    assert {c.metadata["red_flag"] for c in chunks} == {"yes", ""}


def _front(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "doc-x.md"
    path.write_text(
        "---\nid: doc-x\ntitle: X\ntopic: toileting\nages: \"2-3\"\nareas: [national]\nsummary: s\n"
        "sources:\n  - name: NHS\n    url: https://www.nhs.uk/\nlast_reviewed: 2026-01-01\nreview_by: 2027-01-01\n"
        f"{extra}---\nIntro.\n\n## Real heading\nText.\n", encoding="utf-8")
    return path


def test_example_questions_and_red_flags_must_name_headings_in_the_text(tmp_path: Path):
    assert load_document(_front(tmp_path, "questions:\n  Real heading: [\"how do i\"]\n  _intro: [\"what is\"]\n")).questions
    with pytest.raises(ContentError, match="not in the text: Made up"):
        load_document(_front(tmp_path, "questions:\n  Made up: [\"how do i\"]\n"))
    with pytest.raises(ContentError, match="red-flag sections"):
        load_document(_front(tmp_path, "red_flags: [Not a heading]\n"))


def test_editor_form_keeps_example_questions_and_red_flags_and_names_the_field_in_errors():
    from knowledge_base.editorial.content import questions_as_text, questions_from_text
    from knowledge_base.editorial.forms import FormErrors, GuidanceForm, validate

    questions = {"_intro": ["what is this about"], "Real heading": ["is it normal", "when to worry"]}
    assert questions_from_text(questions_as_text(questions)) == questions
    today = dt.date(2026, 6, 1)
    form = GuidanceForm(doc_id="doc-x", title="X", topic="toileting", ages="2-3", area="national", summary="s",
                        sources="NHS | https://www.nhs.uk/", last_reviewed={"day": "1", "month": "1", "year": "2026"},
                        review_by={"day": "1", "month": "1", "year": "2027"}, body="Intro.\n\n## Real heading\nText.",
                        questions=questions_as_text(questions), red_flags="## Real heading")
    document = validate(form, today)
    assert document.questions == questions and document.red_flags == ["Real heading"]
    form.questions = "## Not there\nsome question"
    with pytest.raises(FormErrors) as refused:
        validate(form, today)
    assert set(refused.value.errors) == {"questions"}


# ---- ranker ----------------------------------------------------------------------------------------------

def test_ranker_is_trained_with_held_out_figures_and_thresholds_in_order():
    from knowledge_base import ranking

    model = ranking.model()
    report = model.report
    assert report["example_questions"] >= 3000
    # Held out (questions scored against an example index without their fold): far above chance (1/319).
    assert report["held_out_recall_at_1"] >= 0.55 and report["held_out_mrr"] >= 0.7
    assert 0 < model.closest_floor <= model.answer_threshold < 1
    assert report["held_out_red_flag_advice_added_when_asked"] >= 0.85


def test_a_new_section_without_example_questions_is_still_found(app_client):
    from knowledge_base.chunking import chunk_document
    from knowledge_base.documents import GuidanceDocument
    from knowledge_base.search import get_searcher

    document = GuidanceDocument(
        id="potty-travel-abroad", title="Potty training on a long flight", topic="toileting", ages="2-4",
        areas=["national"], summary="Flights", sources=[{"name": "NHS", "url": "https://www.nhs.uk/"}],
        last_reviewed=dt.date(2026, 1, 1), review_by=dt.date(2027, 1, 1),
        body="## Using aeroplane toilets with a newly trained toddler\nTake a travel potty liner and spare pants on "
             "the plane. Aeroplane toilets flush loudly, so cover your child's ears.")
    draft = get_searcher().with_document(document.id, chunk_document(document))
    hits = draft.search("we fly to spain next week and she just got out of nappies, what about the plane loo", None)
    # Judged on its text and heading alone (no examples yet), beside sections with many: in the top three.
    assert "potty-travel-abroad" in [h.doc_id for h in hits[:3]]


@pytest.mark.parametrize("message, doc_id", [
    ("our lad is nearly 4 and gets stuck on the first sound of words, been going on since summer", "speech-stammering"),
    ("she's 3 and has been dry ages in the day but soaks through her nappy every single night", "toileting-night-dryness-and-bedwetting"),
    ("grandad here, the little one won't poo on the potty, keeps asking for a nappy for it", "potty-poo-withholding-and-constipation"),
])
def test_unseen_wording_finds_the_section_about_it(app_client, message: str, doc_id: str):
    from knowledge_base.search import get_searcher

    assert get_searcher().search(message, None)[0].doc_id == doc_id


# ---- composition -----------------------------------------------------------------------------------------

def test_a_red_flag_in_the_question_brings_the_when_to_get_help_advice(app_client):
    body = _post(app_client, "potty training going ok but last two days she cries that it burns when she does a wee and goes every 10 mins")
    assert body["status"] in ("answered", "signposted")
    assert any(word in body["answer"] for word in ("GP", "NHS 111", "pharmacist"))


def test_an_ordinary_question_is_answered_without_the_closest_section_caveat(app_client):
    from assistant.messages import message

    body = _post(app_client, "what kind of potty should I buy, one that sits on the floor or a seat for the big toilet?")
    assert body["status"] == "answered" and body["route"] == "guidance"
    assert message("closest_guidance") not in body["answer"]


# ---- conversation ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "hiya pet", "afternoon all!!", "cheers for that me duck", "ah brilliant, that's sorted me out ta",
    "right I'm off now, nighty night", "what's this thing for then?", "are u a computer or a person typing",
])
def test_conversation_turns_in_many_phrasings_are_greetings(app_client, message: str):
    body = _post(app_client, message)
    assert (body["status"], body["route"]) == ("answered", "greeting")


@pytest.mark.parametrize("message", [
    "hiya, my lad is 2 and still not saying any words", "thanks but what if she won't sit on it at all",
])
def test_a_greeting_with_a_real_question_is_answered_as_the_question(app_client, message: str):
    assert _post(app_client, message)["route"] != "greeting"


@pytest.mark.parametrize("message", ["and what about at bedtime?", "same for girls?", "what if that doesn't work"])
def test_a_follow_up_with_no_earlier_turn_gets_a_clarifying_question(app_client, message: str):
    body = _post(app_client, message)
    assert body["status"] == "clarification"


# ---- evaluation ------------------------------------------------------------------------------------------

def test_eval_reports_retrieval_figures_from_section_labels(app_client, tmp_path: Path):
    from assistant.evaluation import evaluate, retrieval_figures

    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(line) for line in [
        {"id": "t-1", "area": None, "message": "how can I tell if my toddler is ready to start using a potty",
         "expect": {"status": ["answered"], "route": ["guidance"], "topic": "toileting"}},
        {"id": "t-2", "area": None, "message": "how can I tell if my toddler is ready to start using a potty",
         "expect": {"status": ["answered"], "route": ["guidance"], "topic": "toileting"}},
    ]), encoding="utf-8")
    results = evaluate(questions)
    right = "potty-readiness-signs::how-do-i-know-if-my-child-is-ready-for-potty-training"
    figures = retrieval_figures(questions, results, {"t-1": [right], "t-2": ["speech-dummies::intro"]})
    overall = figures["by_topic"]["all"]
    # One line labelled with a section the search can find, one with a section it should not rank at all.
    assert overall["lines"] == 2 and 0 < overall["mrr"] <= 0.75
    assert overall["wrong_section_rate"] >= 0.5


def test_a_medical_worry_gets_the_signposting_then_the_guidance_that_fits_it(app_client):
    # Medical route: the fixed signposting first, then the when-to-get-help section the ranker is sure of.
    body = _post(app_client, "is it a water infection? my 3 year old says it burns every time she wees and keeps running to the potty")
    assert (body["status"], body["route"]) == ("signposted", "medical")
    medical = signposting_for("medical", None)
    assert body["answer"].startswith(medical.split("\n\n")[0])
    assert len(body["answer"]) > len(medical) and body["sources"], body


def test_a_medical_reply_never_guesses_with_the_closest_section_or_says_no_guidance(app_client):
    from assistant.messages import message

    for text in ("how many ml of calpol can I give my 2 year old", "is this rash on his tummy eczema or something else"):
        body = _post(app_client, text)
        assert (body["status"], body["route"]) == ("signposted", "medical"), body
        assert body["answer"].startswith(signposting_for("medical", None).split("\n\n")[0])
        for caveat in (message("closest_guidance"), message("unanswerable")):
            assert caveat.split("\n")[0] not in body["answer"]
