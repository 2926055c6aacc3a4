"""OpenAPI conformance (issue 12): schemathesis runs every one of its checks against the app's own /openapi.json,
in process (no network), with a fixed seed and a bounded number of examples, so `make test` (and CI) runs it.

Every operation in the document is tested: the chat API, the health endpoints and the ORUK read API. The HTML
form routes are not in the document (include_in_schema=False); a test below keeps it that way.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from fastapi.routing import APIRoute
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import ASGIClient

from knowledge_base.directory.oruk_api import api_text
from knowledge_base.directory.postcode_districts import bundled_centroids, outward_code
from web.app import create_app

SEED = 12
# Fuzzing examples per operation; the coverage phase adds its own deterministic cases. Sized so the whole file
# stays well under two minutes on two cores.
EXAMPLES = 30
STATEFUL_EXAMPLES = 10

CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    # Every check, stated rather than left to the defaults, so that none can be switched off unnoticed.
    "checks": {"enabled": True},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
               "stateful": {"enabled": True}},
}
PROBLEM = api_text()["problems"]


def combines_full_and_minimal(case: schemathesis.Case, body: dict[str, Any]) -> bool:
    query = case.query or {}
    return (case.operation.path == "/oruk/services" and str(query.get("full")).lower() == "true"
            and str(query.get("minimal")).lower() == "true"
            and body.get("detail") == [{"field": "full", "problem": PROBLEM["full_and_minimal"]}])


def proximity_without_a_known_district(case: schemathesis.Case, body: dict[str, Any]) -> bool:
    query = case.query or {}
    if case.operation.path != "/oruk/service_at_locations" or "proximity" not in query:
        return False
    if "postcode" not in query:
        return body.get("detail") == [{"field": "proximity", "problem": PROBLEM["proximity_without_postcode"]}]
    district = outward_code(str(query["postcode"]))
    return (district is not None and district not in bundled_centroids()
            and [d["field"] for d in body.get("detail", [])] == ["postcode"])


def documented_rule_beyond_openapi(_ctx: Any, failure: Any, case: schemathesis.Case, response: Any) -> bool:
    """filter_failure: keeps every failure except a 422 for one of the two rules OpenAPI 3.1 cannot state.

    positive_data_acceptance expects every request the document allows to be answered 2xx. Two 422s of the ORUK
    API are correct answers to such requests, and neither rule can be written in OpenAPI: `full` and `minimal`
    are each valid, but not both true, and `proximity` needs a `postcode` (rules between two parameters), whose
    district's centre must be in the bundled table (a rule on data). Both are in the parameters' descriptions, their 422
    is documented with its body, and test_oruk_conformance.py checks them. Only a rejected-valid-data failure
    that is exactly one of these, with its precise problem in the body, is dropped; every other check stands.
    """
    if getattr(failure, "code", None) != "ST202" or response.status_code != 422:
        return True
    body = response.json()
    return not (combines_full_and_minimal(case, body) or proximity_without_a_known_district(case, body))


def openapi_document() -> dict[str, Any]:
    # The document the app serves at /openapi.json, made without starting the app, so that pytest can make one
    # test per operation when it collects this file.
    return APP.openapi()


APP = create_app()
schema = schemathesis.openapi.from_dict(openapi_document(), config=SchemathesisConfig.from_dict(CONFIG))
schema.hooks.register_hook_with_name(documented_rule_beyond_openapi, "filter_failure")


def in_process_client() -> ASGIClient:
    # Not entered as a context, so the app's lifespan does not run a second time: the app_client fixture has run
    # the start-up (index, models), whose state is the process's, once for the whole test session.
    return ASGIClient(APP)


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_every_operation_conforms_to_the_openapi_document(case, app_client):
    case.call_and_validate(session=in_process_client())


class OpenApiLinks(schema.as_state_machine()):  # type: ignore[misc]
    """Stateful phase: follows the document's links (a list's first id to its record), so the {id} endpoints
    are also tested with ids that exist, not only with made-up ones that get 404."""

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
        return {"session": in_process_client()}


@pytest.mark.usefixtures("app_client")
class TestOpenApiLinks(OpenApiLinks.TestCase):  # type: ignore[misc, valid-type]
    settings = settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=6, deadline=None, derandomize=True,
                        database=None, suppress_health_check=list(HealthCheck))


def test_the_document_covers_every_json_route_and_no_html_form():
    documented = {(method.upper(), path) for path, item in openapi_document()["paths"].items() for method in item}
    json_routes = {(method, route.path) for route in APP.routes if isinstance(route, APIRoute)
                   and route.path.startswith(("/api/", "/oruk")) for method in route.methods if method != "OPTIONS"}
    assert json_routes <= documented, json_routes - documented
    assert documented and all(path.startswith(("/api/", "/oruk")) for _method, path in documented)
