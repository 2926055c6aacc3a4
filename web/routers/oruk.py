"""ORUK v3 read API under /oruk: the specification's required endpoints (/, /services, /services/{id}) and its
optional ones (organizations, taxonomies, taxonomy terms, services at locations). Open data: CORS *, no key.

Routes read parameters and call knowledge_base.directory.oruk_api. Every answer carries the CORS headers and
every error has one body (OrukError), whichever app mounts the router, because OrukRoute handles them itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from knowledge_base.directory import oruk_api
from knowledge_base.directory.oruk_api import Listing, Paging, PlaceQuery, QueryError, ServiceQuery
from knowledge_base.directory.oruk_schema_models import schema_model
from knowledge_base.directory.postcode_districts import POSTCODE_PATTERN

CORS_HEADERS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS",
                "Access-Control-Allow-Headers": "*"}
NDJSON = "application/x-ndjson"
CLOCK = oruk_api.CLOCK_PATTERN
TEXT = oruk_api.api_text()
ABOUT, PARAMETER, PROBLEM, ERRORS = TEXT["endpoints"], TEXT["parameters"], TEXT["problems"], TEXT["errors"]


class OrukProblem(BaseModel):
    field: str
    problem: str


class OrukError(BaseModel):
    """Every error answer: `error` in words, and for bad parameters one `detail` entry per parameter."""

    error: str
    detail: list[OrukProblem] = []


def error_response(status: int, message: str, problems: list[OrukProblem] | None = None) -> JSONResponse:
    body = OrukError(error=message, detail=problems or [])
    return JSONResponse(body.model_dump(), status_code=status, headers=CORS_HEADERS)


def bad_request(problems: list[OrukProblem]) -> JSONResponse:
    unique = list(dict.fromkeys(p.problem for p in problems))
    return error_response(422, ERRORS["bad_request"].format(problems=" ".join(unique)), problems)


def validation_problems(exc: RequestValidationError) -> list[OrukProblem]:
    problems = []
    for error in exc.errors():
        field = next((str(p) for p in reversed(error.get("loc", ())) if isinstance(p, str)), "")
        problems.append(OrukProblem(field=field, problem=PROBLEM.get(field, PROBLEM["unknown"])))
    return problems


class OrukRoute(APIRoute):
    """Adds the CORS headers to every answer and turns bad input into OrukError bodies (never a bare 500)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_with_errors(request: Request) -> Response:
            try:
                response = await handle(request)
            except RequestValidationError as exc:
                return bad_request(validation_problems(exc))
            except QueryError as exc:
                return bad_request([OrukProblem(field=exc.field, problem=exc.problem)])
            except HTTPException as exc:
                return error_response(exc.status_code, str(exc.detail))
            response.headers.update(CORS_HEADERS)
            return response

        return handle_with_errors


router = APIRouter(prefix="/oruk", tags=["Open Referral UK"], route_class=OrukRoute)


# Shared parameters -----------------------------------------------------------------------------------------

def paging(page: Annotated[int, Query(ge=1, description=PARAMETER["page"])] = 1,
           per_page: Annotated[int | None, Query(ge=1, le=oruk_api.MAX_PER_PAGE,
                                                 description=PARAMETER["per_page"])] = None,
           format: Annotated[Literal["json", "ndjson"], Query(description=PARAMETER["format"])] = "json",
           ) -> Paging:
    return Paging(page=page, per_page=per_page, everything=format == "ndjson")


Search = Annotated[str | None, Query(description=PARAMETER["search"])]
# What oruk_api.parse_moment takes, for the document (the specification says date-time; a date is accepted too).
MOMENT_FORMATS = [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]


def service_filters(
    search: Search = None,
    taxonomy_term_id: Annotated[str | None, Query(description=PARAMETER["taxonomy_term_id"])] = None,
    taxonomy_id: Annotated[str | None, Query(description=PARAMETER["taxonomy_id"])] = None,
    organization_id: Annotated[str | None, Query(description=PARAMETER["organization_id"])] = None,
    modified_after: Annotated[str | None, Query(description=PARAMETER["modified_after"],
                                                json_schema_extra={"anyOf": MOMENT_FORMATS})] = None,
) -> ServiceQuery:
    return ServiceQuery(search=search, taxonomy_term_id=taxonomy_term_id, taxonomy_id=taxonomy_id,
                        organization_id=organization_id, modified_after=modified_after)


PagingParams = Annotated[Paging, Depends(paging)]
ServiceFilters = Annotated[ServiceQuery, Depends(service_filters)]
Full = Annotated[bool, Query(description=PARAMETER["full"])]
FullService = Annotated[bool, Query(description=PARAMETER["full_service"])]
RecordId = Annotated[str, Path(description=PARAMETER["id"])]


# OpenAPI: 200 bodies are the official schemas; errors are OrukError --------------------------------------

# The specification's operationIds, verbatim (it swaps the two taxonomy_terms ones), so that clients generated
# from the official openapi.json find the same names here.
OPERATION = {
    "about": "getAPIMetaInformation", "services": "getPaginatedListOfServices",
    "service": "getFullyNestedServiceById", "service_at_locations": "getPaginatedListOfServiceAtLocation",
    "service_at_location": "getServiceAtLocationWithNestedDataById",
    "organizations": "getPaginatedListOfOrganizations", "organization": "getOrganizationById",
    "taxonomies": "getPaginatedListOfTaxonomies", "taxonomy": "getTaxonomyById",
    "taxonomy_terms": "getTaxonomyTermById", "taxonomy_term": "getPaginatedListOfTaxonomyTerms",
}
# OpenAPI links: where in an answer the id for another endpoint is (documentation, and stateful API testers).
LINKS = {
    "services": {"service": "/contents/0/id", "organization": "/contents/0/organization_id"},
    "service": {"organization": "/organization_id", "service_at_location": "/service_at_locations/0/id",
                "taxonomy_term": "/attributes/0/taxonomy_term_id"},
    "service_at_locations": {"service_at_location": "/contents/0/id", "service": "/contents/0/service_id"},
    "organizations": {"organization": "/contents/0/id"}, "organization": {"service": "/services/0/id"},
    "taxonomies": {"taxonomy": "/contents/0/id"}, "taxonomy": {"taxonomy_term": "/taxonomy_terms/0/id"},
    "taxonomy_terms": {"taxonomy_term": "/contents/0/id", "taxonomy": "/contents/0/taxonomy_id"},
}


def body(endpoint: str, schema_name: str, listing: bool = False) -> dict[int | str, dict[str, Any]]:
    ok: dict[str, Any] = {"model": schema_model(schema_name), "description": f"The specification's {schema_name}."}
    if listing:
        ok["content"] = {NDJSON: {"schema": {"type": "string", "description": "format=ndjson: one JSON object a line"}}}
    if endpoint in LINKS:
        ok["links"] = {target: {"operationId": OPERATION[target], "parameters": {"id": f"$response.body#{pointer}"}}
                       for target, pointer in LINKS[endpoint].items()}
    return {200: ok}


NOT_FOUND = {404: {"model": OrukError, "description": ERRORS["responses"][404]}}
# Documented on every route: FastAPI would otherwise describe its own validation body, which this router replaces.
BAD_VALUE = {422: {"model": OrukError, "description": ERRORS["responses"][422]}}


def endpoint(path: str, name: str, schema_name: str, listing: bool = False) -> Callable[..., Any]:
    """router.get with the specification's operationId, the official 200 schema and the error bodies."""
    errors = {**NOT_FOUND, **BAD_VALUE} if "{id}" in path else BAD_VALUE if path != "/" else {}
    return router.get(path, response_model=None, operation_id=OPERATION[name], summary=ABOUT[name]["summary"],
                      description=ABOUT[name]["description"], responses={**body(name, schema_name, listing), **errors})


def listing_response(listing: Listing) -> Any:
    if isinstance(listing, list):  # format=ndjson
        return Response("".join(json.dumps(item) + "\n" for item in listing), media_type=NDJSON)
    return listing


def found(record: dict[str, Any] | None, kind: str, wanted: str) -> dict[str, Any]:
    if record is None:
        raise HTTPException(404, ERRORS["not_found"].format(kind=kind, id=wanted[:100]))
    return record


# Endpoints -------------------------------------------------------------------------------------------------

@endpoint("/", "about", "api_details")
def about(request: Request) -> dict[str, Any]:
    # Absolute, as the schema's format: uri requires, and right behind a proxy (base_url has the root path).
    return oruk_api.api_details(str(request.base_url).rstrip("/") + (request.app.openapi_url or "/openapi.json"))


@endpoint("/services", "services", "service_list", listing=True)
def services(
    filters: ServiceFilters, pages: PagingParams,
    minimal: Annotated[bool, Query(description=PARAMETER["minimal"])] = False, full: Full = False,
    minimum_age: Annotated[float | None, Query(allow_inf_nan=False, description=PARAMETER["minimum_age"])] = None,
    maximum_age: Annotated[float | None, Query(allow_inf_nan=False, description=PARAMETER["maximum_age"])] = None,
    day: Annotated[str | None, Query(pattern=oruk_api.DAY_PATTERN, description=PARAMETER["day"])] = None,
    start_time: Annotated[str | None, Query(pattern=CLOCK, description=PARAMETER["start_time"])] = None,
    end_time: Annotated[str | None, Query(pattern=CLOCK, description=PARAMETER["end_time"])] = None,
) -> Any:
    query = replace(filters, minimum_age=minimum_age, maximum_age=maximum_age, day=day, start_time=start_time,
                    end_time=end_time)
    return listing_response(oruk_api.list_services(query, pages, full=full, minimal=minimal))


@endpoint("/services/{id}", "service", "service")
def service(id: RecordId) -> dict[str, Any]:  # `id`: the specification's name for the path parameter
    return found(oruk_api.get_service(id), "service", id)


@endpoint("/service_at_locations", "service_at_locations", "service_at_location_list", listing=True)
def service_at_locations(
    filters: ServiceFilters, pages: PagingParams, full: Full = False,
    postcode: Annotated[str | None, Query(pattern=POSTCODE_PATTERN, description=PARAMETER["postcode"])] = None,
    proximity: Annotated[float | None, Query(gt=0, allow_inf_nan=False, description=PARAMETER["proximity"])] = None,
) -> Any:
    place = PlaceQuery(postcode=postcode, proximity=proximity)
    return listing_response(oruk_api.list_service_at_locations(filters, place, pages, full=full))


@endpoint("/service_at_locations/{id}", "service_at_location", "service_at_location")
def service_at_location(id: RecordId) -> dict[str, Any]:
    return found(oruk_api.get_service_at_location(id), "service at location", id)


@endpoint("/organizations", "organizations", "organization_list", listing=True)
def organizations(pages: PagingParams, search: Search = None, full: Full = False,
                  full_service: FullService = False) -> Any:
    return listing_response(oruk_api.list_organizations(search, pages, full=full, full_service=full_service))


@endpoint("/organizations/{id}", "organization", "organization")
def organization(id: RecordId, full_service: FullService = False) -> dict[str, Any]:
    return found(oruk_api.get_organization(id, full_service=full_service), "organization", id)


@endpoint("/taxonomies", "taxonomies", "taxonomy_list", listing=True)
def taxonomies(pages: PagingParams, search: Search = None) -> Any:
    return listing_response(oruk_api.list_taxonomies(search, pages))


@endpoint("/taxonomies/{id}", "taxonomy", "taxonomy")
def taxonomy(id: RecordId) -> dict[str, Any]:
    return found(oruk_api.get_taxonomy(id), "taxonomy", id)


@endpoint("/taxonomy_terms", "taxonomy_terms", "taxonomy_term_list", listing=True)
def taxonomy_terms(
    pages: PagingParams, search: Search = None,
    taxonomy_id: Annotated[str | None, Query(description=PARAMETER["taxonomy_id"])] = None,
    top_only: Annotated[bool, Query(description=PARAMETER["top_only"])] = False,
    parent_id: Annotated[str | None, Query(description=PARAMETER["parent_id"])] = None,
) -> Any:
    return listing_response(oruk_api.list_taxonomy_terms(search, pages, taxonomy=taxonomy_id, top_only=top_only,
                                                         parent_id=parent_id))


@endpoint("/taxonomy_terms/{id}", "taxonomy_term", "taxonomy_term")
def taxonomy_term(id: RecordId) -> dict[str, Any]:
    return found(oruk_api.get_taxonomy_term(id), "taxonomy term", id)


def preflight() -> Response:
    return Response(status_code=204)


def add_preflights(api: APIRouter) -> None:
    # On each endpoint's own path: a catch-all OPTIONS route would turn an unknown path's 404 into a 405.
    for path in sorted({route.path for route in api.routes if isinstance(route, APIRoute)}):
        api.add_api_route(path.removeprefix(api.prefix), preflight, methods=["OPTIONS"], include_in_schema=False)


add_preflights(router)
