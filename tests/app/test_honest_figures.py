"""What the map, the dashboard and the API show can be trusted (issue 10, points 5–7): the
month pickers stop at the last month with records, a month without any record is "no
data" everywhere, a score says how many of its indicators have no data, and a tip never
settled is not "settled late". On the full synthetic demo (its records end in 12/2025).
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from app.frame import loading
from app.i18n import gettext_for, number
from tests.conftest import map_data

CODE = "15178"
LAST = "2025-12"  # the demo's last month with records
AFTER = "2026-01"  # asked by its address: no record of any kind


def _soup(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def _config(soup: BeautifulSoup, client) -> dict:
    return map_data(client, soup)


def _steps(soup: BeautifulSoup) -> dict[str, str | None]:
    """The picker's ‹ and ›: the month each one links to, None when not offered."""
    steps = soup.select(".month-picker .month-step")
    assert [s.get_text() for s in steps] == ["‹", "›"]
    return {name: (s["href"].split("month=")[1].split("&")[0] if s.name == "a" else None)
            for name, s in zip(("prev", "next"), steps, strict=True)}


def _tally_text(tally: dict) -> str:
    """The score's tally as the pages write it in Vietnamese, worked out here."""
    scored = tally["met"] + tally["not_met"] + tally["no_data"]
    text = f"{number(tally['met'], 'vi')} / {number(scored, 'vi')} đạt"
    return text + (f", {tally['no_data']} chưa có số liệu" if tally["no_data"] else "")


def test_the_month_pickers_stop_at_the_last_month_with_records(full_shared):
    leader = full_shared.client("leader")
    for page in ("map", "dashboard"):
        base = f"/communes/{CODE}/{page}"
        latest = _soup(leader, base)  # default: the last month with records
        assert latest.select_one("#month-select option[selected]")["value"] == LAST
        assert [o["value"] for o in latest.select("#month-select option")][0] == LAST
        assert _steps(latest) == {"prev": "2025-11", "next": None}, page
        assert _steps(_soup(leader, f"{base}?month=2025-06")) == {
            "prev": "2025-05", "next": "2025-07"}
        assert _steps(_soup(leader, f"{base}?month=2024-10")) == {
            "prev": None, "next": "2024-11"}
        after = _soup(leader, f"{base}?month={AFTER}")  # back towards the records only
        assert _steps(after) == {"prev": LAST, "next": None}
        assert AFTER not in [o["value"] for o in after.select("#month-select option")
                             if not o.has_attr("selected")]


def test_a_month_after_the_last_record_is_no_data_on_the_map_dashboard_and_api(
        full_shared):
    police = full_shared.client("police")
    # the map: every indicator of every village "no data", the score layer too
    soup = _soup(police, f"/communes/{CODE}/map?month={AFTER}")
    config = _config(soup, police)
    statuses = {f["status"] for v in config["villages"].values()
                for f in v["indicators"].values()}
    assert statuses == {"no_data"}
    assert {v["categories"]["score"] for v in config["villages"].values()} == {"no_data"}
    assert {v["categories"]["N1"] for v in config["villages"].values()} == {"no_data"}
    assert all(f.get("value") is None for v in config["villages"].values()
               for f in v["indicators"].values())
    notice = soup.select_one(".notice.no-records").get_text(" ", strip=True)
    assert "01/2026" in notice and "12/2025" in notice
    # while the last month with records is judged
    judged = _config(_soup(police, f"/communes/{CODE}/map?month={LAST}"), police)
    assert "met" in {f["status"] for v in judged["villages"].values()
                     for f in v["indicators"].values()}
    assert not _soup(police, f"/communes/{CODE}/map?month={LAST}").select(
        ".notice.no-records")
    # the dashboard: no score, no criterion met, every village without data
    dash = _soup(police, f"/communes/{CODE}/dashboard?month={AFTER}")
    assert dash.select_one("#score .figure").get_text() == "—"
    assert dash.select_one("#national-status .figure").get_text(strip=True) == \
        "Chưa có số liệu"
    n1 = dash.find("tr", id="national-N1")
    assert [n1.select_one(f"td.num.{s}").get_text() for s in
            ("met", "not_met", "no_data", "not_applicable")] == ["0", "0", "10", "0"]
    assert dash.select_one(".notice.no-records") is not None
    # the API, for other programs
    villages = police.get(f"/api/communes/{CODE}/villages.geojson?month={AFTER}").json()
    assert {i["status"] for f in villages["features"]
            for i in f["properties"]["indicators"].values()} == {"no_data"}
    assert {f["properties"]["score"] for f in villages["features"]} == {None}
    summary = police.get(f"/api/communes/{CODE}/compliance?month={AFTER}").json()
    assert (summary["national_status"], summary["score"], summary["recorded"]) == (
        "no_data", None, False)
    assert {i["status"] for i in summary["indicators"]} == {"no_data"}


def test_a_score_counting_indicators_without_data_says_so(full_shared):
    month, code = "2025-06", "T05"  # the demo's T05 has one indicator without data then
    with full_shared.sessions() as session:
        result = loading.compute(session, CODE, month)
    tally = result.villages.at[code, "score_evidence"]
    assert tally["no_data"] == 1 and tally["met"] + tally["not_met"] > 0
    clean = [c for c, t in result.villages["score_evidence"].items() if not t["no_data"]]
    for role in ("police", "leader", "viewer"):
        client = full_shared.client(role)
        soup = _soup(client, f"/communes/{CODE}/map?month={month}")
        config = _config(soup, client)
        # the village carries its tally and, on the score layer, the legend's mark
        assert config["villages"][code]["score_evidence"] == tally
        assert config["villages"][code]["marks"] == {"score": "incomplete"}
        assert all(config["villages"][c]["marks"] == {} for c in clean)
        [mark] = config["legends"]["score"]["marks"]
        assert (mark["key"], mark["dash"]) == ("incomplete", "6 4")
        shown = soup.select_one('.legend-block[data-legend="score"] li[data-mark]')
        assert shown.get_text(strip=True) == gettext_for("vi")(
            "Dashed outline: some indicators have no data (counted as not met)")
        assert config["texts"]["panel"]["score_of_missing"] == \
            "{met} / {scored} đạt, {no_data} chưa có số liệu"
        api = client.get(f"/api/communes/{CODE}/villages.geojson?month={month}").json()
        props = {f["properties"]["code"]: f["properties"] for f in api["features"]}
        assert props[code]["score_evidence"] == tally
        # the dashboard: the commune's score with its tally
        dash = _soup(client, f"/communes/{CODE}/dashboard?month={month}")
        assert dash.select_one("#score .score-tally").get_text() == _tally_text(
            result.commune["score_evidence"])
        assert "chưa có số liệu" in dash.select_one("#score .score-tally").get_text()


def test_the_demo_tip_never_settled_is_open_past_its_deadline(full_shared):
    police = full_shared.client("police")
    data = police.get(f"/api/communes/{CODE}/villages.geojson?month={LAST}").json()
    thon8 = next(f["properties"] for f in data["features"]
                 if f["properties"]["name"] == "Thôn 8")
    evidence = thon8["indicators"]["P11"]["evidence"]
    assert evidence["open_past_deadline"] == ["NT-026"]
    assert evidence["settled_late"] == [] and evidence["on_time"] == []
    assert thon8["indicators"]["P11"]["status"] == "not_met"
    with full_shared.sessions() as session:
        tips = loading.load_tables(session, CODE)["tips"].set_index("code")
    assert tips.at["NT-026", "settled_date"] is None  # indeed never settled
    labels = _config(_soup(police, f"/communes/{CODE}/map?month={LAST}"), police)["texts"][
        "evidence"]
    assert (labels["settled_late"], labels["open_past_deadline"],
            labels["open_within_deadline"]) == (
        "Giải quyết quá hạn", "Chưa giải quyết, đã quá hạn", "Chưa giải quyết, còn trong hạn")
