"""The ORUK v3 read API: responses validate against the profile schemas (local files only), filters, CORS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory_db import forget_fresh_db, use_fresh_db

PROFILE = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "oruk-v3-profile"
# Nested objects in HSDS 3.0 and the profile file that describes each.
LINKS = {
    "service": {"schedules": "schedule", "service_at_locations": "service_at_location", "cost_options": "cost_option",
                "contacts": "contact", "attributes": "attribute", "service_areas": "service_area",
                "languages": "language", "funding": "funding", "organization": "organization"},
    "service_at_location": {"location": "location"}, "location": {"addresses": "address", "accessibility": "accessibility"},
    "attribute": {"taxonomy_term": "taxonomy_term"},
}
CORE = {"id": {"type": "string"}, "name": {"type": "string"}, "minimum_age": {"type": "number"},
        "maximum_age": {"type": "number"}, "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]}}


def entity_schema(name: str) -> dict:
    """The profile files change HSDS 3.0: a null property is dropped (so must not appear), `required` is kept."""
    overlay = json.loads((PROFILE / f"{name}.json").read_text()) or {}
    properties = {k: False if v is None else {kk: vv for kk, vv in v.items() if kk in ("type", "items", "$ref")}
                  for k, v in (overlay.get("properties") or {}).items()}
    for field, target in LINKS.get(name, {}).items():
        ref = {"$ref": f"{target}.json"}
        properties.setdefault(field, ref if field in ("organization", "location", "taxonomy_term")
                              else {"type": "array", "items": ref})
    for field, rule in CORE.items():
        if field in properties and properties[field] is not False:
            continue
        if properties.get(field) is not False and (field != "status" or name == "service"):
            properties[field] = rule
    return {"$id": f"{name}.json", "type": "object", "required": overlay.get("required", ["id"]), "properties": properties}


def validator(root: dict) -> Draft202012Validator:
    names = [p.stem for p in PROFILE.glob("*.json") if p.stem not in ("openapi",)]
    registry = Registry().with_resources(
        (f"{n}.json", Resource.from_contents(entity_schema(n), default_specification=DRAFT202012)) for n in names)
    return Draft202012Validator(root, registry=registry)


SERVICE = validator({"$ref": "service.json"})
PAGE = validator({"type": "object", "required": ["total_items", "total_pages", "page_number", "size", "first_page",
                                                 "last_page", "empty", "contents"],
                  "properties": {"total_items": {"type": "integer"}, "contents": {"type": "array",
                                                                                  "items": {"$ref": "service.json"}}}})


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from web.routers import oruk

    mp = pytest.MonkeyPatch()
    use_fresh_db(mp, tmp_path_factory.mktemp("oruk"))
    from knowledge_base.directory.importer import import_feed

    data = Path(__file__).resolve().parent.parent / "knowledge_base" / "directory" / "data"
    for area in ("leeds", "hammersmith-fulham", "liverpool-city-region"):
        import_feed(str(data / f"{area}.json"), area)
    import_feed(str(PROFILE.parent / "oruk-v3-examples" / "service_full.json"), "leeds")
    app = FastAPI()
    app.include_router(oruk.router)
    yield TestClient(app)
    mp.undo()
    forget_fresh_db()


def test_schema_built_from_profile_rejects_dropped_and_missing_fields():
    SERVICE.validate({"id": "a", "name": "A", "status": "active"})
    with pytest.raises(ValidationError):
        SERVICE.validate({"id": "a", "name": "A", "status": "active", "fees_description": "dropped by the profile"})
    with pytest.raises(ValidationError):
        SERVICE.validate({"id": "a", "name": "A", "status": "active", "contacts": [{"name": "no id"}]})
    with pytest.raises(ValidationError):
        SERVICE.validate({"id": "a", "name": "A", "status": "active",
                          "service_at_locations": [{"id": "x", "location": {"id": "l", "transportation": "bus"}}]})


def test_every_page_and_service_validates(client):
    page = client.get("/oruk/services", params={"per_page": 10}).json()
    assert page["total_items"] >= 37 and page["total_pages"] >= 4
    for number in range(1, page["total_pages"] + 1):
        body = client.get("/oruk/services", params={"per_page": 10, "page": number}).json()
        PAGE.validate(body)
        for summary in body["contents"]:
            SERVICE.validate(client.get(f"/oruk/services/{summary['id']}").json())


def test_paging_fields(client):
    first = client.get("/oruk/services", params={"per_page": 5}).json()
    last = client.get("/oruk/services", params={"per_page": 5, "page": first["total_pages"]}).json()
    assert first["first_page"] and not first["last_page"] and first["size"] == 5
    assert last["last_page"] and not last["first_page"]
    beyond = client.get("/oruk/services", params={"per_page": 5, "page": 999}).json()
    assert beyond["empty"] and beyond["contents"] == []


def test_filters(client):
    def names(**params):
        return {s["name"] for s in client.get("/oruk/services", params={"per_page": 500, **params}).json()["contents"]}

    assert names(search="chatter") == {"Chatter Group"}
    assert names(day="SA") == {"Saturday Stay and Play", "Dads' Saturday Club"} == names(day="saturday")
    assert names(day="Saturday") == names(day="sa") == names(day="SA")  # any case, as the document's pattern says
    assert "Triple P Toddler Parenting Course" in names(start_time="18:00") and "Chatter Group" not in names(start_time="18:00")
    assert "Baby Massage" in names(maximum_age=1) and "Chatter Group" not in names(maximum_age=1)
    assert names(minimum_age=12) == {"Community Counselling"}
    assert all(s in names(end_time="12:00") for s in ("Chatter Group",)) and "Triple P Toddler Parenting Course" not in names(end_time="12:00")
    # List items carry one-to-one fields only (the specification's service_list); full=true nests the terms.
    toilet = client.get("/oruk/services", params={"search": "toilet", "full": "true"}).json()["contents"][0]
    term = toilet["attributes"][0]["taxonomy_term"]["id"]
    assert names(taxonomy_term_id=term) == {"Toilet Training Workshop"}


def test_official_example_round_trips(client):
    body = client.get("/oruk/services/ac148810-d857-441c-9679-408f346de14b").json()
    SERVICE.validate(body)
    assert body["schedules"][0]["byday"] == "TH,FR" and body["service_at_locations"][0]["location"]["name"] == "MyCity Civic Center"


def test_unknown_id_and_bad_time(client):
    missing = client.get("/oruk/services/no-such-id")
    assert missing.status_code == 404 and missing.headers["access-control-allow-origin"] == "*"
    assert client.get("/oruk/services", params={"start_time": "teatime"}).status_code == 422


def test_cors_open_and_no_key(client):
    response = client.get("/oruk/services", headers={"Origin": "https://validator.example.org"})
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    preflight = client.options("/oruk/services", headers={"Origin": "https://x.example.org",
                                                          "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
