"""What the ORUK API's filters and optional endpoints do: the specification's /services filters, full and
minimal, format=ndjson, services at locations by postcode and proximity, organizations, taxonomies and terms.
Real SQLite database with the bundled directory plus the official example service."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from oruk_support import BUNDLED, oruk_client

EXAMPLE_ID = "ac148810-d857-441c-9679-408f346de14b"  # the official example service, last modified 2023-03-15
LEEDS_ORG = "30438c28-d6ef-575d-9ae1-83a661a7c6c9"


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    with oruk_client(tmp_path_factory.mktemp("oruk-endpoints")) as test_client:
        yield test_client


def everything(client: TestClient, path: str, **params) -> list[dict]:
    response = client.get(path, params={"per_page": 500, **params})
    assert response.status_code == 200, response.text
    return response.json()["contents"]


def ids(client: TestClient, path: str = "/oruk/services", **params) -> set[str]:
    return {item["id"] for item in everything(client, path, **params)}


def test_about_gives_an_absolute_openapi_url_that_answers(client):
    about = client.get("/oruk/").json()
    assert about["openapi_url"] == "http://testserver/openapi.json"
    assert client.get(about["openapi_url"]).json()["paths"]["/oruk/services"]


def test_list_items_have_one_to_one_fields_and_full_gives_the_records(client):
    summaries = everything(client, "/oruk/services")
    assert len(summaries) == 58
    nested = {"schedules", "service_at_locations", "contacts", "cost_options", "attributes"}
    assert all(not nested & item.keys() and item["organization"]["id"] == item["organization_id"] for item in summaries)
    full = everything(client, "/oruk/services", full="true")
    assert [s["id"] for s in full] == [s["id"] for s in summaries]
    assert full[0] == client.get(f"/oruk/services/{full[0]['id']}").json() and nested <= full[0].keys()


def test_minimal_is_id_and_modification_time_on_one_page(client):
    page = client.get("/oruk/services", params={"minimal": "true"}).json()
    assert page["total_items"] == page["size"] == 58 and page["total_pages"] == 1  # not the usual 50 a page
    assert all(item.keys() == {"id", "name", "status", "last_modified"} for item in page["contents"])
    assert client.get("/oruk/services", params={"minimal": "true", "per_page": 5}).json()["size"] == 5


def test_organization_and_taxonomy_filters(client):
    leeds = ids(client, organization_id=LEEDS_ORG)
    organization = client.get(f"/oruk/organizations/{LEEDS_ORG}").json()
    assert len(leeds) == 17 and leeds == {s["id"] for s in organization["services"]}
    assert ids(client, organization_id="d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610") == {EXAMPLE_ID}
    assert client.get("/oruk/services", params={"organization_id": "nobody"}).json()["empty"]
    by_name = {t["name"]: t["id"] for t in everything(client, "/oruk/taxonomies")}
    status = ids(client, taxonomy_id=by_name["Data status"])
    assert len(status) == 57 and EXAMPLE_ID not in status  # every bundled record is tagged example data
    assert ids(client, taxonomy_id="family-hub-services") == ids(client, taxonomy_id=by_name["Family hub services"])
    toilet = everything(client, "/oruk/taxonomy_terms", search="toilet")[0]
    assert {s["name"] for s in everything(client, "/oruk/services", taxonomy_term_id=toilet["id"])} == {
        "Toilet Training Workshop"}


@pytest.mark.parametrize(("moment", "has_example", "has_bundled"), [
    ("2024-01-01", False, True), ("2023-03-15T10:30:45Z", True, True),
    ("2023-03-15T11:30:46+01:00", False, True),  # = 10:30:46Z, just after the example's 10:30:45.123Z
    ("2026-09-01T09:00:00Z", False, True), ("2026-09-01T09:00:01Z", False, False),
    ("2026-09-01t09:00:00z", False, True),  # RFC 3339 lets T and Z be lower case
    # Valid moments past either end of Python's calendar once moved to UTC: before, or after, every record.
    ("0001-01-01T00:00:00+01:00", True, True), ("0000-01-01", True, True), ("9999-12-31T23:59:59-01:00", False, False),
])
def test_modified_after_is_on_or_after_that_moment(client, moment, has_example, has_bundled):
    found = ids(client, modified_after=moment)
    assert (EXAMPLE_ID in found, len(found - {EXAMPLE_ID}) == 57) == (has_example, has_bundled)
    assert not has_bundled or len(found - {EXAMPLE_ID}) == 57


def test_ndjson_gives_every_result_without_pages(client):
    response = client.get("/oruk/services", params={"format": "ndjson", "per_page": 3, "page": 2})
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert response.headers["access-control-allow-origin"] == "*"
    assert lines == everything(client, "/oruk/services")


def centroids() -> dict[str, tuple[float, float]]:
    with (BUNDLED / "postcode_districts.csv").open() as handle:
        return {row["district"]: (float(row["latitude"]), float(row["longitude"])) for row in csv.DictReader(handle)}


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    # An independent check: equirectangular distance, close to great-circle over a few kilometres.
    x = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return 6_371_000 * math.hypot(x, math.radians(b[0] - a[0]))


def test_postcode_alone_gives_the_locations_in_that_district(client):
    found = everything(client, "/oruk/service_at_locations", postcode="w12 8zz")
    assert {s["location"]["name"] for s in found} == {"Shepherd's Bush Family Hub", "White City Family Hub"}
    assert len(found) == 8
    assert client.get("/oruk/service_at_locations", params={"postcode": "ZE1 0AA"}).json()["empty"]


def test_proximity_is_metres_from_the_district_centre_nearest_first(client):
    centre = centroids()["W12"]
    assert centre == pytest.approx(((51.5035 + 51.512) / 2, (-0.223 - 0.2265) / 2))  # the mean of W12's two hubs
    found = everything(client, "/oruk/service_at_locations", postcode="W12 8LP", proximity=3000)
    distances = [metres(centre, (s["location"]["latitude"], s["location"]["longitude"])) for s in found]
    assert distances == sorted(distances) and max(distances) <= 3000
    assert {s["location"]["name"] for s in found} == {"Shepherd's Bush Family Hub", "White City Family Hub",
                                                      "Hammersmith Family Hub"}  # Fulham is 3.8 km away
    wider = everything(client, "/oruk/service_at_locations", postcode="W12 8LP", proximity=4000)
    assert found[-1]["location"]["name"] == "Hammersmith Family Hub"
    assert wider[-1]["location"]["name"] == "Fulham Family Hub"
    near = {s["location"]["name"] for s in everything(client, "/oruk/service_at_locations", postcode="W12",
                                                      proximity=600)}
    assert near == {"Shepherd's Bush Family Hub", "White City Family Hub"}
    leeds = everything(client, "/oruk/service_at_locations", postcode="LS12", proximity=20_000)
    assert {s["location"]["name"] for s in leeds} == {"Armley Family Hub", "Beeston Family Hub",
                                                      "Chapeltown Family Hub", "Seacroft Family Hub"}


def test_proximity_from_an_unknown_district_is_a_422_that_says_why(client):
    response = client.get("/oruk/service_at_locations", params={"postcode": "M1 1AA", "proximity": 5000})
    assert response.status_code == 422
    assert "M1" in response.json()["error"] and "LS12" in response.json()["error"]
    assert response.json()["detail"] == [{"field": "postcode", "problem": response.json()["detail"][0]["problem"]}]


def test_service_at_location_filters_and_records(client):
    toilet = everything(client, "/oruk/service_at_locations", search="toilet", full="true")
    assert toilet and all(s["service"]["name"] == "Toilet Training Workshop" for s in toilet)
    one = client.get(f"/oruk/service_at_locations/{toilet[0]['id']}").json()
    assert one == toilet[0] and one["location"]["addresses"][0]["postal_code"]
    summary = everything(client, "/oruk/service_at_locations", organization_id=LEEDS_ORG)
    assert len(summary) == 17 and all("addresses" not in s["location"] and "schedules" not in s["service"]
                                      for s in summary)


def test_organizations(client):
    basic = everything(client, "/oruk/organizations")
    assert len(basic) == 4 and all("services" not in org for org in basic)
    full = everything(client, "/oruk/organizations", full="true")
    assert all(org["services"] and "schedules" not in org["services"][0] for org in full)
    deep = client.get(f"/oruk/organizations/{LEEDS_ORG}", params={"full_service": "true"}).json()
    assert len(deep["services"]) == 17 and all(s["schedules"] for s in deep["services"])
    assert everything(client, "/oruk/organizations", search="hammersmith")[0]["name"].startswith("Hammersmith")


def test_taxonomies_and_terms(client):
    family = next(t for t in everything(client, "/oruk/taxonomies") if t["name"] == "Family hub services")
    assert family["description"].startswith("The kinds of help family hubs offer")  # data/taxonomies.yaml
    members = client.get(f"/oruk/taxonomies/{family['id']}").json()["taxonomy_terms"]
    assert len(members) == 12 and all(t["taxonomy_id"] == family["id"] for t in members)
    assert ids(client, "/oruk/taxonomy_terms", taxonomy_id=family["id"]) == {t["id"] for t in members}
    toilet = next(t for t in members if t["name"] == "Toilet training")
    assert toilet["description"].startswith("Help and workshops")
    assert client.get(f"/oruk/taxonomy_terms/{toilet['id']}").json() == toilet
    example_term = "3f7b145d-84af-42d7-8fae-eaca714b02b2"  # the official example's term, with a parent
    assert example_term not in ids(client, "/oruk/taxonomy_terms", top_only="true")
    assert ids(client, "/oruk/taxonomy_terms", parent_id="0bc248fa-dc27-4650-9ba4-8f1a24ef16a2") == {example_term}
    assert client.get(f"/oruk/taxonomy_terms/{example_term}").json()["description"] == "description"  # the feed's own


def test_cors_preflight_on_every_endpoint_and_404_for_unknown_paths(client):
    for path in ("/oruk/", "/oruk/service_at_locations", "/oruk/taxonomy_terms/anything"):
        headers = {"Origin": "https://x.example.org", "Access-Control-Request-Method": "GET"}
        preflight = client.options(path, headers=headers)
        assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    assert client.get("/oruk/no-such-endpoint").status_code == 404
    assert client.get("/oruk/taxonomies", params={"format": "ndjson"}).headers["access-control-allow-origin"] == "*"
