"""Content editors: guidance list and edit pages, review and publish, history, try a question, content gaps,
safety signposting and directory re-imports. Logic lives in knowledge_base/editorial; this only speaks HTTP."""

from __future__ import annotations


from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from core.areas import AREAS
from core.staff import StaffUser
from knowledge_base.directory.fetch import FeedError
from assistant import editorial_preview as preview
from knowledge_base.editorial import guidance, imports, signposting, workflow
from knowledge_base.editorial.content import AREA_CHOICES, TOPICS, document_of
from knowledge_base.editorial.forms import FormErrors, GuidanceForm
from assistant.content_gaps import gaps_report
from knowledge_base.editorial.models import SIGNPOSTING_ID
from web.deps import CONTENT_HOME, ContentForm, ContentStaff
from web.handoff_web import first, page, problem

router = APIRouter(include_in_schema=False)
BASE = CONTENT_HOME
STATUS_FILTERS = {"draft": "Draft", "in_review": "In review", "published": "Published", "unpublished": "Not published"}
DONE = {"saved": "Your draft has been saved.", "created": "Your new page has been saved as a draft.",
        "submitted": "The draft has been sent for review. Someone else must approve it.",
        "published": "Published. Parents get the new text from now on.", "sent_back": "The draft has been sent back with your comment.",
        "unpublished": "The page is unpublished. The assistant no longer uses it.",
        "restored": "The old version has been copied into a new draft. Send it for review to publish it."}


def _ctx(user: StaffUser, nav: str, **extra: object) -> dict:
    return {"user": user, "nav": nav, "can_edit": "editor" in user.capabilities,
            "can_approve": "approver" in user.capabilities, **extra}


def _summary(errors: dict[str, str]) -> list[dict]:
    return [{"field_id": k, "message": v} for k, v in errors.items()]


def _not_allowed(request: Request, user: StaffUser, exc: workflow.WorkflowError, back: str) -> Response:
    status = 404 if isinstance(exc, workflow.NotFound) else 403
    heading = "Page not found" if status == 404 else "You cannot do that"
    return page(request, "share/problem.html", {"user": user, "heading": heading, "message": str(exc),
                                                "link": (back, "Go back")}, status)


def _lock(fields: dict[str, list[str]]) -> int:
    value = first(fields, "lock")
    return int(value) if value.isdigit() and len(value) < 10 else -1  # -1 never matches: a conflict


# ---- list -----------------------------------------------------------------------------------------------

@router.get(BASE)
def content_list(request: Request, user: ContentStaff, q: str = "", topic: str = "", area: str = "", status: str = "") -> Response:
    q = q.strip()[:100]
    topic, area = (topic if topic in TOPICS else ""), (area if area in AREA_CHOICES else "")
    status = status if status in STATUS_FILTERS else ""
    rows = guidance.list_rows(q, topic, area, status)
    return page(request, "editor/list.html", _ctx(user, BASE, rows=rows, q=q, topic=topic, area=area, status=status,
                                                  topics=TOPICS, areas=AREA_CHOICES, statuses=STATUS_FILTERS))


# ---- fixed pages before /{doc_id} ----------------------------------------------------------------------

@router.get(f"{BASE}/new")
def new_page(request: Request, user: ContentStaff) -> Response:
    return _edit_page(request, user, None, GuidanceForm(ages="0-5", area="national"), new=True)


@router.post(f"{BASE}/new")
def create_page(request: Request, user: ContentStaff, fields: ContentForm) -> Response:
    form = GuidanceForm.from_post(fields, first(fields, "doc_id").strip()[:80])
    try:
        guidance.save(form, 0, user, new=True)
    except FormErrors as exc:
        return _edit_page(request, user, None, form, errors=exc.errors, status_code=422, new=True)
    except workflow.Conflict as exc:
        return _edit_page(request, user, None, form, errors={"doc_id": str(exc)}, status_code=409, new=True)
    except workflow.WorkflowError as exc:
        return _not_allowed(request, user, exc, BASE)
    return RedirectResponse(f"{BASE}/{form.doc_id}?done=created", 303)


@router.get(f"{BASE}/gaps")
def content_gaps(request: Request, user: ContentStaff, weeks: str = "12", area: str = "") -> Response:
    weeks_n = min(max(int(weeks), 1), 52) if weeks.strip().isdigit() and len(weeks) < 4 else 12
    area = area if area in AREAS or area == "none" else ""
    # Parents' (redacted) questions: an editor for one area sees only that area's.
    area, choices = (user.area, [user.area]) if user.area else (area, AREAS)
    report = gaps_report(weeks_n, area or None)
    return page(request, "editor/gaps.html", _ctx(user, f"{BASE}/gaps", report=report, weeks=weeks_n, area=area,
                                                  pilot_areas=choices, scoped=bool(user.area)))


# ---- signposting ----------------------------------------------------------------------------------------

def _signposting_page(request: Request, user: StaffUser, form: signposting.SignpostingForm | None = None,
                      errors: dict[str, str] | None = None, status_code: int = 200, message: str = "") -> Response:
    state = guidance.state(SIGNPOSTING_ID, "signposting")
    form = form or signposting.SignpostingForm.from_data(state.current.fields)
    errors = errors or {}
    return page(request, "editor/signposting.html", _ctx(
        user, f"{BASE}/signposting", state=state, form=form, errors=errors, error_summary=_summary(errors),
        message=message, route_labels=signposting.ROUTE_LABELS,
        area_names={a: i["name"] for a, i in state.current.fields["local"]["areas"].items()}), status_code)


@router.get(f"{BASE}/signposting")
def signposting_page(request: Request, user: ContentStaff, done: str = "") -> Response:
    return _signposting_page(request, user, message=DONE.get(done, ""))


@router.post(f"{BASE}/signposting/{{action}}")
def signposting_action(request: Request, action: str, user: ContentStaff, fields: ContentForm) -> Response:
    lock, back = _lock(fields), f"{BASE}/signposting"
    form = None
    try:
        if action == "save":
            areas = list(guidance.state(SIGNPOSTING_ID, "signposting").current.fields["local"]["areas"])
            form = signposting.SignpostingForm.from_post(fields, areas)
            signposting.save(form, lock, user)
            done = "saved"
        elif action == "submit":
            workflow.submit(SIGNPOSTING_ID, lock, user)
            done = "submitted"
        elif action == "approve":
            workflow.approve(SIGNPOSTING_ID, lock, user)
            done = "published"
        elif action == "send-back":
            workflow.send_back(SIGNPOSTING_ID, lock, user, first(fields, "comment")[:4000])
            done = "sent_back"
        else:
            return problem(request, 404, "Page not found", "That is not something you can do here.", (back, "Go back"))
    except FormErrors as exc:
        return _signposting_page(request, user, form, exc.errors, 422)
    except workflow.Conflict as exc:
        return _signposting_page(request, user, form, {"workflow": str(exc)}, 409)
    except workflow.NotAllowed as exc:
        field = "comment" if action == "send-back" and "comment" in str(exc) else "workflow"
        return _signposting_page(request, user, form, {field: str(exc)}, 422 if field == "comment" else 403)
    except workflow.WorkflowError as exc:
        return _not_allowed(request, user, exc, back)
    return RedirectResponse(f"{back}?done={done}", 303)


@router.get(f"{BASE}/signposting/history")
def signposting_history(request: Request, user: ContentStaff) -> Response:
    return page(request, "editor/history.html", _ctx(user, f"{BASE}/signposting", doc_id=SIGNPOSTING_ID,
                                                     title="Safety signposting", back=f"{BASE}/signposting",
                                                     entries=guidance.history(SIGNPOSTING_ID, signposting.as_text),
                                                     lock=workflow.current_lock(SIGNPOSTING_ID), can_restore=False))


# ---- directory ------------------------------------------------------------------------------------------

def _directory_page(request: Request, user: StaffUser, form: dict | None = None, errors: dict | None = None,
                    report: object = None, published: object = None, status_code: int = 200, message: str = "") -> Response:
    errors = errors or {}
    return page(request, "editor/directory.html", _ctx(
        user, f"{BASE}/directory", form=form or {}, errors=errors, error_summary=_summary(errors), report=report,
        published=published, message=message, waiting=imports.waiting(user), me=workflow.actor(user),
        pilot_areas=imports.import_areas(user)), status_code)


@router.get(f"{BASE}/directory")
def directory_page(request: Request, user: ContentStaff) -> Response:
    return _directory_page(request, user)


@router.post(f"{BASE}/directory")
def directory_import(request: Request, user: ContentStaff, fields: ContentForm) -> Response:
    form = {name: first(fields, name)[:600] for name in ("area", "source", "url")}
    try:
        report = imports.stage_import(form["area"], form["source"], form["url"], user)
    except FormErrors as exc:
        return _directory_page(request, user, form, exc.errors, status_code=422)
    except FeedError as exc:
        field = "url" if form["source"] == "url" else "area"
        return _directory_page(request, user, form, {field: f"The import failed and nothing was changed: {exc}"},
                               status_code=422)
    except workflow.WorkflowError as exc:
        return _not_allowed(request, user, exc, f"{BASE}/directory")
    return _directory_page(request, user, form, report=report)


@router.post(f"{BASE}/directory/{{batch_id}}/publish")
def directory_publish(request: Request, batch_id: int, user: ContentStaff, fields: ContentForm) -> Response:
    try:
        report = imports.publish(batch_id, user)
    except workflow.WorkflowError as exc:
        return _not_allowed(request, user, exc, f"{BASE}/directory")
    except FeedError as exc:
        return _not_allowed(request, user, workflow.WorkflowError(f"The import failed and nothing was changed: {exc}"),
                            f"{BASE}/directory")
    return _directory_page(request, user, published=report)


@router.post(f"{BASE}/directory/{{batch_id}}/discard")
def directory_discard(request: Request, batch_id: int, user: ContentStaff, fields: ContentForm) -> Response:
    try:
        imports.discard(batch_id, user)
    except workflow.WorkflowError as exc:
        return _not_allowed(request, user, exc, f"{BASE}/directory")
    return _directory_page(request, user, message="The import was discarded. The directory has not changed.")


# ---- one guidance page ----------------------------------------------------------------------------------

def _edit_page(request: Request, user: StaffUser, state: guidance.PageState | None, form: GuidanceForm,
               errors: dict[str, str] | None = None, status_code: int = 200, new: bool = False, message: str = "",
               previews: list | None = None, question: str = "", question_area: str = "", conflict: list | None = None,
               show_preview: bool = False) -> Response:
    errors = errors or {}
    return page(request, "editor/edit.html", _ctx(
        user, BASE, state=state, form=form, errors=errors, error_summary=_summary(errors), new=new, message=message,
        topics=TOPICS, areas=AREA_CHOICES, previews=previews, question=question, question_area=question_area,
        pilot_areas=AREAS, conflict=conflict, show_preview=show_preview, changes=guidance.pending_changes(state),
        own_change=bool(state and state.working and user.username in guidance.contributors(state.doc_id))), status_code)


def _state_or_404(request: Request, user: StaffUser, doc_id: str) -> guidance.PageState | Response:
    try:
        return guidance.state(doc_id[:80])
    except workflow.NotFound as exc:
        return _not_allowed(request, user, exc, BASE)


@router.get(f"{BASE}/{{doc_id}}")
def edit_page(request: Request, doc_id: str, user: ContentStaff, done: str = "", question: str = "", question_area: str = "") -> Response:
    state = _state_or_404(request, user, doc_id)
    if isinstance(state, Response):
        return state
    previews = None
    question = question.strip()[:preview.MAX_QUESTION_CHARS]
    question_area = question_area if question_area in AREAS else ""
    if question:
        live = document_of(doc_id, state.published.fields, state.published.body) if state.published else None
        draft = document_of(doc_id, state.working.fields, state.working.body) if state.working else None
        previews = preview.try_question(question, question_area or None, doc_id, live, draft)
    return _edit_page(request, user, state, guidance.form_for(state), message=DONE.get(done, ""), previews=previews,
                      question=question, question_area=question_area)


@router.post(f"{BASE}/{{doc_id}}/save")
def save_page(request: Request, doc_id: str, user: ContentStaff, fields: ContentForm) -> Response:
    state = _state_or_404(request, user, doc_id)
    if isinstance(state, Response):
        return state
    form = GuidanceForm.from_post(fields, state.doc_id)
    if first(fields, "action") == "preview":  # show the rendered text without saving it
        return _edit_page(request, user, state, form, show_preview=True)
    try:
        guidance.save(form, _lock(fields), user)
    except FormErrors as exc:
        return _edit_page(request, user, state, form, exc.errors, 422)
    except workflow.Conflict as exc:
        fresh = guidance.state(state.doc_id)  # the form now carries the latest lock: saving again is a choice
        return _edit_page(request, user, fresh, form, {"body": str(exc)}, 409,
                          conflict=guidance.conflict_diff(fresh, form))
    except workflow.WorkflowError as exc:
        return _not_allowed(request, user, exc, f"{BASE}/{state.doc_id}")
    return RedirectResponse(f"{BASE}/{state.doc_id}?done=saved", 303)


_ACTIONS = {"submit": "submitted", "approve": "published", "send-back": "sent_back", "unpublish": "unpublished"}


@router.post(f"{BASE}/{{doc_id}}/{{action}}")
def page_action(request: Request, doc_id: str, action: str, user: ContentStaff, fields: ContentForm) -> Response:
    state = _state_or_404(request, user, doc_id)
    if isinstance(state, Response):
        return state
    if action not in _ACTIONS:
        return problem(request, 404, "Page not found", "That is not something you can do here.", (BASE, "Back to content"))
    lock = _lock(fields)
    try:
        if action == "submit":
            outcome = workflow.submit(state.doc_id, lock, user)
        elif action == "approve":
            outcome = guidance.approve(state.doc_id, lock, user)
        elif action == "send-back":
            outcome = workflow.send_back(state.doc_id, lock, user, first(fields, "comment")[:4000])
        else:
            outcome = guidance.unpublish(state.doc_id, lock, user)
    except workflow.Conflict as exc:
        return _edit_page(request, user, guidance.state(state.doc_id), guidance.form_for(state), {"workflow": str(exc)}, 409)
    except workflow.NotAllowed as exc:
        field = "comment" if action == "send-back" and "comment" in str(exc) else "workflow"
        return _edit_page(request, user, state, guidance.form_for(state), {field: str(exc)}, 422 if field == "comment" else 403)
    except workflow.WorkflowError as exc:
        return _not_allowed(request, user, exc, f"{BASE}/{state.doc_id}")
    if outcome.index_note:
        return _edit_page(request, user, guidance.state(state.doc_id), guidance.form_for(guidance.state(state.doc_id)),
                          message=f"{outcome.message} {outcome.index_note}")
    return RedirectResponse(f"{BASE}/{state.doc_id}?done={_ACTIONS[action]}", 303)


@router.get(f"{BASE}/{{doc_id}}/history")
def page_history(request: Request, doc_id: str, user: ContentStaff) -> Response:
    state = _state_or_404(request, user, doc_id)
    if isinstance(state, Response):
        return state
    return page(request, "editor/history.html", _ctx(user, BASE, doc_id=state.doc_id, title=state.current.title,
                                                     back=f"{BASE}/{state.doc_id}", entries=guidance.history(state.doc_id),
                                                     lock=state.lock, can_restore=True))


@router.post(f"{BASE}/{{doc_id}}/versions/{{number}}/restore")
def restore_version(request: Request, doc_id: str, number: int, user: ContentStaff, fields: ContentForm) -> Response:
    try:
        workflow.restore(doc_id[:80], number, _lock(fields), user)
    except workflow.Conflict as exc:
        return problem(request, 409, "This page has changed", f"{exc} Open the history again to restore.",
                       (f"{BASE}/{doc_id[:80]}/history", "Version history"))
    except workflow.WorkflowError as exc:
        return _not_allowed(request, user, exc, f"{BASE}/{doc_id[:80]}")
    return RedirectResponse(f"{BASE}/{doc_id[:80]}?done=restored", 303)
