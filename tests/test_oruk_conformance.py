"""Conformance with the official ORUK v3.0 specification (shared/fixtures/oruk-v3-official): every response of
every endpoint validates against its official schema (draft 2020-12, formats checked), and the app's own
/openapi.json describes the endpoints, their parameters and their error bodies truthfully.

The validators here are built straight from the official files, not from the code under test.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from oruk_support import BUNDLED, OFFICIAL, oruk_client
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/"
FORMATS = Draft202012Validator.FORMAT_CHECKER
REGISTRY = Registry().with_resources(
    (SCHEMA_BASE + path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
    for path in (OFFICIAL / "schema").glob("*.json"))
SPEC = json.loads((OFFICIAL / "openapi.json").read_text())


def official(ref: str) -> Draft202012Validator:
    """ref: "service" or a pointer inside one, e.g. "service_list.json#/properties/contents/items"."""
    uri = SCHEMA_BASE + (ref if ".json" in ref else f"{ref}.json")
    return Draft202012Validator({"$ref": uri}, registry=REGISTRY, format_checker=FORMATS)


# Records that break the schema in the ways council feeds do: ids that are not UUIDs, a scheme-less url, a bad
# email, a term without a description, an organization without an id, a daily recurrence, a
# service_at_location without coordinates.
MESSY = [
    {"id": "messy-1", "name": "Messy Drop-in", "status": "open", "url": "www.example.org/messy", "email": "nobody",
     "last_modified": "2026-10-01T10:00:00+01:00",
     "organization": {"name": "Messy Trust", "website": "messy.example.org"},
     "attributes": [{"id": "messy-attr", "taxonomy_term": {"id": "messy-term", "name": "Messy things",
                                                           "taxonomy": "messy-vocabulary", "parent_id": "messy-root",
                                                           "term_uri": "not a uri"}}],
     "schedules": [{"id": "messy-daily", "freq": "DAILY", "opens_at": "09:00", "closes_at": "10:00"},
                   {"id": "messy-yearly", "freq": "YEARLY", "interval": 1, "description": "Every spring"}],
     "service_at_locations": [{"id": "messy-sal", "location": {"id": "messy-loc", "name": "Somewhere",
                                                               "addresses": [{"id": "a", "postal_code": "LS6 1AA"}]}}],
     "contacts": [{"id": "messy-contact", "name": "Front desk"}],
     "cost_options": [{"id": "messy-cost", "option": "Free"}]},
]


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    with oruk_client(tmp_path_factory.mktemp("oruk-conformance"), MESSY) as test_client:
        yield test_client


def pages(client: TestClient, path: str, **params: Any) -> Iterator[tuple[str, dict]]:
    number, last = 1, 1
    while number <= last:
        response = client.get(path, params={"per_page": 7, **params, "page": number})
        assert response.status_code == 200, (path, params, response.text)
        last, number = response.json()["total_pages"], number + 1
        yield str(response.request.url), response.json()


# (spec path, official schema of one item, extra parameters) of every list the walk pages through
LISTS = [("/services", "service", {}), ("/services", "service", {"full": "true"}),
         ("/services", "service", {"minimal": "true"}),
         ("/service_at_locations", "service_at_location", {}),
         ("/service_at_locations", "service_at_location", {"full": "true"}),
         ("/organizations", "organization", {}), ("/organizations", "organization", {"full": "true"}),
         ("/organizations", "organization", {"full_service": "true"}),
         ("/taxonomies", "taxonomy", {}), ("/taxonomy_terms", "taxonomy_term", {})]
FILTERED = [("/services", {"organization_id": "30438c28-d6ef-575d-9ae1-83a661a7c6c9"}),
            ("/services", {"modified_after": "2026-01-01"}), ("/services", {"taxonomy_id": "family-hub-services"}),
            ("/services", {"page": 99}), ("/service_at_locations", {"postcode": "LS12 3QT", "proximity": 8000}),
            ("/service_at_locations", {"postcode": "W12"}), ("/taxonomy_terms", {"top_only": "true"})]


def walk(client: TestClient) -> Iterator[tuple[str, str | None, str, Any]]:
    """(url, spec path or None for an ndjson line, official schema, body) for every response of every endpoint:
    every page of every list, every record by id, ndjson lines, and a sample of filters."""
    yield "/oruk/", "/", "api_details", client.get("/oruk/").json()
    for path, item, params in LISTS:
        ids = []
        for url, body in pages(client, f"/oruk{path}", **params):
            yield url, path, f"{item}_list", body
            ids += [record["id"] for record in body["contents"]]
        for record_id in ids if not params else []:
            response = client.get(f"/oruk{path}/{record_id}")
            assert response.status_code == 200, response.text
            yield f"/oruk{path}/{record_id}", f"{path}/{{id}}", item, response.json()
        ndjson = client.get(f"/oruk{path}", params={"format": "ndjson", **params})
        assert ndjson.headers["content-type"].startswith("application/x-ndjson")
        for number, line in enumerate(ndjson.text.splitlines(), start=1):
            item_schema = f"{item}_list.json#/properties/contents/items"
            yield f"{ndjson.request.url} line {number}", None, item_schema, json.loads(line)
    for org in client.get("/oruk/organizations").json()["contents"]:
        url = f"/oruk/organizations/{org['id']}?full_service=true"
        yield url, "/organizations/{id}", "organization", client.get(url).json()
    for path, params in FILTERED:
        response = client.get(f"/oruk{path}", params=params)
        item = next(item for list_path, item, _ in LISTS if list_path == path)
        yield str(response.request.url), path, f"{item}_list", response.json()


def test_the_format_checks_really_run():
    assert {"uuid", "uri", "email", "date-time"} <= set(FORMATS.checkers)
    api = official("api_details")
    relative = {"version": "3.0", "profile": "https://openreferraluk.org/", "openapi_url": "/openapi.json"}
    assert not api.is_valid(relative)
    service, good = official("service"), {"id": "ac148810-d857-441c-9679-408f346de14b", "name": "A", "status": "active"}
    assert service.is_valid(good)
    for bad in ({"id": "not-a-uuid"}, {"url": "www.example.org"}, {"last_modified": "yesterday"}, {"email": "nobody"}):
        assert not service.is_valid({**good, **bad}), bad


def test_every_response_of_every_endpoint_validates(client):
    checked, invalid, failures = Counter(), Counter(), []
    for url, _path, schema, body in walk(client):
        checked[schema.split(".json")[0] + (" (ndjson line)" if ".json#" in schema else "")] += 1
        errors = [f"{url} ({schema}): {'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in official(schema).iter_errors(body)]
        invalid[schema] += bool(errors)
        failures += errors
    total = sum(checked.values())
    print(f"ORUK v3 conformance: {total - sum(invalid.values())} of {total} responses valid against {OFFICIAL}: "
          + ", ".join(f"{name} {n}" for name, n in sorted(checked.items())))
    assert total > 250
    assert not failures, "\n".join(failures[:20])


def test_every_endpoint_of_the_specification_answers(client):
    service = client.get("/oruk/services").json()["contents"][0]["id"]
    ids = {"services": service,
           "service_at_locations": client.get("/oruk/service_at_locations").json()["contents"][0]["id"],
           "organizations": client.get("/oruk/organizations").json()["contents"][0]["id"],
           "taxonomies": client.get("/oruk/taxonomies").json()["contents"][0]["id"],
           "taxonomy_terms": client.get("/oruk/taxonomy_terms").json()["contents"][0]["id"]}
    for path in SPEC["paths"]:
        url = "/oruk" + path.replace("{id}", ids.get(path.split("/")[1], ""))
        assert client.get(url).status_code == 200, url


def test_bundled_schema_copies_are_the_official_files():
    copies = sorted((BUNDLED / "oruk-v3-schema").glob("*.json"))
    assert len(copies) == 22
    for copy in copies:
        assert copy.read_bytes() == (OFFICIAL / "schema" / copy.name).read_bytes(), copy.name


def test_messy_feed_records_are_served_conforming(client):
    from knowledge_base.directory.oruk_records import public_id

    body = client.get("/oruk/services/messy-1").json()  # the feed's own id still finds it
    official("service").validate(body)
    assert body["id"] == public_id("messy-1") != "messy-1"
    assert client.get(f"/oruk/services/{body['id']}").json() == body
    assert "url" not in body and "email" not in body and body["status"] == "active"
    assert body["last_modified"] == "2026-10-01T09:00:00Z"  # the feed's +01:00 applied, not dropped
    daily, yearly = body["schedules"]
    assert (daily["freq"], daily["byday"]) == ("WEEKLY", "MO,TU,WE,TH,FR,SA,SU")
    assert "freq" not in yearly and yearly["description"] == "Every spring"
    term = body["attributes"][0]["taxonomy_term"]
    assert term["description"] == "Messy things" and "term_uri" not in term
    assert term["parent_id"] == public_id("messy-root")
    assert body["organization"]["name"] == "Messy Trust" and "website" not in body["organization"]
    address = body["service_at_locations"][0]["location"]["addresses"][0]
    assert address["postal_code"] == "LS6 1AA" and address["city"] == ""


# The app's own OpenAPI document ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def openapi(client) -> dict:
    return client.get("/openapi.json").json()


def documented(openapi: dict, ref: str) -> Draft202012Validator:
    """A validator for a schema as the app's /openapi.json gives it (its components, resolved in-document)."""
    registry = Registry().with_resource("urn:app-openapi", Resource.from_contents(openapi, DRAFT202012))
    return Draft202012Validator({"$ref": "urn:app-openapi" + ref.removeprefix("urn:app-openapi")},
                                registry=registry, format_checker=FORMATS)


def operation(openapi: dict, path: str) -> dict:
    return openapi["paths"]["/oruk" + path]["get"]


def spec_parameters(path: str) -> set[str]:
    item = SPEC["paths"][path]
    names = set()
    for parameter in item.get("parameters", []) + item["get"].get("parameters", []):
        if "$ref" in parameter:
            parameter = SPEC["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        names.add(parameter["name"])
    return names


def official_schema(uri: str) -> dict:
    return json.loads((OFFICIAL / "schema" / uri.rsplit("/", 1)[-1]).read_text())


def test_openapi_documents_every_endpoint_and_parameter_of_the_specification(openapi):
    for path, item in SPEC["paths"].items():
        op = operation(openapi, path)
        assert op["operationId"] == item["get"]["operationId"]  # clients generated from the spec find them
        names = {p["name"] for p in op.get("parameters", [])}
        assert spec_parameters(path) <= names, (path, spec_parameters(path) - names)
        assert all(p.get("description") for p in op.get("parameters", [])), path
        ours = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        component = openapi["components"]["schemas"][ours.rsplit("/", 1)[-1]]
        theirs = official_schema(item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"])
        assert (component.get("properties", {}).keys(), component.get("required")) == \
            (theirs.get("properties", {}).keys(), theirs.get("required")), path
        assert "openreferraluk.org/specifications" not in json.dumps(component)  # readable offline
        if "{id}" in path:
            assert "404" in op["responses"], path
        if any(p["in"] == "query" for p in op.get("parameters", [])):
            assert "422" in op["responses"], path
        for status in ("404", "422"):
            if status in op["responses"]:
                assert op["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/OrukError")


def test_openapi_200_schemas_match_the_responses(client, openapi):
    # The app's document alone (no network, no other file) is enough to check the real answers.
    checked = 0
    for _url, path, _schema, body in walk(client):
        if path is not None:
            documented(openapi, operation(openapi, path)["responses"]["200"]["content"]["application/json"]["schema"]
                       ["$ref"]).validate(body)
            checked += 1
    assert checked > 200


BAD_VALUES = [
    ("/services", {"page": "0"}), ("/services", {"page": "-1"}), ("/services", {"page": "two"}),
    ("/services", {"per_page": "0"}), ("/services", {"per_page": "501"}), ("/services", {"per_page": "1.5"}),
    ("/services", {"modified_after": "notadate"}), ("/services", {"modified_after": "2026-13-45"}),
    # Found by schemathesis (issue 12): an empty value was taken as no filter; a time without its zone is not the
    # documented date-time; a day or an age the document does not allow.
    ("/services", {"modified_after": ""}), ("/services", {"modified_after": "2026-09-01T09:00:00"}),
    ("/service_at_locations", {"modified_after": ""}), ("/services", {"day": ""}), ("/services", {"day": "sat"}),
    ("/services", {"minimum_age": "inf"}), ("/services", {"maximum_age": "nan"}),
    ("/services", {"minimal": "maybe"}), ("/services", {"full": "2"}), ("/services", {"format": "xml"}),
    ("/services", {"full": "true", "minimal": "true"}), ("/services", {"start_time": "teatime"}),
    ("/services", {"day": "someday"}), ("/services", {"minimum_age": "young"}),
    ("/service_at_locations", {"postcode": "not a postcode"}), ("/service_at_locations", {"proximity": "5000"}),
    ("/service_at_locations", {"postcode": "LS12", "proximity": "-5"}),
    ("/service_at_locations", {"postcode": "LS12", "proximity": "far"}),
    ("/service_at_locations", {"postcode": "LS12", "proximity": "nan"}),
    ("/service_at_locations", {"postcode": "M1 1AA", "proximity": "5000"}),
    ("/organizations", {"full_service": "perhaps"}), ("/organizations", {"page": "0"}),
    ("/organizations/30438c28-d6ef-575d-9ae1-83a661a7c6c9", {"full_service": "perhaps"}),
    ("/taxonomies", {"per_page": "0"}), ("/taxonomy_terms", {"top_only": "sometimes"}),
    ("/services/00000000-0000-4000-8000-000000000000", {}), ("/services/no-such-service", {}),
    ("/service_at_locations/no-such-sal", {}), ("/organizations/no-such-org", {}),
    ("/taxonomies/no-such-taxonomy", {}), ("/taxonomy_terms/no-such-term", {}),
]


@pytest.mark.parametrize(("path", "params"), BAD_VALUES)
def test_bad_input_gets_a_documented_4xx_with_words(client, openapi, path, params):
    response = client.get("/oruk" + path, params=params)
    template = path if path.count("/") == 1 else path.rsplit("/", 1)[0] + "/{id}"
    responses = operation(openapi, template)["responses"]
    assert 400 <= response.status_code < 500 and str(response.status_code) in responses, response.status_code
    assert response.headers["access-control-allow-origin"] == "*"
    documented(openapi, responses[str(response.status_code)]["content"]["application/json"]["schema"]["$ref"]).validate(
        response.json())
    body = response.json()
    assert body["error"] and len(body["error"]) > 20
    if response.status_code == 422:
        assert {d["field"] for d in body["detail"]} & set(params), body
