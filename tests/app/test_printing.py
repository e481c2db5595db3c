"""Printed maps and the meeting atlas from the web (/communes/{code}/print, /atlas, the
map page's dialog) and the command line (xkmt print, xkmt atlas): Vietnamese text intact,
sizes, privacy as on screen, every print audited, bad options refused clearly."""

from __future__ import annotations

import io
import re
import socket

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app import store
from app.access import AsRole
from app.cli.main import main
from app.frame import loading, view
from app.models import AuditEvent
from tests.conftest import client_as

MONTH = "2025-10"
URL = f"/communes/15178/print?month={MONTH}"


@pytest.fixture
def full_demo(full):
    """The demo with every synthetic record (copied in from the session's template)."""
    return full


def pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def village_names(sessions) -> list[str]:
    with sessions() as session:
        return list(store.load_villages(session, "15178")["name"])


def prints_logged(sessions) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "print")))


# A print is audited: the tests that print take their own database (``full_demo``); those
# that are refused or only read pages share the module's app (``full_shared``).

def test_a_map_sheet_in_vietnamese_from_the_web(full_demo, settings):
    police = client_as(settings, full_demo, "police")
    response = police.get(URL + "&layer=score&paper=A4&orientation=landscape&signature=1")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    text = pdf_text(response.content)
    for expected in ("BẢN ĐỒ MỨC ĐỘ HOÀN THÀNH CHỈ TIÊU XÃ KHÔNG MA TÚY – THÁNG 10/2025",
                     "Xã Cẩm Tân, huyện Cẩm Thủy, tỉnh Thanh Hóa", "UBND XÃ CẨM TÂN",
                     "CÔNG AN XÃ CẨM TÂN", "CHÚ GIẢI", "Tỷ lệ chỉ tiêu đạt", "Đạt 100%",
                     "Từ 75% đến dưới 100%", "Tài liệu lưu hành nội bộ", "Người in: police_1",
                     "Số liệu tháng 10/2025, tính đến ngày 31/10/2025", "NGƯỜI LẬP",
                     "LÃNH ĐẠO DUYỆT", "Nguồn số liệu:", "Đơn vị lập: Công an xã Cẩm Tân"):
        assert expected in text, expected
    assert re.search(r"Ngày in: \d{2}/\d{2}/\d{4} \d{2}:\d{2}", text)
    assert re.search(r"Tỷ lệ 1:\d{1,3}(\.\d{3})+", text)  # Vietnamese thousands: 1:35.000
    for name in village_names(full_demo):
        assert name in text, name
    page = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (float(page.width), float(page.height)) == pytest.approx((841.89, 595.28), abs=0.5)
    [event] = prints_logged(full_demo)
    assert (event.username, event.object_type, event.object_id) == ("police_1", "map", MONTH)
    assert '"layer": "score"' in event.detail


def test_png_and_a3_portrait_from_the_web(full_demo, settings):
    leader = client_as(settings, full_demo, "leader")
    png = leader.get(URL + "&layer=N1&orientation=portrait&format=png&dpi=150&colour=bw")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == pytest.approx(
        (210 / 25.4 * 150, 297 / 25.4 * 150), abs=1)
    a3 = leader.get(URL + "&layer=risk&paper=A3&orientation=portrait")
    page = PdfReader(io.BytesIO(a3.content)).pages[0].mediabox
    assert (float(page.width), float(page.height)) == pytest.approx((841.89, 1190.55), abs=0.5)
    assert "BẢN ĐỒ MỨC ĐỘ NGUY CƠ CỦA CÁC THÔN" in pdf_text(a3.content)
    assert len(prints_logged(full_demo)) == 2


@pytest.mark.parametrize(("query", "message"), [
    ("&paper=A5", "“A5” không phải là khổ giấy: chọn A4 hoặc A3."),
    ("&orientation=sideways", "“sideways” không phải là hướng giấy"),
    ("&format=svg", "“svg” không phải là định dạng tệp"),
    ("&format=png&dpi=72", "“72” không phải là độ phân giải"),
    ("&colour=sepia", "“sepia” không phải là lựa chọn màu"),
    ("&layer=P99", "“P99” không phải là lớp bản đồ in được: chọn một trong score, change"),
])
def test_bad_print_options_are_refused_in_vietnamese(full_shared, query, message):
    police = full_shared.client("police")
    response = police.get(URL + query)
    assert response.status_code == 400
    assert message in BeautifulSoup(response.text, "html.parser").get_text()
    assert prints_logged(full_shared.sessions) == []  # nothing printed, nothing logged


def test_a_bad_month_and_english_messages(full_demo, settings):
    """Its own client: ``lang=en`` keeps the client's language English."""
    police = client_as(settings, full_demo, "police")
    response = police.get("/communes/15178/print?month=2025-13")
    assert response.status_code == 400 and "2025-13" in response.text
    english = police.get(URL + "&paper=A5&lang=en")
    assert english.status_code == 400
    assert "“A5” is not a paper size: choose A4 or A3." in english.text


def test_the_tips_layer_only_for_the_police_and_never_masked(full_demo, settings):
    police = client_as(settings, full_demo, "police")
    response = police.get(URL + "&layer=tips")
    assert response.status_code == 200
    assert "BẢN ĐỒ TIN TỐ GIÁC ĐÃ TIẾP NHẬN" in pdf_text(response.content)
    assert police.get(URL + "&layer=tips&masked=1").status_code == 400
    for role in ("leader", "viewer"):
        other = client_as(settings, full_demo, role)
        refused = other.get(URL + "&layer=tips")
        assert refused.status_code == 400
        assert "Chỉ công an được in lớp tin tố giác" in refused.text


def test_prints_are_shaped_as_the_map_is_for_each_role(full_demo, settings):
    """People per 1,000: the rate is written for the police and leaders, never for a
    viewer or on a police print masked for use outside the police."""
    police = client_as(settings, full_demo, "police")
    leader = client_as(settings, full_demo, "leader")
    viewer = client_as(settings, full_demo, "viewer")
    layer = URL + "&layer=per_thousand"
    assert "‰" in pdf_text(police.get(layer).content)
    assert "‰" in pdf_text(leader.get(layer).content)
    masked = pdf_text(police.get(layer + "&masked=1").content)
    assert "‰" not in masked and "Số người đã được che" in masked
    assert "‰" not in pdf_text(viewer.get(layer).content)
    details = [e.detail for e in prints_logged(full_demo)]
    assert sum('"masked": true' in d for d in details) == 2  # the masked one, the viewer's


def test_a_viewers_atlas_has_no_person_code_and_no_exact_small_count(full_demo, settings):
    viewer = client_as(settings, full_demo, "viewer")
    response = viewer.get(f"/communes/15178/atlas?month={MONTH}")
    assert response.status_code == 200 and response.headers["content-type"] == \
        "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = pdf_text(response.content)
    with full_demo() as session:
        codes = loading.person_codes(session, "15178")
        frame = loading.compute(session, "15178", MONTH)
    assert codes and not [c for c in codes if c in text]
    assert not re.search(r"CT-\d{3}", text)
    with full_demo() as session:
        mask = view.view_for(session, settings, "15178", MONTH, AsRole("viewer"),
                             "vi").people_mask
    small = [int(n) for n in frame.villages["people"] if 1 <= n <= mask]
    assert small, "the demo has villages with a few people on the lists"
    for count in set(small):
        assert f"Người trong danh sách: {count}\n" not in text
    assert f"Người trong danh sách: ≤{mask}" in text
    assert len(reader.pages) >= 1 + len(village_names(full_demo))
    for expected in ("TẬP BẢN ĐỒ GIAO BAN CHỈ TIÊU XÃ KHÔNG MA TÚY – THÁNG 10/2025",
                     "CÁC TIÊU CHÍ, CHỈ TIÊU CỦA XÃ", "Tháng 10/2025", "Tháng 09/2025",
                     "Tỷ lệ chỉ tiêu đạt, 6 tháng gần nhất (%)", "Mức cần đạt", "Trang 2",
                     *village_names(full_demo)):
        assert expected in text, expected
    assert "DANH SÁCH CƠ SỞ KINH DOANH" not in text  # the venue list is the police's
    [event] = prints_logged(full_demo)
    assert event.object_type == "atlas" and '"masked": true' in event.detail


def test_the_map_page_offers_the_print_dialog(full_shared):
    for role, masked in (("police", True), ("viewer", False)):
        client = full_shared.client(role)
        page = BeautifulSoup(client.get(f"/communes/15178/map?month={MONTH}&layer=N1").text,
                             "html.parser")
        form = page.select_one("details.print-dialog form.print-form")
        assert page.select_one("details.print-dialog summary").get_text() == "In bản đồ"
        assert form["action"] == "/communes/15178/print" and form["method"] == "get"
        hidden = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
        assert hidden == {"month": MONTH, "layer": "N1"}
        assert {s["name"] for s in form.select("select")} == {
            "paper", "orientation", "colour", "format"}
        assert bool(form.select("input[name=masked]")) is masked
        assert page.select_one("script[src='/static/print.js']")
        assert client.get("/static/print.js").status_code == 200


# --- the command line ------------------------------------------------------------------

@pytest.fixture
def cli(full_demo, settings, monkeypatch):
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("XKMT_SECRET_KEY", "test")
    return lambda *args: main(list(map(str, args)))


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened while printing")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_xkmt_print_and_atlas_open_no_socket(cli, full_demo, tmp_path, capsys, no_network):
    sheet = tmp_path / "map.pdf"
    assert cli("print", "--commune", "15178", "--month", MONTH, "--layer", "N1", "--paper",
               "A4", "--orientation", "landscape", "--format", "pdf", "-o", sheet) == 0
    text = pdf_text(sheet.read_bytes())
    assert "BẢN ĐỒ CHỈ TIÊU N1 – THÁNG 10/2025" in text and "Cẩm Thủy" in text
    atlas = tmp_path / "atlas.pdf"
    assert cli("atlas", "--commune", "15178", "--month", MONTH, "--view", "police",
               "-o", atlas) == 0
    err = capsys.readouterr().err
    assert "Đang lập tập bản đồ tháng 2025-10" in err
    assert "Tập bản đồ: đã vẽ thôn 10/10…" in err
    text = pdf_text(atlas.read_bytes())
    assert "DANH SÁCH CƠ SỞ KINH DOANH (CHỈ DÀNH CHO CÔNG AN)" in text
    assert "Thôn" in text and "Tân" in text and "chỉ tiêu" in text
    assert [e.object_type for e in prints_logged(full_demo)] == ["map", "atlas"]


@pytest.mark.parametrize(("args", "message"), [
    (("--paper", "A5"), "“A5” không phải là khổ giấy"),
    (("--month", "2025-13"), "“2025-13” không phải là một tháng"),
    (("--commune", "99999"), "99999"),
    (("--view", "mayor"), "“mayor” không phải là chế độ xem"),
    (("-o", "/no/such/folder/map.pdf"), "Thư mục /no/such/folder không tồn tại"),
])
def test_xkmt_print_refuses_bad_arguments_in_vietnamese(cli, tmp_path, capsys, args,
                                                       message):
    base = {"--commune": "15178", "--month": MONTH, "-o": str(tmp_path / "map.pdf")}
    extra = dict(zip(args[::2], args[1::2], strict=True))
    argv = [v for k, val in {**base, **extra}.items() for v in (k, val)]
    assert cli("print", *argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "map.pdf").exists()
