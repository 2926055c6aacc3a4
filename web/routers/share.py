"""Tell it once, the parent's side: form, check answers, consent, confirmation, and the private link."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from core.areas import AREAS
from core.settings import get_settings
from assistant.handoffs import drafts, forms
from assistant.handoffs.choices import form_choices, hubs_in, recipient
from assistant.handoffs.consent import ConsentNotGiven, check_given, wording
from assistant.handoffs.prefill import prefill
from assistant.handoffs.service import HandoffNotFound, HandoffView, HandoffWithdrawn, create_handoff, for_parent, withdraw
from assistant.handoffs.summary import answer_rows
from web.deps import conversation_of
from web.rate_limit import take_story_place
from web.handoff_web import csrf_ok, first, form_fields, no_store, page, problem, summary

router = APIRouter(include_in_schema=False)
Fields = Annotated[dict[str, list[str]], Depends(form_fields)]

FORGED = ("This form has expired", "For your security, we could not accept this form. Go back, refresh the page and try again. "
          "Check that cookies are allowed for this website.")
EXPIRED_DRAFT = ("Your answers have timed out", "We did not send anything, because the page was open for a long time. "
                 "Please start again.")
NOT_FOUND = ("We could not find your story", "The link may be wrong, or it may have expired, because stories are deleted "
             "some time after they are closed. Check you copied the whole link.")


def _form(request: Request, answers: dict, key: str, errors: list | None = None, prefilled: bool = False) -> Response:
    errors = errors or []
    concern_options = [(code, info["label"]) for code, info in form_choices()["concerns"].items()]
    context = {"a": answers, "form_key": drafts.seal_key(key), "errors": {e.field_id: e.message for e in errors},
               "error_summary": summary(errors), "choices_data": form_choices(), "concern_options": concern_options,
               "hubs_by_area": {area: hubs_in(area) for area in AREAS}, "prefilled": prefilled}
    return page(request, "share/form.html", context, 422 if errors else 200)


def _check(request: Request, answers: dict, key: str) -> Response:
    hub = recipient(answers["area"], answers["hub"])
    return page(request, "share/check.html", {"rows": answer_rows(answers), "draft": drafts.seal(answers, key),
                                              "recipient_name": f"{hub.name} at {hub.council}"})


def _consent(request: Request, answers: dict, key: str, error: str = "", status_code: int = 200) -> Response:
    consent = wording(answers["area"], answers["hub"])
    context = {"consent": consent, "draft": drafts.seal(answers, key), "errors": {"consent": error} if error else {},
               "error_summary": [{"field_id": "consent", "message": error}] if error else []}
    return page(request, "share/consent.html", context, status_code)


def _paused(request: Request, answers: dict, key: str, wait_seconds: int) -> Response:
    """429 that loses nothing: the answers go back sealed afresh, with a button to try again later."""
    hub = recipient(answers["area"], answers["hub"])
    response = page(request, "share/paused.html", {
        "draft": drafts.seal(answers, key), "draft_minutes": get_settings().share_draft_minutes,
        "wait_minutes": math.ceil(wait_seconds / 60), "recipient_name": f"{hub.name} at {hub.council}"}, 429)
    response.headers["Retry-After"] = str(wait_seconds)
    return response


def _opened_draft(request: Request, fields: dict[str, list[str]]) -> tuple[dict, str] | Response:
    if not csrf_ok(request, fields):
        return problem(request, 403, *FORGED, ("/share", "Start again"))
    try:
        answers, key = drafts.unseal(first(fields, "draft"))
    except drafts.DraftExpired:
        return problem(request, 400, *EXPIRED_DRAFT, ("/share", "Start again"))
    if forms.validate(answers):  # cannot happen with our own sealed drafts; checked anyway
        return problem(request, 400, *EXPIRED_DRAFT, ("/share", "Start again"))
    return answers, key


@router.get("/share")
def share_form(request: Request) -> Response:
    # Prefilled from this browser's own conversation only (its cookie), never from an id in the address.
    answers = prefill(conversation_of(request))
    return _form(request, answers, drafts.new_idempotency_key(), prefilled=bool(answers.get("noticed")))


@router.post("/share")
def check_answers(request: Request, fields: Fields) -> Response:
    if not csrf_ok(request, fields):
        return problem(request, 403, *FORGED, ("/share", "Start again"))
    # The key is made here and only ever travels sealed: a replayed or typed key cannot reach another story.
    key = drafts.unseal_key(first(fields, "form_key")) or drafts.new_idempotency_key()
    answers = forms.read_answers(fields)
    errors = forms.validate(answers)
    return _form(request, answers, key, errors) if errors else _check(request, answers, key)


@router.post("/share/change")
def change_answers(request: Request, fields: Fields) -> Response:
    opened = _opened_draft(request, fields)
    return opened if isinstance(opened, Response) else _form(request, *opened)


@router.post("/share/consent")
def consent_page(request: Request, fields: Fields) -> Response:
    opened = _opened_draft(request, fields)
    return opened if isinstance(opened, Response) else _consent(request, *opened)


@router.post("/share/send")
def send_story(request: Request, fields: Fields) -> Response:
    opened = _opened_draft(request, fields)
    if isinstance(opened, Response):
        return opened
    answers, key = opened
    consent = wording(answers["area"], answers["hub"])
    try:
        check_given(consent, first(fields, "consent") == "yes", first(fields, "consent_version"))
    except ConsentNotGiven as exc:
        return _consent(request, answers, key, str(exc), exc.status)
    if wait_seconds := take_story_place(request):  # per client, so scripts cannot flood a hub's queue
        return _paused(request, answers, key, wait_seconds)
    created = create_handoff(answers, key, consent)
    # Post/redirect/get: a refresh shows the same confirmation and never sends twice.
    return no_store(RedirectResponse(f"/my-story/{created.token}?sent=1", status_code=303))


def _story(request: Request, token: str) -> Response | HandoffView:
    try:
        return for_parent(token)
    except HandoffWithdrawn:
        return problem(request, 410, "You have deleted this story",
                       "You withdrew this story and we deleted it. Nobody can see it now.", ("/", "Back to the chat"))
    except HandoffNotFound:
        return problem(request, 404, *NOT_FOUND, ("/", "Back to the chat"))


@router.get("/my-story/{token}")
def my_story(request: Request, token: str, sent: str = "") -> Response:
    story = _story(request, token)
    if isinstance(story, Response):
        return story
    hub, status = recipient(story.area, story.hub), form_choices()["statuses"][story.status]
    return page(request, "share/story.html", {
        "story": story, "rows": answer_rows(story.answers), "sent": sent == "1", "story_url": f"/my-story/{token}",
        "story_url_full": str(request.url_for("my_story", token=token)), "recipient_name": f"{hub.name} at {hub.council}",
        "status_label": status["parent"], "status_class": status["tag"]})


@router.get("/my-story/{token}/print")
def print_story(request: Request, token: str) -> Response:
    story = _story(request, token)
    if isinstance(story, Response):
        return story
    return page(request, "share/print.html", {"story": story, "rows": answer_rows(story.answers), "notes": [],
                                              "heading": "My child's story", "back_url": f"/my-story/{token}"})


@router.get("/my-story/{token}/withdraw")
def confirm_withdraw(request: Request, token: str) -> Response:
    story = _story(request, token)
    if isinstance(story, Response):
        return story
    return page(request, "share/withdraw.html", {"reference": story.reference, "story_url": f"/my-story/{token}"})


@router.post("/my-story/{token}/withdraw")
def withdraw_story(request: Request, token: str, fields: Fields) -> Response:
    if not csrf_ok(request, fields):
        return problem(request, 403, *FORGED, (f"/my-story/{token}/withdraw", "Try again"))
    try:
        reference = withdraw(token)
    except (HandoffNotFound, HandoffWithdrawn):
        story = _story(request, token)
        return story if isinstance(story, Response) else problem(request, 404, *NOT_FOUND)
    return problem(request, 200, "Your story has been deleted",
                   f"We have deleted your story {reference} and your contact details. You can share a new story at any time.",
                   ("/", "Back to the chat"))
