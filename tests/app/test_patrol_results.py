"""Issue 13, points 4-6: the patrol's results in one form, the venue page, the open-tips
board and the dashboard's alerts; forms submitted with the page's own hidden fields."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from app import store
from tests.app.test_patrol import (  # noqa: F401  (fixtures)
    DAY,
    _save_venues,
    police,
    records,
)
from tests.factories import save_records

RESULTS = f"/communes/15178/patrol/results?day={DAY}&venue=CS-04&venue=CS-08"


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _form(page: BeautifulSoup) -> dict:
    """What the browser would send as the page stands: hidden fields, inputs, selects."""
    form = page.select_one("form.results-form")
    data = {i["name"]: i.get("value", "") for i in form.select("input")
            if i.get("type") not in ("checkbox",) or i.has_attr("checked")}
    data["stop"] = [i["value"] for i in form.select("input[name=stop]")]
    for select in form.select("select"):
        chosen = select.select_one("option[selected]")
        data[select["name"]] = chosen["value"] if chosen else ""
    data |= {t["name"]: t.text for t in form.select("textarea")}
    return data


def _due(client, code: str) -> bool:
    page = _soup(client.get(f"/communes/15178/patrol?day={DAY}"))
    return "due" in page.select_one(f'tr[data-code="{code}"]')["class"]


def _post(client, page: BeautifulSoup, **values):
    action = page.select_one("form.results-form")["action"]
    return client.post(action, data=_form(page) | values, follow_redirects=False)


def test_results_saved_as_inspections_and_the_due_list_changes_at_once(police):  # noqa: F811
    before = police.get("/api/communes/15178/compliance?month=2025-12").json()
    assert _due(police, "CS-04") and _due(police, "CS-08")
    page = _soup(police.get(RESULTS))
    rows = page.select(".results-table tbody tr")
    assert [r["data-code"] for r in rows] == ["CS-04", "CS-08"]
    assert page.select_one("input[name=date-0]")["value"] == "15/12/2025"  # the patrol day
    assert page.select_one("input[name=csrftoken]")  # the form's own hidden field
    response = _post(police, page, **{"team": "Tổ 2", "result-0": "violation",
                                      "drug_finding-0": "on", "note-0": "Phòng 3 có dụng cụ"})
    assert response.status_code == 303
    assert "saved=1" in response.headers["location"]
    assert "Đã lưu kết quả kiểm tra: 1" in police.get(response.headers["location"]).text
    assert not _due(police, "CS-04") and _due(police, "CS-08")  # CS-08 left blank: skipped
    venue = _soup(police.get("/communes/15178/venues/CS-04"))
    history = venue.select(".inspections-table tbody tr")
    assert len(history) == 1 and "Tổ 2" in history[0].text and "có vi phạm" in history[0].text
    after = police.get("/api/communes/15178/compliance?month=2025-12").json()
    assert after != before  # the map's figures are computed again, not cached


def test_results_refused_all_or_nothing_beside_the_field_naming_the_venue(police):  # noqa: F811
    page = _soup(police.get(RESULTS))
    response = _post(police, page, **{"result-0": "ok", "result-1": "ok",
                                      "date-1": "31/02/2025", "note-0": "gọi 0912345678"})
    assert response.status_code == 422
    refused = _soup(response)
    assert "Chưa lưu gì" in refused.select_one(".notice.error").text
    date_error = refused.select_one('tr[data-code="CS-08"] .has-error .error').text
    assert "Nhà nghỉ Thanh Bình" in date_error and "31/02/2025" in date_error
    note_error = refused.select_one('tr[data-code="CS-04"] .has-error .error').text
    assert "Karaoke Sao Mai" in note_error and "0912345678" in note_error
    assert refused.select_one("select[name=result-1] option[selected]")["value"] == "ok"
    assert _due(police, "CS-04") and _due(police, "CS-08")  # nothing saved
    empty = _post(police, _soup(police.get(RESULTS)))
    assert empty.status_code == 422 and "ít nhất một cơ sở" in empty.text
    future = (store.today() + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    late = _post(police, page, **{"result-0": "ok", "date-0": future})
    assert late.status_code == 422 and _due(police, "CS-04")
    bad = _post(police, page, **{"result-0": "burned"})
    assert bad.status_code == 422 and "burned" in bad.text


def test_rows_saved_are_the_rows_shown_when_the_due_list_changed(police):  # noqa: F811
    page = _soup(police.get(f"/communes/15178/patrol/results?day={DAY}"))  # the due venues
    shown = [r["data-code"] for r in page.select(".results-table tbody tr")]
    assert sorted(shown) == ["CS-04", "CS-08", "CS-11", "CS-20"]
    # meanwhile another officer records the first row's venue: it is no longer due
    assert save_records(police.app.state.sessions, "inspections", [
        {"venue": shown[0], "date": "14/12/2025", "result": "ok"}]) == []
    assert _post(police, page, **{"result-1": "violation"}).status_code == 303
    venue = _soup(police.get(f"/communes/15178/venues/{shown[1]}"))
    assert "có vi phạm" in venue.select_one(".inspections-table").text
    first = _soup(police.get(f"/communes/15178/venues/{shown[0]}"))
    assert len(first.select(".inspections-table tbody tr")) == 1


def test_results_linked_from_the_patrol_page_and_its_route(shared):
    officer = shared.client("police")
    page = _soup(officer.get(f"/communes/15178/patrol?day={DAY}&venue=CS-04&venue=CS-20"))
    link = page.select_one("#enter-results")["href"]
    assert link.endswith("venue=CS-04&venue=CS-20")
    form = _soup(officer.get(link))
    assert [r["data-code"] for r in form.select(".results-table tbody tr")] == [
        "CS-04", "CS-20"]
    assert page.select_one('.patrol-table a[href="/communes/15178/venues/CS-04"]')
    assert officer.get("/communes/15178/patrol/results?venue=XX").status_code == 400


def test_venue_page_history_last_result_next_due_and_reasons(shared):
    officer = shared.client("police")
    page = _soup(officer.get(f"/communes/15178/venues/CS-06?day={DAY}"))
    assert page.select_one("h1").text == "Nhà nghỉ Phúc Lộc"
    assert "10/12/2025" in page.select_one("#last-result").text
    assert page.select_one("#next-due").text == "24/01/2026"  # 45 days after a finding
    reasons = page.select_one(".reasons").text
    assert "chu kỳ rút ngắn còn 45 ngày" in reasons
    history = page.select(".inspections-table tbody tr")
    assert len(history) == 1 and "có" in history[0].select("td")[3].text
    never = _soup(officer.get(f"/communes/15178/venues/CS-04?day={DAY}"))
    assert "Chưa từng kiểm tra" in never.select_one(".inspections-table").text
    assert "chưa từng kiểm tra" in never.select_one(".reasons").text
    assert officer.get("/communes/15178/venues/KHONG-CO").status_code == 404


TIPS = [  # received 01/11 open: overdue on 15/12; settled late; in time; open in time
    {"code": "NT-1", "received": "01/11/2025", "channel": "phone", "village": "T01",
     "status": "received"},
    {"code": "NT-2", "received": "01/11/2025", "channel": "vneid", "village": "T02",
     "status": "settled", "settled_date": "30/11/2025"},
    {"code": "NT-3", "received": "01/12/2025", "channel": "phone", "village": "T02",
     "status": "settled", "settled_date": "05/12/2025"},
    {"code": "NT-4", "received": "10/12/2025", "channel": "tip_box", "village": "T01",
     "status": "verified", "verified_date": "12/12/2025"},
]


@pytest.fixture(scope="module")
def shared(demo_shared):
    """The venues, inspections (``records``) and tips above saved once into the module's
    shared app, for the tests that only read them."""
    _save_venues(demo_shared.sessions)
    assert save_records(demo_shared.sessions, "tips", TIPS) == []
    return demo_shared


def _board(client, query: str) -> dict[str, list[str]]:
    page = _soup(client.get(f"/communes/15178/tips?day={DAY}&{query}"))
    return {tr["data-code"]: [td.text for td in tr.select("td")]
            for tr in page.select(".tips-table tbody tr[data-code]")}


def test_tips_board_days_open_deadline_and_filters(shared):
    officer = shared.client("police")
    shown = _board(officer, "show=open")
    assert list(shown) == ["NT-1", "NT-4"]  # the longest open first
    assert shown["NT-1"][1:4] == ["01/11/2025", "21/11/2025", "44"]  # 20-day deadline
    assert shown["NT-4"][3] == "5"
    assert list(_board(officer, "show=overdue")) == ["NT-1"]
    late = _board(officer, "show=late")
    assert list(late) == ["NT-2"] and late["NT-2"][3] == "29"
    assert set(_board(officer, "show=all")) == {"NT-1", "NT-2", "NT-3", "NT-4"}
    assert list(_board(officer, "show=all&village=T02&channel=phone")) == ["NT-3"]
    page = officer.get("/communes/15178/tips?show=everything")
    assert page.status_code == 400 and "everything" in page.text
    assert officer.get("/communes/15178/tips?village=T99").status_code == 400


def _alerts(client, month: str) -> BeautifulSoup | None:
    page = _soup(client.get(f"/communes/15178/dashboard?month={month}"))
    return page.select_one("#alerts")


def test_dashboard_alerts_names_for_the_police_counts_for_the_others(shared):
    # On 31/12/2025: NT-1 and NT-4 (due 30/12) open past their deadline; CS-04, CS-08,
    # CS-11 and CS-20 never inspected (overdue by a whole interval); CS-01 by a day only.
    officer = shared.client("police")
    alerts = _alerts(officer, "2025-12")
    assert "Nguồn tin quá hạn giải quyết: 2" in alerts.select_one(".alert-tips").text
    venues = alerts.select_one(".alert-venues").text
    assert "quá một tuần: 4" in venues and "Karaoke Sao Mai" in venues
    assert "Karaoke Hoàng Gia" not in venues
    for role in ("leader", "viewer"):
        client = shared.client(role)
        shown = _alerts(client, "2025-12")
        assert "quá một tuần: 4" in shown.select_one(".alert-venues").text
        assert "Karaoke" not in shown.text and "/tips" not in str(shown)
