"""The parents' experience survey: a plain GET form and POST, no JavaScript needed. The link to it carries
only the area and where it was offered, never a conversation or a story."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from assistant.insights import config
from assistant.insights.survey import SurveyAnswers, SurveyRejected, context_of, read_answers, store
from web.handoff_web import csrf_ok, form_fields, no_store, page, problem, summary

router = APIRouter(include_in_schema=False)
Fields = Annotated[dict[str, list[str]], Depends(form_fields)]


def _form(request: Request, answers: SurveyAnswers, errors: list | None = None) -> Response:
    errors = errors or []
    back = f"/?area={answers.area}" if answers.area else "/"
    survey = config.survey()
    return page(request, "survey/form.html", {
        "text": survey["page"], "questions": survey["questions"], "a": answers, "area": answers.area,
        "shown_after": answers.shown_after, "back_url": back,
        "errors": {e.field_id: e.message for e in errors}, "error_summary": summary(errors)}, 422 if errors else 200)


@router.get("/survey")
def survey_form(request: Request, area: Annotated[str, Query(max_length=40)] = "",
                after: Annotated[str, Query(max_length=20)] = "answer") -> Response:
    return _form(request, SurveyAnswers(*context_of(area, after)))


@router.post("/survey")
def send_survey(request: Request, fields: Fields) -> Response:
    if not csrf_ok(request, fields):
        return problem(request, 403, "This form has expired",
                       "For your security, we could not accept this form. Go back, refresh the page and try again. "
                       "Check that cookies are allowed for this website.", ("/survey", "Start again"))
    try:
        answers = read_answers(fields)
    except SurveyRejected as exc:
        area, shown_after = context_of((fields.get("area") or [""])[0], (fields.get("shown_after") or [""])[0])
        ease = (fields.get("ease") or [""])[0]
        kept = SurveyAnswers(area, shown_after, (fields.get("helped") or [None])[0], int(ease) if ease in ("1", "2", "3", "4", "5") else None,
                             list(fields.get("sharing") or []), (fields.get("comment") or [""])[0][:5000])
        return _form(request, kept, exc.errors)
    store(answers)
    # Post/redirect/get: a refresh never sends the answers twice.
    return no_store(RedirectResponse("/survey/thanks", status_code=303))


@router.get("/survey/thanks")
def survey_thanks(request: Request) -> Response:
    return page(request, "survey/thanks.html", {"text": config.survey()["page"]})
