"""geo.printing: the printed map sheet (PDF and PNG) from hand-made villages: its text with
diacritics intact, page and pixel sizes, embedded fonts, no network, black and white."""

from __future__ import annotations

import io
import socket
from itertools import combinations

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import box

from geo.legends import SCORE, STATUS, VENUES
from geo.printing import MapData, Paper, PointSet, SheetTexts, render_sheet

PT_PER_MM = 72 / 25.4


@pytest.fixture
def villages() -> gpd.GeoDataFrame:
    """Three villages side by side (about 2 km each) and a tiny fourth (40 m) that no
    label fits in."""
    x0, y0, d = 105.50, 20.20, 0.02
    shapes = [box(x0, y0, x0 + d, y0 + d), box(x0 + d, y0, x0 + 2 * d, y0 + d),
              box(x0, y0 + d, x0 + 2 * d, y0 + 2 * d),
              box(x0 + 2 * d, y0, x0 + 2 * d + 0.0004, y0 + 0.0004)]
    return gpd.GeoDataFrame({"name": ["Thôn 1", "Thôn Tân Lập", "Thôn Cẩm Hưng", "Thôn Nhỏ"]},
                            index=["T01", "T02", "T03", "T04"], geometry=shapes,
                            crs="EPSG:4326")


def texts(**changes) -> SheetTexts:
    base = SheetTexts(
        issuer=["UBND XÃ CẨM TÂN", "CÔNG AN XÃ CẨM TÂN"],
        title="BẢN ĐỒ MỨC ĐỘ HOÀN THÀNH CHỈ TIÊU – THÁNG 05/2025",
        place="Xã Cẩm Tân, huyện Cẩm Thủy, tỉnh Thanh Hóa", legend_title="CHÚ GIẢI",
        legend_subtitle="Tỷ lệ chỉ tiêu đạt",
        labels={"met": "Đạt", "not_met": "Chưa đạt", "no_data": "Chưa có số liệu",
                "not_applicable": "Không áp dụng"},
        scale="Tỷ lệ {scale}", north="B", key_header=["Số", "Thôn", "Giá trị"],
        notes=["Số liệu tháng 05/2025", "Nguồn số liệu: xkmt", "Ngày in: 02/06/2025 08:30",
               "Người in: cán bộ thử"],
        internal="Tài liệu lưu hành nội bộ",
        signature=("NGƯỜI LẬP", "LÃNH ĐẠO DUYỆT", "(Ký, ghi rõ họ tên)"))
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def status_map(villages) -> MapData:
    return MapData(villages, STATUS, {"T01": "met", "T02": "not_met", "T03": "no_data",
                                      "T04": "not_applicable"},
                   {"T01": "100 %", "T02": "12,5 %", "T03": "", "T04": "3"})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_holds_title_place_villages_legend_and_printed_at(villages):
    sheet = render_sheet(status_map(villages), texts(), Paper("A4", "landscape"))
    text = pdf_text(sheet.content)
    for expected in ("BẢN ĐỒ MỨC ĐỘ HOÀN THÀNH CHỈ TIÊU – THÁNG 05/2025",
                     "Xã Cẩm Tân, huyện Cẩm Thủy, tỉnh Thanh Hóa", "CHÚ GIẢI",
                     "Tỷ lệ chỉ tiêu đạt", "Thôn 1", "Thôn Tân Lập", "Thôn Cẩm Hưng",
                     "Thôn Nhỏ", "Đạt", "Chưa đạt", "Chưa có số liệu", "Không áp dụng",
                     "12,5 %", "Ngày in: 02/06/2025 08:30", "Người in: cán bộ thử",
                     "Tài liệu lưu hành nội bộ", "NGƯỜI LẬP", "LÃNH ĐẠO DUYỆT",
                     "UBND XÃ CẨM TÂN", "CÔNG AN XÃ CẨM TÂN", "Tỷ lệ 1:"):
        assert expected in text, expected
    assert "Tỷ lệ 1:" + f"{sheet.scale:,}".replace(",", ".") in text  # 1:25.000


def test_a_village_too_small_for_its_label_gets_a_number_keyed_to_a_table(villages):
    sheet = render_sheet(status_map(villages), texts(), Paper("A4", "portrait"))
    assert [code for _n, code in sheet.keyed] == ["T04"]
    text = pdf_text(sheet.content)
    assert "Số Thôn Giá trị" in text and "1 Thôn Nhỏ 3" in text


@pytest.mark.parametrize(("size", "orientation", "points"), [
    ("A4", "portrait", (595.28, 841.89)), ("A4", "landscape", (841.89, 595.28)),
    ("A3", "portrait", (841.89, 1190.55)), ("A3", "landscape", (1190.55, 841.89))])
def test_page_sizes_in_points(villages, size, orientation, points):
    sheet = render_sheet(status_map(villages), texts(), Paper(size, orientation))
    box_ = PdfReader(io.BytesIO(sheet.content)).pages[0].mediabox
    assert (float(box_.width), float(box_.height)) == pytest.approx(points, abs=0.5)


@pytest.mark.parametrize("dpi", [150, 300])
def test_the_png_has_the_pixels_of_its_dpi(villages, dpi):
    sheet = render_sheet(status_map(villages), texts(), Paper("A4", "landscape"), "png", dpi)
    image = Image.open(io.BytesIO(sheet.content))
    assert image.size == pytest.approx((297 / 25.4 * dpi, 210 / 25.4 * dpi), abs=1)
    assert image.info.get("dpi", (dpi, dpi))[0] == pytest.approx(dpi, abs=0.1)


def test_bad_options_are_refused(villages):
    with pytest.raises(ValueError, match="A5"):
        Paper("A5")
    with pytest.raises(ValueError, match="svg"):
        render_sheet(status_map(villages), texts(), Paper(), "svg")
    with pytest.raises(ValueError, match="72"):
        render_sheet(status_map(villages), texts(), Paper(), "png", 72)


def test_the_fonts_are_embedded_truetype_with_vietnamese(villages):
    sheet = render_sheet(status_map(villages), texts(), Paper())
    page = PdfReader(io.BytesIO(sheet.content)).pages[0]
    fonts = page["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
            else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]  # TrueType, embedded


@pytest.fixture
def no_network(monkeypatch):
    """Any socket opened (a tile server, a font download) fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened while printing")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_printing_opens_no_socket(villages, no_network):
    venues = PointSet(VENUES, [105.51], [20.21], ["overdue"], ["K"])
    data = MapData(villages, SCORE, {"T01": "all", "T02": "low", "T03": "no_data"},
                   points=[venues])
    for fmt in ("pdf", "png"):
        assert render_sheet(data, texts(), Paper("A3", "portrait"), fmt).content


def _swatch_levels(sheet, dpi: int, height_px: int) -> tuple[dict, np.ndarray]:
    image = np.asarray(Image.open(io.BytesIO(sheet.content)).convert("RGB")).astype(int)
    levels = {}
    for _legend, key, x, y, w, h in sheet.swatches:
        px = lambda mm: int(round(mm / 25.4 * dpi))  # noqa: E731
        left, right = px(x + w * 0.2), px(x + w * 0.8)
        top, bottom = height_px - px(y + h * 0.8), height_px - px(y + h * 0.2)
        levels[key] = image[top:bottom, left:right].mean(axis=(0, 1))
    return levels, image


def test_black_and_white_classes_differ_in_grey_level(villages):
    dpi = 150
    data = MapData(villages, SCORE, {"T01": "half", "T02": "most", "T03": "no_data",
                                     "T04": "low"})
    sheet = render_sheet(data, texts(labels={c.key: c.label for c in SCORE.categories}),
                         Paper("A4", "landscape", colour=False), "png", dpi)
    height = int(round(210 / 25.4 * dpi))
    levels, image = _swatch_levels(sheet, dpi, height)
    assert set(levels) == set(SCORE.keys())
    spread = image.max(axis=2) - image.min(axis=2)
    assert spread.max() <= 2, "a black-and-white print has no colour"
    greys = {k: v.mean() for k, v in levels.items()}
    for a, b in combinations(greys, 2):
        assert abs(greys[a] - greys[b]) >= 12, (a, b, greys)
    # the colour print of the same map: "50 to 75 %" and "75 to 100 %" are colours whose
    # lightness is close; in black and white they are far apart
    colour = render_sheet(data, texts(), Paper("A4", "landscape"), "png", dpi)
    colours, _ = _swatch_levels(colour, dpi, height)
    assert np.ptp(colours["half"]) > 50  # orange: a colour, not a grey
