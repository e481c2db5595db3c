"""``villages.geojson?month=`` and ``compliance?month=`` on the full demo: every indicator per
village, the same figures as ``geo.engine.frame.village_frame`` computed directly, person codes
only for the police, small counts masked for viewers."""

from __future__ import annotations

import datetime as dt
import json
import math

import geopandas as gpd
import pytest
from sqlalchemy import select

from app import store
from app.db import transaction
from app.frame import caching, loading, masking
from app.models import ChangeLog, Person
from app.privacy import mask_count, masked_total
from geo.engine.counts import NOT_PEOPLE
from geo.engine.frame import village_frame
from geo.engine.plans import shipped_plans
from tests.conftest import client_as

MONTH = "2025-10"  # QĐ 28/2025 in force: N1-N3 and risk levels exist
GEOJSON = f"/api/communes/15178/villages.geojson?month={MONTH}"
SUMMARY = f"/api/communes/15178/compliance?month={MONTH}"
# indicators of the shipped plans about people on the lists, visits to them (P02) and
# violations, arrests and fugitives (N2)
PEOPLE_INDICATORS = {"P02", *(f"P{n}" for n in range(13, 22)), "N1", "N2"}


@pytest.fixture(scope="module")
def direct(full_shared):
    """The frame computed straight from the tables, without the app's cache or shaping
    (once for the module: the tests only read it)."""
    with full_shared.sessions() as session:
        return village_frame(loading.load_tables(session, "15178"),
                             store.load_villages(session, "15178"), MONTH, shipped_plans(),
                             commune="15178")


@pytest.fixture(scope="module")
def codes(full_shared) -> set[str]:
    with full_shared.sessions() as session:
        found = set(session.scalars(select(Person.code)))
    assert len(found) > 40
    return found


@pytest.fixture
def get(full_shared):
    """``get(role, url)`` → (JSON, text), one signed-in client per role, of the module's
    shared app (the answers are only read)."""
    def fetch(role: str, url: str) -> tuple[dict, str]:
        response = full_shared.client(role).get(url)
        assert response.status_code == 200, response.text
        return response.json(), response.text

    return fetch


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (a is None and b is None) or (a is not None and b is not None and (
            math.isclose(a, b) or (math.isnan(a) and math.isnan(b))))
    return a == b


def test_every_village_carries_every_indicator_as_the_frame_computes_it(get, direct):
    data, _ = get("police", GEOJSON)
    ids = [i["id"] for i in direct.indicators if "village" in i["levels"]]
    assert {"N1", "N2", "N3", "P01", "P14"} <= set(ids)
    features = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert sorted(features) == sorted(direct.villages.index) and len(features) == 10
    for code, row in direct.villages.iterrows():
        props = features[code]
        assert props["month"] == MONTH
        assert set(props["indicators"]) == set(ids)
        for ident in ids:
            shown = props["indicators"][ident]
            assert set(shown) == {"value", "target", "status", "evidence"}
            assert shown["status"] == row[f"{ident}_status"], (code, ident)
            assert _same(shown["value"], masking.plain(row[f"{ident}_value"])), (code, ident)
            assert _same(shown["target"], masking.plain(row[f"{ident}_target"]))
        assert props["risk_level"] == row["risk_level"]
        assert props["risk_level"] in {"I", "II", "III", "none"}
        assert _same(props["score"], masking.plain(row["score"]))
        assert props["counts"]["people"] == row["people"]
    # the demo design: type I in T07, type II in T04 this month
    assert features["T07"]["risk_level"] == "I" and features["T04"]["risk_level"] == "II"
    # T07: drugs found at a karaoke and a guesthouse, and two drug-use sites
    assert features["T07"]["indicators"]["N3"] == {
        "value": 4.0, "target": 0.0, "status": "not_met",
        "evidence": features["T07"]["indicators"]["N3"]["evidence"]}


def test_the_summary_has_national_status_blocking_villages_tasks_and_next_report(
        get, direct):
    data, _ = get("police", SUMMARY)
    assert data["month"] == MONTH and data["as_of"] == "2025-10-31"
    assert data["plans"] == ["cam-tan-2024-2025", "qd-28-2025"]
    assert data["national_status"] == "not_met" == direct.commune["national_status"]
    assert [(v["code"], v["indicators"]) for v in data["blocking_villages"]] == [
        ("T03", ["N1"]), ("T04", ["N1", "N3"]), ("T05", ["N2"]), ("T06", ["N1"]),
        ("T07", ["N1", "N2", "N3"])]
    assert [t["id"] for t in data["tasks"]] == [f"T{i}" for i in range(1, 8)]
    assert {t["status"] for t in data["tasks"]} == {"late", "done_late", "done"}
    assert data["next_reports"] == [{
        "plan": "cam-tan-2024-2025", "id": "M-2025-10",
        "label_vi": "Báo cáo kết quả thực hiện hằng tháng",
        "label_en": "Monthly progress report", "due": "2025-11-15",
        "recipient_vi": "Công an huyện Cẩm Thủy", "recipient_en": "Cẩm Thủy district police"}]
    assert data["risk_level"] == direct.commune["risk_level"] == "III"
    assert _same(data["score"], direct.commune["score"])
    by_id = {i["id"]: i for i in data["indicators"]}
    for ident in ("N1", "N2", "N3", "P19"):
        assert by_id[ident]["status"] == direct.commune[f"{ident}_status"]
        assert _same(by_id[ident]["value"], direct.commune[f"{ident}_value"])
    assert (by_id["N1"]["value"], by_id["P19"]["value"]) == (9.0, 6.0)
    for code, row in direct.villages.iterrows():
        assert data["villages"][code]["N1_status"] == row["N1_status"]
        assert data["villages"][code]["risk_level"] == row["risk_level"]


def test_person_codes_for_the_police_only_with_the_same_statuses(get, codes):
    police, police_text = get("police", GEOJSON)
    leader, leader_text = get("leader", GEOJSON)
    assert [c for c in codes if c in police_text]  # the police see who is behind a figure
    assert not [c for c in codes if c in leader_text]
    for ours, theirs in zip(police["features"], leader["features"], strict=True):
        a, b = ours["properties"], theirs["properties"]
        assert a["counts"] == b["counts"]
        assert a["risk_level"] == b["risk_level"] and _same(a["score"], b["score"])
        for ident, shown in a["indicators"].items():
            assert b["indicators"][ident]["status"] == shown["status"]
            assert _same(b["indicators"][ident]["value"], shown["value"])
    summary, summary_text = get("leader", SUMMARY)
    assert not [c for c in codes if c in summary_text]
    assert summary["national_status"] == "not_met" and len(summary["blocking_villages"]) == 5


def test_viewers_see_statuses_one_band_of_people_and_no_figure_of_people(get, codes):
    leader, _ = get("leader", GEOJSON)
    viewer, viewer_text = get("viewer", GEOJSON)
    assert not [c for c in codes if c in viewer_text]
    banded = 0
    for ours, theirs in zip(leader["features"], viewer["features"], strict=True):
        true, shown = ours["properties"], theirs["properties"]
        assert set(shown["counts"]) == {"people", *NOT_PEOPLE}
        assert shown["counts"]["people"] == mask_count(true["counts"]["people"], 5)
        banded += shown["counts"]["people"] == "≤5"
        assert all(shown["counts"][k] == true["counts"][k] for k in NOT_PEOPLE)
        assert "risk_evidence" not in shown and shown["risk_level"] == true["risk_level"]
        for ident, figures in shown["indicators"].items():
            assert figures["status"] == true["indicators"][ident]["status"]
            if ident in PEOPLE_INDICATORS:  # a status, never a figure
                assert set(figures) == {"target", "status"}, ident
            else:
                assert figures == true["indicators"][ident], ident
    assert banded >= 2
    t01 = next(f["properties"]["counts"] for f in viewer["features"]
               if f["properties"]["code"] == "T01")
    assert t01["people"] == "≤5"  # T01 in 10/2025: 4 people
    json.dumps(viewer)  # plain JSON throughout


def test_the_commune_total_of_people_is_the_range_its_villages_allow(get):
    leader, _ = get("leader", GEOJSON)
    viewer, _ = get("viewer", GEOJSON)
    summary, _ = get("viewer", SUMMARY)
    cells = [f["properties"]["counts"]["people"] for f in viewer["features"]]
    true = [f["properties"]["counts"]["people"] for f in leader["features"]]
    assert summary["counts"]["people"] == masked_total(true, 5)
    assert "–" in summary["counts"]["people"] and "≤5" in cells
    assert set(summary["counts"]) == {"people", *NOT_PEOPLE}
    assert "risk_evidence" not in summary
    by_id = {i["id"]: i for i in summary["indicators"]}
    for ident in ("N1", "P18", "P19"):  # counts of people: the status only
        assert "value" not in by_id[ident] and "evidence" not in by_id[ident]
        assert by_id[ident]["status"] in {"met", "not_met", "no_data", "not_applicable"}
    assert by_id["P11"]["value"] is not None and "evidence" in by_id["P11"]  # tips


def test_bad_month_400_and_another_commune_404(full, settings):
    communes = gpd.read_file(settings.boundaries_dir / "cam_thuy_communes_2019.geojson")
    other = communes[communes["gso_code"] == "15142"].rename(columns={"gso_code": "code"})
    with transaction(full) as session:  # Cẩm Thạch exists, but is not the account's
        store.save_communes(session, other[["code", "name", "geometry"]])
    client = client_as(settings, full, "police", username="police_errors")
    for url in ("/api/communes/15178/villages.geojson?month=2025-13",
                "/api/communes/15178/compliance?month=10-2025",
                "/api/communes/15178/compliance?month=2025-1"):
        assert client.get(url).status_code == 400, url
    for url in ("/api/communes/15142/villages.geojson?month=2025-10",
                "/api/communes/15142/compliance?month=2025-10",
                "/api/communes/99999/compliance?month=2025-10"):
        assert client.get(url).status_code == 404, url


def test_the_data_version_changes_when_a_smaller_id_commits_later(demo):
    """On PostgreSQL two writers can commit out of id order: the later commit of the
    smaller id must still make a new version, or the cached frames would go stale."""
    def log(ident: int) -> None:
        with transaction(demo) as session:
            session.add(ChangeLog(id=ident, at=dt.datetime.now(dt.UTC), actor="t",
                                  commune_code="15178", record_type="venues",
                                  action="create", source="test", changes="{}"))

    log(1000)
    with demo() as session:
        first = caching.data_version(session, "15178")
    log(500)
    with demo() as session:
        assert caching.data_version(session, "15178") != first
