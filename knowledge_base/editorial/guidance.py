"""Guidance pages for the editor routes: validate the form, then run the workflow step with the index hooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from core.database import session_scope
from core.staff import StaffUser
from knowledge_base.editorial import workflow
from knowledge_base.editorial.content import fields_of, to_markdown
from knowledge_base.editorial.diff import DiffLine, readable_diff
from knowledge_base.editorial.forms import GuidanceForm, validate
from knowledge_base.editorial.models import EditorialDocument, EditorialVersion
from knowledge_base.editorial.store import ListRow, list_guidance, published, versions, working


@dataclass
class VersionView:
    number: int
    status: str
    author: str
    submitted_by: str | None
    reviewer: str | None
    comment: str | None
    restored_from: int | None
    created_at: object
    decided_at: object
    title: str
    fields: dict
    body: str

    @property
    def markdown(self) -> str:
        return to_markdown("", self.fields, self.body)


def _view(version: EditorialVersion) -> VersionView:
    return VersionView(version.number, version.status, version.author, version.submitted_by, version.reviewer,
                       version.comment, version.restored_from, version.created_at, version.decided_at,
                       version.fields.get("title", ""), dict(version.fields), version.body)


@dataclass
class PageState:
    doc_id: str
    lock: int
    published: VersionView | None
    working: VersionView | None
    latest: VersionView | None = None  # only when neither published nor in progress (after unpublishing)

    @property
    def current(self) -> VersionView:
        """What the editor works on: the draft if there is one, else the published text."""
        shown = self.working or self.published or self.latest
        assert shown is not None
        return shown


def state(doc_id: str, kind: str = "guidance") -> PageState:
    with session_scope() as session:
        doc = session.get(EditorialDocument, doc_id)
        if doc is None or doc.kind != kind:
            raise workflow.NotFound("There is no page with that id")
        live, work = published(session, doc_id), working(session, doc_id)
        if live is None and work is None:  # unpublished with no draft: edit from the latest version
            latest = session.scalar(select(EditorialVersion).where(EditorialVersion.document_id == doc_id)
                                    .order_by(EditorialVersion.number.desc()).limit(1))
            if latest is None:
                raise workflow.NotFound("There is no page with that id")
            latest_view = _view(latest)
            latest_view.status = "unpublished"  # shown as the starting point for a new draft
            return PageState(doc_id, doc.lock_version, None, None, latest_view)
        return PageState(doc_id, doc.lock_version, _view(live) if live else None, _view(work) if work else None)


def history(doc_id: str, as_text: Callable[[dict], str] | None = None) -> list[tuple[VersionView, list[DiffLine]]]:
    """Every version, newest first, each with its changes from the version before it."""
    with session_scope() as session:
        if session.get(EditorialDocument, doc_id) is None:
            raise workflow.NotFound("There is no page with that id")
        views = [_view(v) for v in versions(session, doc_id)]
    text = (lambda v: as_text(v.fields)) if as_text else (lambda v: v.markdown)
    out = []
    for i, view in enumerate(views):
        before = text(views[i + 1]) if i + 1 < len(views) else ""
        out.append((view, readable_diff(before, text(view))))
    return out


def list_rows(query: str, topic: str, area: str, status: str) -> list[ListRow]:
    return list_guidance(query, topic, area, status)


def contributors(doc_id: str) -> set[str]:
    with session_scope() as session:
        return workflow.contributors(session, doc_id)


def form_for(page: PageState) -> GuidanceForm:
    current = page.current
    return GuidanceForm.from_version(page.doc_id, current.fields, current.body)


def save(form: GuidanceForm, lock: int, user: StaffUser, new: bool = False) -> workflow.Outcome:
    """Raises forms.FormErrors (field errors), workflow.Conflict or workflow.NotAllowed."""
    workflow.require(user, "editor")
    document = validate(form)
    if new:
        return workflow.create(document.id, "guidance", fields_of(document), document.body, user)
    return workflow.save(document.id, fields_of(document), document.body, lock, user)


def approve(doc_id: str, lock: int, user: StaffUser) -> workflow.Outcome:
    return workflow.approve(doc_id, lock, user, on_publish=workflow.reindex_guidance)


def unpublish(doc_id: str, lock: int, user: StaffUser) -> workflow.Outcome:
    return workflow.unpublish(doc_id, lock, user, on_unpublish=workflow.remove_guidance)


def conflict_diff(latest: PageState, form: GuidanceForm) -> list[DiffLine]:
    """What differs between the latest saved text and the text this editor tried to save."""
    return readable_diff(latest.current.body, form.body.strip())


def pending_changes(page: PageState | None) -> list[DiffLine] | None:
    """For reviewers: what the draft changes in the published page (everything, when nothing is published)."""
    if page is None or page.working is None:
        return None
    return readable_diff(page.published.markdown if page.published else "", page.working.markdown)
