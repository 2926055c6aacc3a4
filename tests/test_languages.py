"""Parents who write in their own language (issue 15): the conversation's language carried by the page and the
API, retrieval from any language, fixed texts in the parent's language, and translated signposting beside the
English with the same numbers.

The messages here are written for these tests: none is a training, tuning or evaluation line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from assistant.conversation_language import paragraph_languages, turn_language
from assistant.messages import MESSAGES_FILE, message
from assistant.translations import TRANSLATIONS_DIR, languages, unverified
from guardrails.language import language_of
from guardrails.safety import national_help, signposting
from guardrails.safety.signposting import numbers_in, signposting_for

LANGUAGES = ("pl", "ur", "ro", "ar", "pt", "so", "pa", "bn", "tr", "fa")
RIGHT_TO_LEFT = ("ar", "ur", "fa")
TUNING = Path(__file__).parent / "data" / "multilingual_tuning.jsonl"


def _post(client, message_text: str, language: str | None = None, area: str | None = None) -> dict:
    response = client.post("/api/chat", json={"message": message_text, "language": language, "area": area})
    assert response.status_code == 200, response.text
    return response.json()


# ---- the conversation's language ------------------------------------------------------------------------

@pytest.mark.parametrize("text, carried, expected", [
    ("ok", "pl", "pl"),  # a short English word keeps the conversation's language
    ("thanks a lot", "ur", "ur"),
    ("thanks a lot", None, "en"),
    ("Dziecko nie chce siadać na nocnik, co robić?", None, "pl"),
    ("Dziecko nie chce siadać na nocnik, co robić?", "ar", "pl"),  # the message's own language wins
    ("how do I get my daughter to sit on the potty", "pl", "en"),  # a whole English question switches
    ("👍", "so", "so"),
])
def test_the_reply_language_follows_the_message_and_a_short_english_word_keeps_the_conversations(text, carried, expected):
    assert turn_language(text, carried) == expected


def test_every_language_has_every_fixed_text_drafted_and_marked_for_checking():
    english = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    assert set(LANGUAGES) <= set(languages())
    assert set(LANGUAGES) <= set(unverified())  # drafts stay verify: true until the council's translator checks
    for code in LANGUAGES:
        data = yaml.safe_load((TRANSLATIONS_DIR / f"{code}.yaml").read_text(encoding="utf-8"))
        assert set(english) | {"english_only_note", "in_your_language"} <= set(data["messages"]), code
        assert languages()[code]["direction"] == ("rtl" if code in RIGHT_TO_LEFT else "ltr")
        assert language_of(message("english_only_note", code)) == code  # the note reads as its language
        assert message("hello", code) != message("hello")


@pytest.mark.parametrize("code", LANGUAGES)
def test_urgent_signposting_shows_the_translation_and_the_english_with_the_same_numbers(code):
    for route in ("emergency", "safeguarding", "crisis", "medical"):
        for area in ("leeds", "hammersmith-fulham", "liverpool-city-region", None):
            english = signposting_for(route, area)
            both = signposting_for(route, area, code)
            assert both.endswith(english) and len(both) > len(english) + 40, (code, route, area)
            translated = both[: -len(english)]
            assert numbers_in(translated) == numbers_in(english), (code, route, area)
            assert {"999"} <= numbers_in(translated)


def test_a_translation_whose_numbers_differ_from_the_english_is_left_out(monkeypatch):
    drafted = signposting.translation("pl")
    wrong = {**drafted, "routes": {**drafted["routes"], "crisis": drafted["routes"]["crisis"].replace("116 123", "116 124")}}
    monkeypatch.setattr(signposting, "translation", lambda language: wrong)
    assert signposting_for("crisis", "leeds", "pl") == signposting_for("crisis", "leeds")


# ---- turns through the API ------------------------------------------------------------------------------

def test_a_polish_question_finds_the_english_section_after_a_note_in_polish(app_client):
    body = _post(app_client, "Synek ma dwa i pół roku, jak poznać, że jest gotowy, żeby zacząć z nocnikiem?")
    assert body["language"] == "pl"
    assert body["status"] == "answered" and body["route"] == "guidance"
    first, *rest = body["answer"].split("\n\n")
    assert first == message("english_only_note", "pl")
    # Sure, or only the closest section (then said so, with the national numbers): the rest is English guidance.
    ours = {message("closest_guidance", "pl"), *national_help("pl").split("\n\n")}
    guidance = [part for part in rest if part not in ours]
    assert guidance and all(language_of(part) in ("en", None) for part in guidance)
    assert body["sources"]


def test_an_english_word_in_a_polish_conversation_is_answered_in_polish(app_client):
    body = _post(app_client, "thanks", language="pl")
    assert body["language"] == "pl"
    assert body["answer"] == message("thanks", "pl")


def test_an_english_only_directory_reply_in_a_polish_conversation_gets_the_note_in_polish(app_client):
    # "nearest family hub?" keeps the conversation Polish (three English words); the directory's wording is English,
    # so the reply-language step puts the Polish note first.
    body = _post(app_client, "nearest family hub?", language="pl")
    assert body["language"] == "pl" and body["route"] == "services"
    assert body["answer"].startswith(message("english_only_note", "pl"))


def test_english_without_a_language_is_answered_as_before(app_client):
    body = _post(app_client, "thanks")
    assert body["language"] == "en" and body["answer"] == message("thanks")


def test_urgent_help_in_arabic_comes_in_arabic_and_english(app_client):
    body = _post(app_client, "طفلي لا يتنفس ووجهه أزرق، ماذا أفعل؟")
    assert body["status"] == "signposted" and body["route"] == "emergency"
    assert body["language"] == "ar"
    assert body["answer"].startswith(" ".join(signposting.translation("ar")["routes"]["emergency"].split()))
    assert "Call 999 now" in body["answer"]


def test_a_question_no_guidance_answers_gets_the_family_hub_offer_in_the_parents_language(app_client):
    body = _post(app_client, "Jak wymienić polskie prawo jazdy na brytyjskie w urzędzie?")
    assert body["language"] == "pl"
    assert body["status"] == "unanswerable" and body["handoff_offered"]
    assert body["answer"].startswith(message("unanswerable", "pl"))
    # The safety reading of other languages is weaker than of English: the national numbers always come too,
    # in Polish.
    assert "999" in body["answer"] and "116 123" in body["answer"]
    assert " ".join(signposting.translation("pl")["national"]["heading"].split()) in body["answer"]


def test_the_removed_details_notice_is_in_the_parents_language(app_client):
    body = _post(app_client, "Mój numer to 07700 900123, syn ma 3 lata i nie mówi wyraźnie, co robić?")
    assert "PHONE" in body["redactions"]
    assert "07700" not in body["answer"]
    from assistant.translations import pii_notice

    assert pii_notice("pl") in body["answer"]


@pytest.mark.parametrize("language", ["xx", "polish", "PL", ""])
def test_a_language_code_we_do_not_know_is_a_422_a_person_understands(app_client, language):
    response = app_client.post("/api/chat", json={"message": "hello", "language": language})
    assert response.status_code == 422
    assert response.json()["error"]


def test_every_reply_paragraph_says_its_language():
    answer = f"{message('english_only_note', 'pl')}\n\nStart when your child shows the signs."
    assert paragraph_languages(answer, "pl") == ["pl", "en"]
    assert paragraph_languages("Hello.\n\nBye.", "en") == ["en", "en"]
    local = signposting_for("crisis", "leeds", "ar").split("\n\n")[1]  # an Arabic heading over English names
    assert paragraph_languages(local, "ar") == ["ar"]


# ---- retrieval from any language ------------------------------------------------------------------------

def test_the_multilingual_answer_threshold_is_the_one_chosen_on_the_tuning_lines():
    """data/multilingual.yaml's threshold must be what the tuning command chooses on tests/data (not typed in)."""
    from knowledge_base import multilingual
    from knowledge_base.multilingual_tuning import best_matches, choose, read_lines

    lines = read_lines(TUNING)
    assert len(lines) >= 40 and {line["lang"] for line in lines} >= set(LANGUAGES)
    matches = best_matches(lines)
    chosen = choose(matches, float(multilingual.settings()["wrong_answer_cost"]))
    # The same questions answered and held back as with the chosen threshold (it sits in the same gap), apart
    # from lines within a hair of it: the e5 engine's similarities can differ in the fourth decimal from one
    # machine or run to another (the full run chose 0.86335 where the tuning command had chosen 0.86345).
    configured, noise = multilingual.answer_threshold(), 0.0005
    assert abs(configured - chosen) <= noise, (configured, chosen)
    clear = [s for s, _ in matches if abs(s - configured) > noise]
    assert [s >= configured for s in clear] == [s >= chosen for s in clear]
    answered = [right for similarity, right in matches if similarity >= chosen]
    assert sum(answered) >= 2 * (len(answered) - sum(answered))  # right answers outweigh wrong ones


# ---- the chat page --------------------------------------------------------------------------------------

def test_the_chat_page_carries_lang_and_dir_and_the_language_in_a_hidden_field(app_client):
    page = app_client.get("/?lang=ar").text
    assert re.search(r'<html lang="ar" dir="rtl"', page)
    assert 'name="language" id="conversation-language" value="ar"' in page
    assert "اسأل عن طفلك" in page
    english = app_client.get("/").text
    assert re.search(r'<html lang="en" dir="ltr"', english)
    assert 'hreflang="pl" href="/?lang=pl"' in english  # the language links work without JavaScript
    assert app_client.get("/?lang=zz").text.count('<html lang="en"') == 1


def test_the_form_sends_the_language_and_the_reply_brings_it_back(app_client):
    app_client.cookies.clear()
    response = app_client.post("/chat", data={"message": "ok", "area": "", "language": "pl"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/?lang=pl#latest"
    page = app_client.get("/?lang=pl").text
    assert 'value="pl"' in page and '<html lang="pl" dir="ltr"' in page
    bad = app_client.post("/chat", data={"message": "ok", "language": "zz"}, follow_redirects=False)
    assert bad.status_code == 422
    app_client.cookies.clear()


# ---- the evaluation ------------------------------------------------------------------------------------

def test_the_evaluation_checks_for_a_paragraph_in_the_parents_language():
    from assistant.evaluation import parents_language_figure, score_line

    line = {"id": "t1", "message": "m", "lang": "pl", "expect": {"status": ["answered"], "route": ["guidance"]}}
    polish = score_line(line, {"status": "answered", "route": "guidance",
                               "answer": f"{message('english_only_note', 'pl')}\n\nSome English guidance here."})
    english = score_line(line, {"status": "answered", "route": "guidance",
                                "answer": "Some English guidance here about potty training."})
    assert polish.in_parents_language is True and english.in_parents_language is False
    assert parents_language_figure([polish, english]) == {"reply has a paragraph in the parent's language": "1/2 (50.0%)"}
    en_line = score_line({**line, "lang": "en"}, {"status": "answered", "route": "guidance", "answer": "x"})
    assert en_line.in_parents_language is None
    assert json.dumps(parents_language_figure([en_line])) == "{}"


def test_every_language_has_chat_page_labels_drafted_for_checking():
    from web.labels import LABELS_DIR, labels_for

    english = yaml.safe_load((LABELS_DIR / "en.yaml").read_text(encoding="utf-8"))
    for code in LANGUAGES:
        drafted = yaml.safe_load((LABELS_DIR / f"{code}.yaml").read_text(encoding="utf-8"))
        assert drafted["verify"] is True and set(drafted) == set(english), code
        assert "{max_chars}" in drafted["characters"]
        assert labels_for(code)["send"] != english["send"]
        assert "999" in drafted["warning"]


# ---- the learned language reader and the turn kinds in other languages ---------------------------------------

@pytest.mark.parametrize("text, language", [
    ("meri beti dhai saal ki hai aur abhi tak do lafz jor ke nahi bolti", "ur"),
    ("amar chele tin bochor, ekhono potty te boshte chay na, ki kori", "bn"),
    ("Czy w family hub w Liverpoolu jest stay and play w soboty?", "pl"),
    ("Bom dia, o meu filho tem dois anos e ainda não diz nenhuma palavra", "pt"),
])
def test_romanised_and_code_mixed_messages_are_read_in_their_language(text, language):
    assert language_of(text) == language


@pytest.mark.parametrize("text", [
    "my lad is 2 and only says about 5 words, should I be worried",
    "wen is stay n play on at the hub in kirkby",
    "ey up, our lass won't sit on t'potty, any tips",
    "hiya can u tell me where the baby clinic is on a tuesday",
])
def test_english_text_speak_and_dialect_stay_english(text):
    assert language_of(text) in (None, "en")


@pytest.mark.parametrize("text, kind", [
    ("Bardzo dziękuję, to mi naprawdę pomogło!", "thanks"),
    ("Chciałabym, żeby ktoś z centrum do mnie zadzwonił, potrzebuję tłumacza polskiego", "contact"),
    ("W jakie dni jest otwarte centrum rodzinne w Leeds i czy trzeba się zapisać?", "services"),
    ("Mój syn ma dwa lata i mówi tylko kilka słów, czy to normalne?", None),
    ("Yardımınız için minnettarım, sağ olun", "thanks"),
    ("Merkezden biri beni arasın lütfen, Türkçe bilen biri olursa iyi olur", "contact"),
    ("Beeston'daki family hub hafta sonu açık mı, önceden kayıt gerekiyor mu?", "services"),
    ("Kızım 2 yaşında ama henüz iki kelimeyi birleştirmiyor, bu normal mi?", None),
    ("خیلی ممنونم، جواب‌هاتون واقعاً به دردم خورد", "thanks"),
    ("لطفاً یکی از مرکز خانواده با من تماس بگیره، مترجم فارسی هم لازم دارم", "contact"),
    ("مرکز خانواده Harehills روزهای شنبه باز است؟ باید وقت بگیرم؟", "services"),
    ("دخترم دو سال و نیمشه و هنوز نمی‌خواد روی لگن بشینه، چیکار کنم؟", None),
])
def test_the_kind_of_turn_is_read_in_another_language(text, kind):
    from assistant import conversation_multilingual

    assert conversation_multilingual.model().kind(text) == kind


@pytest.mark.parametrize("text, language, route", [
    ("Bardzo dziękuję, to mi naprawdę pomogło!", "pl", "greeting"),
    ("W jakie dni jest otwarte centrum rodzinne w Leeds i czy trzeba się zapisać?", "pl", "services"),
    ("Yardımınız için minnettarım, sağ olun", "tr", "greeting"),
    ("مرکز خانواده Harehills روزهای شنبه باز است؟ باید وقت بگیرم؟", "fa", "services"),
])
def test_a_turn_of_that_kind_is_routed_so(app_client, text, language, route):
    body = _post(app_client, text, area="leeds")
    assert body["language"] == language
    assert body["route"] == route


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_language_has_its_own_chat_page_reading_in_its_direction(app_client, code):
    from web.labels import labels_for

    page = app_client.get(f"/?lang={code}").text
    direction = "rtl" if code in RIGHT_TO_LEFT else "ltr"
    assert f'<html lang="{code}" dir="{direction}"' in page
    assert f'name="language" id="conversation-language" value="{code}"' in page
    assert labels_for(code)["page_title"] in page
    assert f'<li lang="{code}" dir="{direction}"><strong aria-current="true">' in page  # chosen in the chooser
    assert f'hreflang="{code}" href="/?lang={code}"' in app_client.get("/").text  # offered on the English page


@pytest.mark.parametrize("code", LANGUAGES)
def test_thanks_in_a_conversation_in_each_language_is_answered_in_it(app_client, code):
    body = _post(app_client, "thanks", language=code)
    assert body["language"] == code
    assert body["answer"] == message("thanks", code) != message("thanks")
    assert paragraph_languages(body["answer"], code) == [code]
