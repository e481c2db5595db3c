"""Hostile parameters never make a 500: every GET route of the route table, each path and
query parameter in turn set to an impossible value, as police, leader and viewer. Out of
range months and dates, and record ids beyond SQLite's integers, answer 400 or 404 with
the usual page (JSON under /api/)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.app.test_access import OTHER, OWN, _ids, _url, app_routes, world  # noqa: F401
from tests.conftest import make_user, sign_in

pytestmark = pytest.mark.heavy  # tens of seconds: started first

HOSTILE = ("0000-01", "9999-12", "2025-13", "-1", "9223372036854775808", "abc",
           "9999-12-31", "0000-00-00", "x" * 3000, "9" * 5000, "²", "２０２５-10", "Thôn\x00",
           "")
ROLES = ("police", "leader", "viewer")
# ?lang= is read by every page the same way (app.deps.get_locale): tried on one
EXTRA_QUERY = {"/communes/{code}/map": {"lang"}}


def query_params(dependant) -> set[str]:
    names = {p.name for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= query_params(sub)
    return names


def _client(settings, sessions, role: str, app=None) -> TestClient:
    """Signed in (on ``app``, else a new one); a server error comes back as the 500 page,
    not as an exception."""
    make_user(sessions, f"{role}-hostile", role)
    return sign_in(TestClient(app or create_app(settings), raise_server_exceptions=False),
                   f"{role}-hostile")


def _requests(ids: dict):
    """(route path, parameter, value, url, query) for every GET route and parameter."""
    for route in app_routes():
        if "GET" not in route.methods:
            continue
        good = _url(route, OWN, ids)
        for index, segment in enumerate(route.path.split("/")):
            if segment.startswith("{"):
                name = segment.strip("{}").split(":")[0]
                for value in HOSTILE:
                    parts = good.split("/")
                    parts[index] = quote(value, safe="")
                    yield route.path, name, value, "/".join(parts), {}
        for name in sorted(query_params(route.dependant) | EXTRA_QUERY.get(route.path, set())):
            for value in HOSTILE:
                yield route.path, name, value, good, {name: value}


def server_errors(sessions, settings, roles=ROLES) -> list[tuple]:
    """(role, route, parameter, value, status) of every request answered with a 5xx.

    Each role signs in through the form; its thousand-odd requests then go from one event
    loop, with the cookies the sign-in left (a TestClient hands every request to a loop in
    another thread and back: a third of the time here)."""
    ids = _ids(sessions)
    failures = []
    app = create_app(settings)  # one server for the three roles, as in use

    async def attempt(role: str, cookies: httpx.Cookies) -> None:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     cookies=cookies) as client:
            for path, name, value, url, query in _requests(ids):
                response = await client.get(url, params=query)
                if response.status_code >= 500:
                    failures.append((role, path, name, value[:20], response.status_code))

    with ThreadPoolExecutor(1) as loop_thread:  # its own thread: the worker's may hold a
        # running loop (Playwright's sync API, after a browser test), and asyncio.run refuses
        for role in roles:
            cookies = _client(settings, sessions, role, app).cookies
            loop_thread.submit(asyncio.run, attempt(role, cookies)).result()
    return sorted(set(failures))


def test_no_hostile_parameter_makes_a_server_error(world, settings):  # noqa: F811
    assert server_errors(world, settings) == []


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1899-12", "2025-13", "2025-1",
                                   "10/2025"])
def test_an_impossible_month_is_a_400_page_in_the_users_language(client, month):
    for url in (f"/communes/{OWN}/map", f"/communes/{OWN}/dashboard"):
        response = client.get(url, params={"month": month, "lang": "en"})
        assert response.status_code == 400, (url, month)
        assert "text/html" in response.headers["content-type"]
        assert f"“{month}” is not a month" in response.text
    for url in (f"/api/communes/{OWN}/compliance", f"/api/communes/{OWN}/villages.geojson"):
        response = client.get(url, params={"month": month, "lang": "vi"})
        assert response.status_code == 400, (url, month)
        assert f"“{month}” không phải là một tháng" in response.json()["detail"]


def test_an_impossible_month_in_a_record_list_is_said_and_ignored(client):
    for month in ("0000-01", "9999-12"):
        response = client.get(f"/communes/{OWN}/records/drug_tests", params={"month": month})
        assert response.status_code == 200
        assert "Không hiểu tháng" in response.text or "yyyy-mm" in response.text


def test_a_record_id_beyond_the_database_integers_is_404(client):
    for ident in ("9223372036854775807", "9223372036854775808", "9" * 40, "9" * 5000):
        response = client.get(f"/communes/{OWN}/records/persons/{ident}")
        assert response.status_code == 404, ident[:20]
        assert "Không tìm thấy trang" in response.text


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2025-02-30", "31/13/2025",
                                 "hôm qua"])
def test_an_impossible_audit_date_is_a_400_page(world, settings, day):  # noqa: F811
    police = _client(settings, world, "police")
    for key in ("start", "end"):
        response = police.get(f"/communes/{OWN}/audit", params={key: day, "lang": "en"})
        assert response.status_code == 400, (key, day)
        assert f"“{day}” is not a date" in response.text
    for start, end in (("2025-01-01", "2025-12-31"), ("01/01/2025", "31/12/2025")):
        response = police.get(f"/communes/{OWN}/audit", params={"start": start, "end": end})
        assert response.status_code == 200
        assert 'value="2025-12-31"' in response.text  # as the date field wants it


def test_months_and_days_in_range_still_work(client):
    assert client.get(f"/communes/{OWN}/map", params={"month": "2024-10"}).status_code == 200
    assert client.get(f"/communes/{OWN}/dashboard",
                      params={"month": "2024-10"}).status_code == 200
    assert client.get(f"/api/communes/{OWN}/compliance",
                      params={"month": "2024-10"}).status_code == 200
    assert client.get(f"/communes/{OTHER}/map", params={"month": "9999-12"}).status_code in (
        400, 404)
