"""Insights for area managers and admins (charts with tables, a download of the same suppressed figures), and
parents' survey comments for the editors of their area. Routes only call assistant.insights."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from assistant.insights import page as insights
from assistant.insights.survey import comments_for
from web.deps import ContentStaff, Staff
from web.handoff_web import no_store, page

router = APIRouter(include_in_schema=False)
DateText = Annotated[str, Query(max_length=40)]


def _refused(request: Request, user, message: str) -> Response:
    return page(request, "share/problem.html", {"user": user, "heading": "You cannot see this page",
                                                 "message": message, "link": None}, 403)


def _filters(request: Request, user, area: str, date_from: str, date_to: str) -> insights.Filters | Response:
    try:
        return insights.read_filters(user, area, date_from, date_to)
    except insights.NotAllowed as exc:
        return _refused(request, user, str(exc))
    except insights.BadFilter as exc:
        return page(request, "staff/insights.html", {
            "user": user, "nav": "/staff/insights", "view": None, "area_options": insights.area_options(user),
            "chosen": {"area": area, "from": date_from, "to": date_to}, "errors": {exc.field_id: exc.message},
            "error_summary": [{"field_id": exc.field_id, "message": exc.message}]}, 422)


@router.get("/staff/insights")
def insights_page(request: Request, user: Staff, area: Annotated[str, Query(max_length=40)] = "",
                  date_from: Annotated[str, Query(alias="from", max_length=40)] = "",
                  date_to: Annotated[str, Query(alias="to", max_length=40)] = "") -> Response:
    filters = _filters(request, user, area, date_from, date_to)
    if isinstance(filters, Response):
        return filters
    view = insights.view(user, filters)
    return page(request, "staff/insights.html", {
        "user": user, "nav": "/staff/insights", "view": view, "area_options": view.area_options,
        "chosen": {"area": filters.area, "from": filters.date_from, "to": filters.date_to}, "errors": {},
        "download_query": request.url.query})


@router.get("/staff/insights/download")
def insights_download(request: Request, user: Staff, area: Annotated[str, Query(max_length=40)] = "",
                      date_from: Annotated[str, Query(alias="from", max_length=40)] = "",
                      date_to: Annotated[str, Query(alias="to", max_length=40)] = "") -> Response:
    filters = _filters(request, user, area, date_from, date_to)
    if isinstance(filters, Response):
        return filters
    body = insights.as_download(filters)
    name = f"family-hub-insights-{filters.area}.zip"
    return no_store(Response(body, media_type="application/zip",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'}))


@router.get("/staff/survey-comments")
def survey_comments(request: Request, user: ContentStaff) -> Response:
    return page(request, "staff/survey_comments.html", {
        "user": user, "nav": "/staff/survey-comments", "comments": comments_for(user)})
