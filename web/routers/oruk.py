"""ORUK v3 read API: GET /oruk/services and /oruk/services/{id}. Open data: CORS *, no key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from knowledge_base.directory.oruk_api import get_service, list_services, parse_clock

CORS_HEADERS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS",
                "Access-Control-Allow-Headers": "*"}


def allow_any_origin(response: Response) -> None:
    response.headers.update(CORS_HEADERS)


router = APIRouter(prefix="/oruk", tags=["Open Referral UK"], dependencies=[Depends(allow_any_origin)])


@router.get("/")
def about() -> dict[str, Any]:
    return {"version": "3.0", "profile": "https://openreferraluk.org/", "openapi_url": "/openapi.json"}


@router.get("/services")
def services(page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=500), search: str | None = None,
             taxonomy_term_id: str | None = None, minimum_age: float | None = None,
             maximum_age: float | None = None, day: str | None = None, start_time: str | None = None,
             end_time: str | None = None) -> dict[str, Any]:
    try:
        start, end = parse_clock(start_time), parse_clock(end_time)
    except ValueError:
        raise HTTPException(422, "start_time and end_time must look like 14:30", headers=CORS_HEADERS) from None
    return list_services(page, per_page, search=search, taxonomy_term_id=taxonomy_term_id, minimum_age=minimum_age,
                         maximum_age=maximum_age, day=day, start_time=start, end_time=end)


@router.get("/services/{service_id}")
def service(service_id: str) -> dict[str, Any]:
    found = get_service(service_id)
    if found is None:
        raise HTTPException(404, f"no service with id {service_id}", headers=CORS_HEADERS)
    return found


@router.options("/{path:path}", include_in_schema=False)
def preflight(path: str) -> Response:
    return Response(status_code=204, headers=CORS_HEADERS)
