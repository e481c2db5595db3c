"""The patrol page, its sheet (PDF and workbook) and the ``xkmt patrol`` command, on
records saved as an import saves them."""

from __future__ import annotations

import io
import itertools
import unicodedata

import openpyxl
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from pyproj import Transformer
from sqlalchemy import event

from app.cli.main import main
from tests.conftest import client_as
from tests.factories import save_records

DAY = "2025-12-15"
STATION = (20.1309, 105.5341)  # the demo's assumed police station (settings default)
VENUES = [  # code, name, kind, village, lat, lon
    ("CS-01", "Karaoke Hoàng Gia", "karaoke", "T01", 20.1407442, 105.5243995),
    ("CS-04", "Karaoke Sao Mai", "karaoke", "T10", 20.120423, 105.5575155),
    ("CS-06", "Nhà nghỉ Phúc Lộc", "guesthouse", "T03", 20.1455153, 105.5421304),
    ("CS-08", "Nhà nghỉ Thanh Bình", "guesthouse", "T10", 20.1181471, 105.5554588),
    ("CS-11", "Internet Thành Công", "internet_cafe", "T06", 20.1281236, 105.5337217),
]
UNLOCATED = ("CS-20", "Quán bar Đồi Thông", "bar", "T05")


def _save_venues(sessions) -> None:
    """The venues above and two inspections."""
    rows = [{"code": c, "name": n, "kind": k, "village": v, "lat": la, "lon": lo}
            for c, n, k, v, la, lo in VENUES]
    rows.append(dict(zip(("code", "name", "kind", "village"), UNLOCATED, strict=True)))
    assert save_records(sessions, "venues", rows) == []
    # CS-01 inspected 30/11 (not due till 30/12); CS-06 found drugs on 10/12: not due;
    # the others never inspected: due.
    assert save_records(sessions, "inspections", [
        {"venue": "CS-01", "date": "30/11/2025", "result": "ok"},
        {"venue": "CS-06", "date": "10/12/2025", "result": "violation",
         "drug_finding": "có"}]) == []


@pytest.fixture
def records(demo):
    _save_venues(demo)
    return demo


@pytest.fixture
def police(records, settings):
    return client_as(settings, records, "police", "patrol-police")


@pytest.fixture(scope="module")
def records_shared(demo_shared):
    """``records`` saved once into the module's shared app (``demo_shared``), for the
    tests that only read them."""
    _save_venues(demo_shared.sessions)
    return demo_shared


@pytest.fixture
def police_shared(records_shared):
    return records_shared.client("police")


def _metric(lat, lon):
    return Transformer.from_crs(4326, 32648, always_xy=True).transform(lon, lat)


def _best_orders(codes: list[str]) -> list[list[str]]:
    """Brute force over every order: the shortest closed tour from the station, in both
    directions (a closed tour is as long either way)."""
    where = {c: _metric(la, lo) for c, _n, _k, _v, la, lo in VENUES}
    start = _metric(*STATION)

    def length(order):
        path = [start, *(where[c] for c in order), start]
        return sum(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
                   for a, b in itertools.pairwise(path))
    best = list(min(itertools.permutations(codes), key=length))
    return [best, best[::-1]]


def _in_order(text: str, names: list[str]) -> bool:
    places = [text.index(name) for name in names]
    return places == sorted(places)


def test_due_list_with_reasons_and_factors(police_shared):
    police = police_shared
    page = BeautifulSoup(police.get(f"/communes/15178/patrol?day={DAY}").text, "html.parser")
    rows = {tr["data-code"]: tr for tr in page.select(".patrol-table tbody tr")}
    assert set(rows) == {c for c, *_ in VENUES} | {UNLOCATED[0]}
    # never inspected and due: the reason and the factor with its points
    assert "due" in rows["CS-04"]["class"]
    assert "chưa từng kiểm tra" in rows["CS-04"].text
    assert "Chưa từng kiểm tra: 4" in rows["CS-04"].select_one(".factors").text
    # drugs found on 10/12: interval 90 halved to 45, not due, scored 5 + 2
    assert "not-due" in rows["CS-06"]["class"]
    assert "số lần kiểm tra phát hiện ma túy trong 12 tháng: 1" in rows["CS-06"].text
    assert "chu kỳ rút ngắn còn 45 ngày" in rows["CS-06"].text
    assert rows["CS-06"].select_one(".score").text == "7"
    assert "cần xác định vị trí" in rows["CS-20"].text


def test_picked_venues_routed_in_the_shortest_order_and_drawn(police_shared):
    police = police_shared
    picked = ["CS-01", "CS-04", "CS-06", "CS-08", "CS-11", "CS-20"]
    query = f"day={DAY}&" + "&".join(f"venue={c}" for c in picked)
    page = BeautifulSoup(police.get(f"/communes/15178/patrol?{query}").text, "html.parser")
    order = [li["data-code"] for li in page.select(".route-stops li")]
    assert order in _best_orders(picked[:-1])  # CS-20 has no point: not routed
    assert "Quán bar Đồi Thông" in page.select_one(".needs-location").text
    data = page.select_one("#patrol-data")
    assert data["type"] == "application/json"
    assert "Hoàng Gia" not in "".join(s.text for s in page.select("script:not([type])"))
    assert {b["name"] for b in page.select("input[type=checkbox]:checked")} == {"venue"}


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))


def test_sheet_pdf_and_xlsx_list_the_venues_in_route_order(police_shared):
    police = police_shared
    picked = ["CS-04", "CS-11", "CS-01", "CS-08", "CS-06", "CS-20"]
    query = f"day={DAY}&team=Tổ+1&" + "&".join(f"venue={c}" for c in picked)
    names = {c: n for c, n, *_ in VENUES}
    pdf = police.get(f"/communes/15178/patrol/sheet.pdf?{query}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)  # names found whole: diacritics intact
    expected = next(names_ for names_ in ([names[c] for c in order]
                                          for order in _best_orders(picked[:-1]))
                    if _in_order(text, names_))
    assert text.index("Quán bar Đồi Thông") > text.index(expected[-1])  # not routed
    for heading in ("STT", "Cơ sở", "Thôn", "Lần kiểm tra", "Lý do kiểm tra", "Kết quả",
                    "Ký xác nhận", "đường chim bay", "15/12/2025", "Tổ 1",
                    "Đơn vị: Công an xã Cẩm Tân"):  # the unit heads the sheet (PAPER.md)
        assert heading in text
    fonts = {str(f) for page in PdfReader(io.BytesIO(pdf.content)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert fonts  # embedded fonts (fpdf2 subsets DejaVu Sans)
    xlsx = police.get(f"/communes/15178/patrol/sheet.xlsx?{query}")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).isdigit()]
    assert [r[1].split(" (")[0] for r in rows] == expected
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(expected) + 1)]


@pytest.mark.parametrize(("query", "said"), [
    ("day=2025-13-01", "không phải là một ngày"),
    ("day=15%2F12%2F2025&end=abc", "không phải là một điểm"),
    ("day=2025-12-15&end=95,105", "không phải là một điểm"),
    ("day=2025-12-15&venue=KHONG-CO", "Không có cơ sở đang hoạt động nào mang mã KHONG-CO"),
])
def test_bad_input_is_refused_with_a_message(police_shared, query, said):
    police = police_shared
    for path in ("patrol", "patrol/sheet.pdf", "patrol/sheet.xlsx"):
        response = police.get(f"/communes/15178/{path}?{query}")
        assert response.status_code == 400, path
        assert said in response.text


def test_leaders_and_viewers_do_not_get_patrols(records_shared):
    for role in ("leader", "viewer"):
        client = records_shared.client(role)
        for path in ("patrol", "patrol/sheet.pdf", "patrol/sheet.xlsx"):
            assert client.get(f"/communes/15178/{path}").status_code == 403
        assert "/patrol" not in client.get("/communes/15178/dashboard").text


@pytest.fixture
def cli(records_shared, monkeypatch):
    """``xkmt`` on the shared database of the records (the command only reads it)."""
    monkeypatch.setenv("XKMT_DATABASE_URL", records_shared.settings.database_url)
    monkeypatch.setenv("XKMT_SECRET_KEY", "test")
    return lambda *args: main(list(map(str, args)))


def test_cli_writes_the_sheet_of_the_due_venues(cli, tmp_path, capsys):
    out = tmp_path / "phieu.pdf"
    assert cli("patrol", "--commune", "15178", "--date", DAY, "-o", out) == 0
    said = capsys.readouterr().out
    assert "3 điểm theo thứ tự lộ trình" in said and "CS-20" in said
    text = _pdf_text(out.read_bytes())
    names = {c: n for c, n, *_ in VENUES}
    assert any(_in_order(text, [names[c] for c in order])
               for order in _best_orders(["CS-04", "CS-08", "CS-11"]))
    assert "Karaoke Hoàng Gia" not in text
    book = tmp_path / "phieu.xlsx"
    assert cli("patrol", "--commune", "15178", "--date", DAY, "--venues", "CS-01,CS-06",
               "-o", book) == 0
    rows = [r for r in openpyxl.load_workbook(book).active.iter_rows(values_only=True)
            if r[0] and str(r[0]).isdigit()]
    assert sorted(r[1].split(" (")[0] for r in rows) == ["Karaoke Hoàng Gia",
                                                         "Nhà nghỉ Phúc Lộc"]


@pytest.mark.parametrize(("args", "said"), [
    (("--date", "31/02/2025", "-o", "{tmp}/a.pdf"), "không phải là một ngày"),
    (("--date", DAY, "-o", "{tmp}/a.docx"), "phải có đuôi .pdf hoặc .xlsx"),
    (("--date", DAY, "-o", "{tmp}/no/such/a.pdf"), "không tồn tại"),
    (("--date", DAY, "--venues", "CS-01,XX", "-o", "{tmp}/a.pdf"), "mang mã XX"),
    (("--date", DAY, "--end", "trụ sở", "-o", "{tmp}/a.pdf"), "không phải là một điểm"),
    (("--date", "2025-10-01", "--venues", "", "-o", "{tmp}/a.pdf"), None),
])
def test_cli_bad_arguments_say_why_in_vietnamese(cli, tmp_path, capsys, args, said):
    args = [a.format(tmp=tmp_path) for a in args]
    code = cli("patrol", "--commune", "15178", *args)
    err = capsys.readouterr().err
    if said is None:  # 01/10/2025: every venue is due (never inspected): a sheet
        assert code == 0
        return
    assert code == 2 and said in err
    assert not list(tmp_path.glob("a.*"))


def test_leaders_and_viewers_see_per_village_venues_inspected_on_time(records_shared):
    # On 31/12/2025 (the month of the records; the dashboard of 12/2025): CS-01 inspected
    # 30/11 (karaoke, 30 days: due 30/12) is overdue by a day; CS-06 (drugs found 10/12:
    # 45 days) is on time; the others were never inspected. Thôn 3: 1 of 1.
    for role in ("leader", "viewer", "police"):
        client = records_shared.client(role)
        page = BeautifulSoup(client.get("/communes/15178/dashboard?month=2025-12").text,
                             "html.parser")
        table = page.select_one("#venue-inspections table")
        rows = {tr["data-village"]: [td.text for td in tr.select("td")]
                for tr in table.select("tbody tr")}
        assert rows["T03"] == ["Thôn 3", "1", "1 (100%)"]
        assert rows["T01"] == ["Thôn 1", "1", "0 (0%)"]
        assert rows["T10"] == ["Thôn 10", "2", "0 (0%)"]
        assert sum(int(r[1]) for r in rows.values()) == 6
        assert "Karaoke Hoàng Gia" not in table.text


def test_the_due_list_reads_the_record_tables_once_per_data_version(police, records):
    """The patrol page, its sheet and the results form read the due list from the
    frame's cached record tables: nothing selects from the inspections again until a
    record changes; then the due list reads the new one."""
    url = f"/communes/15178/patrol?day={DAY}"
    assert police.get(url).status_code == 200
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(police.app.state.engine, "before_cursor_execute", listen)
    for path in (url, f"/communes/15178/patrol/sheet.xlsx?day={DAY}",
                 f"/communes/15178/patrol/results?day={DAY}&venue=CS-04"):
        assert police.get(path).status_code == 200, path
    assert seen and not [s for s in seen if "FROM inspection" in s]
    assert save_records(records, "inspections", [
        {"venue": "CS-04", "date": "14/12/2025", "result": "ok"}]) == []
    page = BeautifulSoup(police.get(url).text, "html.parser")
    assert "not-due" in page.select_one('tr[data-code="CS-04"]')["class"]
    assert [s for s in seen if "FROM inspection" in s]
    event.remove(police.app.state.engine, "before_cursor_execute", listen)
