"""Access control, generated from the app's route table: every route × every role × own
or another commune. A new route without a rule fails here."""

from __future__ import annotations

import itertools
import re

import geopandas as gpd
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from app import imports, store
from app.access import Rule
from app.db import transaction
from app.main import create_app
from app.models import Commune, Person, Venue
from tests.conftest import FormClient, client_as, csrf_of, make_user, sign_in
from tests.factories import ROOT, save_records

ROLES = ("admin", "police", "leader", "viewer")
OWN, OTHER = "15178", "15142"  # Cẩm Tân (the demo) and Cẩm Thạch
SECRET_CODES = ("BI-MAT-001", "BI-MAT-002")  # person codes that must never leak


def rules_of(route: APIRoute) -> list[Rule]:
    found, stack = [], [route.dependant]
    while stack:
        dependant = stack.pop()
        if isinstance(dependant.call, Rule):
            found.append(dependant.call)
        stack.extend(dependant.dependencies)
    return found


def app_routes() -> list[APIRoute]:
    """Every path operation, included routers flattened."""
    def walk(routes):
        for route in routes:
            if hasattr(route, "original_router"):  # an included router (FastAPI ≥ 0.16x)
                yield from walk(route.original_router.routes)
            elif hasattr(route, "routes") and not isinstance(route, APIRoute):
                yield from walk(route.routes)
            else:
                yield route
    return [r for r in walk(create_app_for_listing().routes) if isinstance(r, APIRoute)]


def create_app_for_listing():
    from app.settings import Settings
    return create_app(Settings(database_url="sqlite:///:memory:", secret_key="x"))


EVERYONE = {"admin", "police", "leader", "viewer"}
# The policy, written out: which roles each path is for (public: None). A new route must
# be added here, with its rule, or this test fails.
POLICY = {
    "/login": None, "/logout": None, "/legend.css": None,
    "/account/password": EVERYONE, "/": EVERYONE, "/map": EVERYONE,
    "/communes/{code}/map": EVERYONE, "/communes/{code}/map.json": EVERYONE,
    "/api/communes/{code}/villages.geojson": EVERYONE,
    "/api/communes/{code}/compliance": EVERYONE,
    "/communes/{code}/dashboard": EVERYONE,
    "/communes/{code}/pack.html": {"police", "leader"},  # the meeting pack
    "/communes/{code}/tasks/{plan_id}/{task_id}": {"police"},
    "/communes/{code}/audit": {"admin", "police"},
    "/communes/{code}/villages": EVERYONE,
    "/communes/{code}/villages/{village_code}": {"admin", "police"},
    "/records": {"police"},
    "/communes/{code}/records": {"police"},
    "/communes/{code}/records/template.xlsx": {"police"},
    "/communes/{code}/records/export.xlsx": {"police"},
    "/communes/{code}/records/import": {"police"},
    "/communes/{code}/records/{type_name}": {"police"},
    "/communes/{code}/records/{type_name}/template.xlsx": {"police"},
    "/communes/{code}/records/{type_name}/export.xlsx": {"police"},
    "/communes/{code}/records/{type_name}/new": {"police"},
    "/communes/{code}/records/{type_name}/{record_id:id}": {"police"},
    "/communes/{code}/persons/{person_code}": {"police"},
    "/communes/{code}/patrol": {"police"},
    "/communes/{code}/patrol/sheet.pdf": {"police"},
    "/communes/{code}/patrol/sheet.xlsx": {"police"},
    "/communes/{code}/patrol/results": {"police"},
    "/communes/{code}/venues/{venue}": {"police"},
    "/communes/{code}/tips": {"police"},
    "/communes/{code}/reports": {"admin", "police", "leader"},
    "/communes/{code}/reports/file": {"admin", "police", "leader"},
    "/communes/{code}/calendar": {"admin", "police", "leader"},
    "/communes/{code}/calendar/{plan_id}/{report_id}": {"police"},
    "/communes/{code}/print": EVERYONE, "/communes/{code}/atlas": EVERYONE,
}


def test_every_route_has_exactly_one_rule_and_it_is_the_policy():
    routes = app_routes()
    assert len(routes) > 15
    found = {}
    for route in routes:
        rules = rules_of(route)
        assert len(rules) == 1, (route.path, rules)
        found[route.path] = None if rules[0].public else set(rules[0].roles)
    assert found == POLICY


def _build_world(demo, settings, tmp_path) -> None:
    """Saves a second commune with its village, and a person and a venue in each."""
    communes = gpd.read_file(ROOT / "boundaries" / "cam_thuy_communes_2019.geojson")
    other = communes[communes["gso_code"] == OTHER].rename(columns={"gso_code": "code"})
    with transaction(demo) as session:
        store.save_communes(session, other[["code", "name", "geometry"]])
    village = other[["geometry"]].assign(code="X01", name="Thôn Thạch 1")
    path = tmp_path / "other.geojson"
    path.write_text(village.to_json(), encoding="utf-8")
    imports.import_boundaries(demo, settings, path, OTHER)
    for commune, code, village_code, (lat, lon) in (
            (OWN, SECRET_CODES[0], "T01", (20.125, 105.535)),
            (OTHER, SECRET_CODES[1], "X01", _inside(other))):
        assert save_records(demo, "persons", commune=commune, rows=[{
            "code": code, "village": village_code, "category": "addict",
            "status": "no_treatment", "status_date": "01/11/2024"}]) == []
        assert save_records(demo, "venues", commune=commune, rows=[{
            "code": f"V-{commune}", "name": "Karaoke", "kind": "karaoke", "lat": lat,
            "lon": lon}]) == []


@pytest.fixture
def world(demo, settings, tmp_path):
    """Two communes, each with a village, a person and a venue."""
    _build_world(demo, settings, tmp_path)
    return demo


@pytest.fixture(scope="module")
def world_shared(demo_shared, tmp_path_factory):
    """``world`` built once into the module's shared app (``demo_shared``), for the
    tests that only read it."""
    _build_world(demo_shared.sessions, demo_shared.settings,
                 tmp_path_factory.mktemp("world"))
    return demo_shared


def _inside(frame) -> tuple[float, float]:
    point = frame.to_crs(32648).representative_point().to_crs(4326).iloc[0]
    return round(point.y, 6), round(point.x, 6)


def _ids(sessions) -> dict[str, dict]:
    with sessions() as session:
        persons = {p.commune_code: p for p in session.scalars(select(Person))}
        venues = {v.commune_code: v for v in session.scalars(select(Venue))}
    return {c: {"person_id": persons[c].id, "person_code": persons[c].code,
                "venue_id": venues[c].id} for c in (OWN, OTHER)}


def _url(route: APIRoute, commune: str, ids: dict) -> str:
    values = {"code": commune, "type_name": "persons", "record_id": ids[commune]["person_id"],
              "person_code": ids[commune]["person_code"], "plan_id": "cam-tan-2024-2025",
              "task_id": "T1", "report_id": "R-6M", "venue": f"V-{commune}",
              "village_code": {OWN: "T01", OTHER: "X01"}[commune]}
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: str(values[m.group(1)]), route.path)


def _clients(settings, sessions) -> dict[str, TestClient]:
    clients = {role: client_as(settings, sessions, role, f"{role}-own") for role in ROLES}
    anonymous = FormClient(create_app(settings))
    anonymous.csrf = csrf_of(anonymous)  # a CSRF token, so that the rules are tested here
    clients["anonymous"] = anonymous
    return clients


def _expected_ok(status: int) -> bool:
    return status not in (401, 403, 404) and status < 500


def test_matrix_every_route_every_role_own_and_other_commune(world, settings):
    ids = _ids(world)
    clients = _clients(settings, world)
    failures = []
    # signing out last: it ends the session the other requests use
    routes = sorted(app_routes(), key=lambda r: r.path == "/logout")
    for route, role, commune in itertools.product(routes, [*ROLES, "anonymous"],
                                                  (OWN, OTHER)):
        rule = rules_of(route)[0]
        url = _url(route, commune, ids)
        for method in sorted(route.methods - {"HEAD"}):
            response = clients[role].request(method, url, follow_redirects=False)
            if route.path == "/logout":  # signed out: a new session, a new token
                clients[role].csrf = csrf_of(clients[role])
            status = response.status_code
            uses_commune = "{code}" in route.path
            if rule.public:
                ok = _expected_ok(status)
            elif role == "anonymous":
                ok = status == 401 if url.startswith("/api/") else (
                    status == 303 and response.headers["location"].startswith("/login"))
            elif role not in rule.roles:
                ok = status in (403, 404)
            elif uses_commune and commune == OTHER:
                ok = status == 404 and SECRET_CODES[1] not in response.text
            else:
                ok = _expected_ok(status)
            if not ok:
                failures.append((method, route.path, role, commune, status))
    assert failures == []


def test_another_communes_record_by_id_is_404_from_ones_own_commune(world_shared):
    ids = _ids(world_shared.sessions)
    police = world_shared.client("police")
    own = f"/communes/{OWN}"
    for url in (f"{own}/records/persons/{ids[OTHER]['person_id']}",
                f"{own}/records/venues/{ids[OTHER]['venue_id']}",
                f"{own}/persons/{ids[OTHER]['person_code']}"):
        response = police.get(url)
        assert response.status_code == 404, url
        assert SECRET_CODES[1] not in response.text
    assert police.get(f"{own}/persons/{ids[OWN]['person_code']}").status_code == 200


def _text_of(response) -> str:
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/vnd.openxmlformats-officedocument.wordprocessing"):
        import io

        import docx
        document = docx.Document(io.BytesIO(response.content))
        return " ".join([p.text for p in document.paragraphs] + [
            p.text for t in document.tables for row in t.rows for c in row.cells
            for p in c.paragraphs])
    if kind.startswith("application/vnd.openxml"):
        import io

        import openpyxl
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    return response.text


def test_leader_and_viewer_never_get_a_person_code_or_row(world_shared):
    ids = _ids(world_shared.sessions)
    for role in ("leader", "viewer"):
        client = world_shared.client(role)
        for route in app_routes():
            if "GET" not in route.methods:
                continue
            for commune in (OWN, OTHER):
                response = client.get(_url(route, commune, ids))
                text = _text_of(response)
                assert not any(code in text for code in SECRET_CODES), (role, route.path)
        # and what they may open is really there: the map and the villages
        assert client.get(f"/communes/{OWN}/map").status_code == 200
        geojson = client.get(f"/api/communes/{OWN}/villages.geojson").json()
        assert {"code", "name", "households", "population"} <= set(
            geojson["features"][0]["properties"])


def test_province_account_sees_every_commune_of_its_province(world, settings):
    with transaction(world) as session:
        for commune in session.scalars(select(Commune)):
            commune.province_code = "38"
    make_user(world, "tinh", "leader", communes=(), provinces=("38",))
    client = sign_in(TestClient(create_app(settings)), "tinh")
    assert client.get(f"/communes/{OWN}/map").status_code == 200
    assert client.get(f"/communes/{OTHER}/map").status_code == 200
    make_user(world, "tinh-khac", "leader", communes=(), provinces=("40",))
    other = sign_in(TestClient(create_app(settings)), "tinh-khac")
    assert other.get(f"/communes/{OWN}/map").status_code == 404
