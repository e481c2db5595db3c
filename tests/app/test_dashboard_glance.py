"""The dashboard read at a glance (issue 11, point 7): last month beside this month, and
each village with the indicators it fails, the same for every role that may see
statuses."""

from __future__ import annotations

import functools

from bs4 import BeautifulSoup

from app.frame import loading

URL = "/communes/15178/dashboard"
STATUS_VI = {"met": "Đạt", "not_met": "Không đạt", "no_data": "Chưa có số liệu",
             "not_applicable": "Không áp dụng"}


def _page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


@functools.cache
def _frame(sessions, month: str):
    """The month's frame computed straight from the tables, once per database (the tests
    only read it)."""
    with sessions() as session:
        return loading.compute(session, "15178", month)


def _failing(villages, code: str, status: str = "not_met") -> list[str]:
    columns = [c for c in villages.columns if c.endswith("_status")]
    return [c.removesuffix("_status") for c in columns if villages.at[code, c] == status]




def test_last_month_is_shown_beside_this_month(full_shared):
    client = full_shared.client("leader")
    now, before = (_page(client, f"{URL}?month={m}") for m in ("2025-10", "2025-09"))
    score = before.select_one("#score .figure").get_text(strip=True)
    assert _text(now.select_one("#score .before")) == f"Tháng trước: {score}"
    assert now.select_one("#national-status .before .status")["class"] == \
        before.select_one("#national-status .figure .status")["class"]
    # a commune indicator: last month's status is the status on last month's page
    p19_then = before.select_one("#indicator-P19 td[data-label='Xã: đánh giá'] .status")
    p19_last = now.select_one("#indicator-P19 td.before .status")
    assert p19_last is not None and _text(p19_last) == _text(p19_then)
    # a village indicator: how many villages failed it last month
    earlier = _frame(full_shared.sessions, "2025-09").villages
    failed = int((earlier["N1_status"] == "not_met").sum())
    assert _text(now.select_one("#indicator-N1 td.before .units-before")) == \
        f"thôn: {failed} không đạt"
    assert _text(now.select_one("#national-N1 td.before .units-before")) == \
        f"thôn: {failed} không đạt"
    # the first month with a plan has no last month to show
    first = _page(client, f"{URL}?month=2024-11")
    assert first.select_one("#score .before") is None
    assert not first.select("td.before .status, td.before .units-before")


def test_each_village_with_the_indicators_it_fails_this_month_and_last(full_shared):
    soup = _page(full_shared.client("leader"), f"{URL}?month=2025-10")
    villages = _frame(full_shared.sessions, "2025-10").villages
    earlier = _frame(full_shared.sessions, "2025-09").villages
    rows = soup.select("#villages-failing tbody tr")
    assert len(rows) == len(villages)
    for row in rows:
        code = row["id"].removeprefix("village-")
        assert _text(row.th) == villages.at[code, "name"]
        failing = [a.get_text() for a in row.select("td.failing a")]
        assert failing == _failing(villages, code), code
        for a in row.select("td.failing a"):  # each names its indicator and leads to it
            assert a["href"] == f"/communes/15178/map?month=2025-10&layer={a.get_text()}"
            assert a["title"]
        missing = _text(row.select_one("td.missing"))
        assert missing == ", ".join(_failing(villages, code, "no_data"))
        last = _text(row.select_one("td[data-label='Không đạt tháng trước']"))
        assert last == (", ".join(_failing(earlier, code)) or "không có")
        score = villages.at[code, "score"]
        assert _text(row.select_one("td[data-label='Tỷ lệ đạt']")) == f"{round(score * 100)}%"
    # the lowest score first: who fails most is read first
    order = [villages.at[r["id"].removeprefix("village-"), "score"] for r in rows]
    assert order == sorted(order) and order[0] < order[-1]
    assert any(r.select("td.failing a") for r in rows)


def test_the_village_table_shows_viewers_the_same_statuses_and_no_count(full_shared):
    """Only statuses and the scores they give (as the map shows every role): a viewer's
    table is the leader's, and holds no count of people."""
    tables = {}
    for role in ("leader", "viewer"):
        soup = _page(full_shared.client(role), f"{URL}?month=2025-10")
        table = soup.select_one("#villages-failing")
        assert table is not None and table.select("td.failing a"), role
        tables[role] = str(table)
    assert tables["viewer"] == tables["leader"]
    assert "≤" not in tables["viewer"]  # no masked count of people either


def test_english_headings(full_shared):
    client = full_shared.own_client("leader")  # ?lang=en sets its language cookie
    soup = _page(client, f"{URL}?month=2025-10&lang=en")
    assert _text(soup.select_one("#villages-failing h2")) == "Villages: which fail and why"
    assert _text(soup.select_one("#score .before")).startswith("Last month: ")
    assert _text(soup.select_one("#indicator-N1 td.before .units-before")).startswith(
        "village: ")
