"""Every page or answer that shows person codes to the police writes one audit event per
view: the outreach list and a visit's page, the forms with the code drop-down, the map's
evidence and the figures API. Leaders and viewers, who see no code, are not logged."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.models import AuditEvent, OutreachEvent
from tests.conftest import client_as
from tests.factories import save_records

BASE = "/communes/15178"
CODES = ("P-AUD-1", "P-AUD-2")
PERSON_VIEWS = ("view_person", "view_person_list")


@pytest.fixture
def people(demo):
    """Two addicts without a management file (the map's evidence names them), a drug test,
    a visit to one of them and a broadcast naming nobody."""
    assert save_records(demo, "persons", [
        {"code": code, "village": "T01", "category": "addict", "status": "no_treatment",
         "status_date": "01/11/2024"} for code in CODES]) == []
    assert save_records(demo, "drug_tests", [
        {"person": CODES[0], "date": "05/11/2024", "result": "positive"}]) == []
    assert save_records(demo, "outreach", [
        {"kind": "individual_visit", "date": "06/11/2024", "person": CODES[0],
         "villages": "T01"},
        {"kind": "broadcast", "date": "07/11/2024"}]) == []
    return demo


def _watch(sessions):
    """A function giving the person-view events written since it was made."""
    with sessions() as session:
        seen = max(session.scalars(select(AuditEvent.id)), default=0)

    def new_events() -> list[tuple]:
        with sessions() as session:
            events = session.scalars(select(AuditEvent).where(
                AuditEvent.id > seen, AuditEvent.action.in_(PERSON_VIEWS)).order_by(
                AuditEvent.id)).all()
        return [(e.action, e.username, e.commune_code, e.object_type, e.object_id,
                 json.loads(e.detail) if e.detail else None) for e in events]
    return new_events


def _visits(sessions) -> dict[str, int]:
    with sessions() as session:
        return {e.kind: e.id for e in session.scalars(select(OutreachEvent))}


def test_the_outreach_list_and_pages_are_logged(people, settings):
    police = client_as(settings, people, "police", "police-aud")
    visits = _visits(people)
    events = _watch(people)
    listing = police.get(f"{BASE}/records/outreach")
    assert CODES[0] in listing.text
    visit = police.get(f"{BASE}/records/outreach/{visits['individual_visit']}")
    broadcast = police.get(f"{BASE}/records/outreach/{visits['broadcast']}")
    assert all(code in page.text for code in CODES for page in (visit, broadcast))
    assert events() == [
        ("view_person_list", "police-aud", "15178", "outreach", None,
         {"village": "", "month": "", "page": 1, "rows": 2}),
        ("view_person", "police-aud", "15178", "outreach",
         str(visits["individual_visit"]), {"choices": 2}),
        ("view_person_list", "police-aud", "15178", "outreach",
         str(visits["broadcast"]), {"form": "edit", "choices": 2})]


def test_the_forms_with_the_code_drop_down_are_logged(people, settings):
    police = client_as(settings, people, "police", "police-aud")
    events = _watch(people)
    for type_name in ("drug_tests", "outreach"):
        page = police.get(f"{BASE}/records/{type_name}/new")
        assert all(f'value="{code}"' in page.text for code in CODES), type_name
    for type_name in ("persons", "venues"):  # no code shown: not a view of people
        page = police.get(f"{BASE}/records/{type_name}/new")
        assert not any(code in page.text for code in CODES), type_name
    assert events() == [
        ("view_person_list", "police-aud", "15178", t, None, {"form": "new", "choices": 2})
        for t in ("drug_tests", "outreach")]


def test_a_refused_form_shown_again_is_a_view_too(people, settings):
    police = client_as(settings, people, "police", "police-aud")
    page = police.get(f"{BASE}/records/drug_tests/new")
    token = police.csrf  # the session's token
    assert f'value="{token}"' in page.text  # the form's own hidden field
    events = _watch(people)
    refused = police.post(f"{BASE}/records/drug_tests/new", data={
        "csrftoken": token, "person": CODES[1], "date": "31/02/2025", "result": "negative"})
    assert refused.status_code == 422
    assert events() == [("view_person_list", "police-aud", "15178", "drug_tests", None,
                         {"form": "new", "choices": 2})]


def test_the_police_map_and_the_figures_api_are_logged_once_per_view(people, settings):
    police = client_as(settings, people, "police", "police-aud")
    events = _watch(people)
    page = police.get(f"{BASE}/map", params={"month": "2024-11", "layer": "score"})
    assert CODES[0] not in page.text  # the page itself holds no figure: its script fetches
    data = police.get(f"{BASE}/map.json", params={"month": "2024-11"})
    assert CODES[0] in data.text and CODES[1] in data.text  # the panel's evidence
    police.get(f"/api{BASE}/compliance", params={"month": "2024-11"})
    geojson = police.get(f"/api{BASE}/villages.geojson", params={"month": "2024-11"})
    assert CODES[1] in geojson.text
    police.get(f"/api{BASE}/villages.geojson")  # the villages alone: no code
    found = events()
    assert [e[:5] for e in found] == [
        ("view_person_list", "police-aud", "15178", "map", "2024-11"),
        ("view_person_list", "police-aud", "15178", "api", "2024-11"),
        ("view_person_list", "police-aud", "15178", "api", "2024-11")]
    assert found[0][5] == {"persons": 2}
    assert [e[5]["answer"] for e in found[1:]] == ["compliance", "villages.geojson"]
    assert all(e[5]["persons"] == 2 for e in found)
    log = police.get(f"{BASE}/audit", params={"action": "view_person_list", "lang": "en"})
    assert "Risk map 2024-11" in log.text
    assert not any(code in log.text for code in CODES)  # how many, never who


@pytest.mark.parametrize("role", ["leader", "viewer"])
def test_leaders_and_viewers_see_no_code_and_are_not_logged(people, settings, role):
    client = client_as(settings, people, role, f"{role}-aud")
    events = _watch(people)
    for url in (f"{BASE}/map?month=2024-11", f"{BASE}/map.json?month=2024-11",
                f"/api{BASE}/compliance?month=2024-11",
                f"/api{BASE}/villages.geojson?month=2024-11"):
        response = client.get(url)
        assert response.status_code == 200
        assert not any(code in response.text for code in CODES), url
    assert events() == []
