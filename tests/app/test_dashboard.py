"""The commune dashboard: plans, national criteria, blocking villages, risk, tasks and the
next report, in Vietnamese; no person code for leaders and viewers."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.db import transaction
from app.frame import loading
from app.models import Person
from app.records.schema import BY_NAME
from app.records.service import Context, check_rows
from app.records.writers import save_rows
from tests.conftest import client_as

URL = "/communes/15178/dashboard"


def _page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _cells(soup: BeautifulSoup, row_id: str) -> list[str]:
    row = soup.find("tr", id=row_id)
    return [" ".join(c.get_text(" ", strip=True).split()) for c in row.find_all(["th", "td"])]


def test_police_see_the_month_against_both_plans(full_shared):
    soup = _page(full_shared.client("police"), f"{URL}?month=2025-10")
    assert "Bảng tổng hợp · tháng 10/2025" in soup.h1.get_text()
    assert [s["id"] for s in soup.select("section.plan")] == [
        "plan-cam-tan-2024-2025", "plan-qd-28-2025"]
    # N1 in 10/2025 (worked from the demo design): users or addicts at home in T03
    # (its user's year runs to 11/2025), T04, T06 and T07; the commune counts 9 of them.
    n1 = _cells(soup, "indicator-N1")
    assert n1[0] == "N1" and n1[2] == "thôn, xã" and n1[3] == "= 0"
    assert n1[4:6] == ["9", "Không đạt"]
    assert n1[6:10] == ["6", "4", "0", "0"]
    assert n1[10] == "Thôn 3, Thôn 4, Thôn 6, Thôn 7"
    link = soup.find("tr", id="indicator-N1").select_one("td.failing a")
    assert link["href"] == "/communes/15178/map?month=2025-10&layer=N1"
    p19 = _cells(soup, "indicator-P19")  # commune only: value, target, status
    assert p19[3:6] == ["< 10", "6", "Đạt"] and p19[6] == "—"
    p02 = _cells(soup, "indicator-P02")
    assert p02[3] == "≥ 100%"
    assert soup.select_one("#score .figure").get_text() == "83%"  # 29 of 35 (0.8286)


def test_national_criteria_and_the_villages_blocking_recognition(full_shared):
    soup = _page(full_shared.client("police"), f"{URL}?month=2025-10")
    national = soup.find("section", id="national")
    assert soup.select_one("#national-status .status")["class"] == ["status", "status-not_met"]
    assert [_cells(soup, f"national-N{i}")[2] for i in (1, 2, 3)] == ["Không đạt"] * 3
    assert _cells(soup, "national-N3")[3:8] == ["8", "2", "0", "0", "Thôn 4, Thôn 7"]
    blocking = [li.get_text(" ", strip=True) for li in national.select("ul.blocking li")]
    assert blocking == ["Thôn 3 : N1", "Thôn 4 : N1, N3", "Thôn 5 : N2", "Thôn 6 : N1",
                        "Thôn 7 : N1, N2, N3"]


def test_risk_levels_of_the_commune_and_villages_labelled_as_an_analogy(full_shared):
    soup = _page(full_shared.client("police"), f"{URL}?month=2025-10")
    risk = soup.find("section", id="risk")
    assert "cách tính tương tự" in risk.get_text()
    levels = {tr.find_all("td")[0].get_text(): tr.find("span")["class"][1]
              for tr in risk.select("tbody tr")}
    assert levels["Thôn 7"] == "risk-I" and levels["Thôn 4"] == "risk-II"
    assert levels["Thôn 1"] == "risk-III" and levels["Thôn 2"] == "risk-none"
    assert risk.find("span", class_="risk-I").get_text() == (
        "Địa bàn trọng điểm phức tạp về ma túy loại I")
    assert soup.select_one("#commune-risk .figure")["class"] == ["figure", "risk", "risk-III"]


def test_tasks_with_status_and_dates_and_the_next_report(full_shared):
    client = full_shared.client("police")
    soup = _page(client, f"{URL}?month=2025-01")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in soup.select("#tasks tbody tr")]
    assert len(rows) == 7
    statuses = [r[2] for r in rows]
    assert {"Quá hạn", "Đã hoàn thành", "Chưa đến hạn"} == set(statuses)
    assert rows[5][1:] == ["28/02/2025", "Đã hoàn thành", "24/01/2025",  # T6, model early
                           "Theo chỉ tiêu P07"]
    assert rows[6][1:4] == ["31/12/2025", "Chưa đến hạn", "—"]            # T7, 3/1 model
    assert rows[0][1:4] == ["15/11/2024", "Quá hạn", "—"]  # T1, not marked done by hand
    assert soup.select_one("#task-T1 form input[name=done_on]")  # the police may mark it
    report = soup.select_one("#next-report").get_text(" ", strip=True)
    assert report.startswith("15/02/2025 Báo cáo tiếp theo phải nộp:")
    assert "gửi Công an huyện Cẩm Thủy" in report
    later = _page(client, f"{URL}?month=2025-10")
    t5 = [td.get_text(strip=True) for td in later.select("#tasks tbody tr")[4].find_all("td")]
    assert t5[1:] == ["14/12/2024", "Hoàn thành muộn", "03/08/2025", "Theo chỉ tiêu P06"]


def test_no_data_is_shown_apart_from_not_met(full_shared):
    soup = _page(full_shared.client("police"), f"{URL}?month=2025-03")
    p14 = soup.find("tr", id="indicator-P14")
    cells = _cells(soup, "indicator-P14")
    assert cells[7:9] == ["1", "1"]  # not met: T06; no data: T10
    assert p14.select_one("td.failing a").get_text() == "Thôn 6"
    assert p14.select_one("td.failing .missing").get_text() == "(chưa có số liệu: Thôn 10)"
    # before QĐ 28 is in force there is no national criterion and no risk level
    assert soup.find("section", id="risk") is None
    assert "chưa áp dụng tiêu chí quốc gia" in soup.find("section", id="national").get_text()


@pytest.mark.parametrize("role", ["leader", "viewer"])
def test_leader_and_viewer_see_the_same_statuses_and_no_person_code(full_shared, role):
    with full_shared.sessions() as session:
        codes = set(session.scalars(select(Person.code)))
    assert len(codes) > 40
    police = full_shared.client("police")
    other = full_shared.client(role)
    for month in ("2025-03", "2025-10"):
        seen = other.get(f"{URL}?month={month}").text
        assert not [c for c in codes if c in seen]
        shown, reference = (BeautifulSoup(t, "html.parser") for t in (
            seen, police.get(f"{URL}?month={month}").text))
        for soup in (shown, reference):
            for form in soup.select("form, td.task-how, .police-only"):
                form.decompose()  # the account box names the user; police mark tasks
                # and see the names of the venues overdue
        if role == "leader":  # the same page but for person codes (there are none shown)
            assert shown.select_one("main").get_text() == reference.select_one(
                "main").get_text()
        else:  # the viewer's counts of people may be masked: the statuses are the same
            assert shown.select(".status")
            assert [td.get_text() for td in shown.select(".status")] == [
                td.get_text() for td in reference.select(".status")]


def _one_addict(sessions) -> None:
    with transaction(sessions) as session:
        ctx = Context.load(session, "15178")
        rows, problems = check_rows(BY_NAME["persons"], [(2, {
            "code": "CT-901", "village": "T01", "category": "addict",
            "status": "no_treatment", "status_date": "01/09/2025", "file_opened": "có",
            "file_opened_date": "02/09/2025"})], ctx)
        assert problems == []
        save_rows(session, BY_NAME["persons"], rows, ctx, actor="test", source="test")


def test_viewers_see_the_status_of_a_count_of_people_not_the_count(demo, settings):
    _one_addict(demo)
    values = {}
    for role in ("police", "leader", "viewer"):
        soup = _page(client_as(settings, demo, role), f"{URL}?month=2025-09")
        values[role] = _cells(soup, "indicator-N1")[4:6]
        assert "CT-901" not in str(soup) or role == "police"
    assert values == {"police": ["1", "Không đạt"], "leader": ["1", "Không đạt"],
                      "viewer": ["—", "Không đạt"]}


def test_default_month_bad_month_english_and_the_top_bar_link(client):
    month = loading.current_month()  # no record at all: this month
    soup = _page(client, URL)
    assert f"{month[5:]}/{month[:4]}" in soup.h1.get_text()
    assert soup.select_one("select[name=month] option[selected]")["value"] == month
    assert client.get(f"{URL}?month=2025-13").status_code == 400
    assert client.get("/communes/99999/dashboard").status_code == 404
    english = _page(client, f"{URL}?month=2025-10&lang=en")
    assert english.h1.get_text(strip=True).startswith("Dashboard")
    assert [c.get_text() for c in english.select("#national thead th")][:3] == [
        "Criterion", "Content", "Commune"]
    on_map = _page(client, "/communes/15178/map?lang=vi")
    assert on_map.find("a", href=URL).get_text() == "Bảng tổng hợp"


def test_month_list_and_default_as_on_the_map_and_a_month_before_every_plan(full_shared):
    client = full_shared.client("leader")
    soup = _page(client, URL)  # default: the latest month with records, as on the map
    assert "tháng 12/2025" in soup.h1.get_text()
    options = [o["value"] for o in soup.select("select[name=month] option")]
    assert options[0] == "2025-12" and options[-1] == "2024-10" and len(options) == 15
    on_map = _page(client, "/communes/15178/map")
    assert [o["value"] for o in on_map.select("select[name=month] option")] == options
    assert on_map.select_one("select[name=month] option[selected]")["value"] == "2025-12"
    assert soup.select_one(".no-plan") is None
    # 10/2024: the broadcasts before the plan; nothing is assessed, and the page says
    # why and when the commune's plans apply
    before = _page(client, f"{URL}?month=2024-10")
    notice = " ".join(before.select_one(".no-plan").get_text(" ", strip=True).split())
    assert notice.startswith("Tháng 10/2024 không có kế hoạch, tiêu chí nào có hiệu lực")
    assert "có hiệu lực từ 20/11/2024 đến 31/12/2025" in notice
    assert "(QĐ 28/2025/QĐ-TTg): có hiệu lực từ 24/08/2025" in notice
    assert before.select_one("#score .figure").get_text(strip=True) == "—"
    blank_map = _page(client, "/communes/15178/map?month=2024-10&lang=en")
    assert "No plan is in force in 10/2024" in blank_map.select_one(".no-plan").get_text()
