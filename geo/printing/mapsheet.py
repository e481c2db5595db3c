"""One printed map sheet: the title block, the map of a layer for a commune and month,
its legend ("CHÚ GIẢI"), scale, north arrow, the notes (data month, source, printed at
and by), "internal document" and an optional signature block; as PDF (vector, fonts
embedded) or PNG.

Every text arrives translated and every figure already shaped for the reader
(:class:`SheetTexts`, :class:`MapData`): this module lays out and draws, it decides
nothing about who may see what.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from matplotlib.figure import Figure

from geo.printing.layout import Flow
from geo.printing.mapdraw import MapData, PointSet, draw_map, north_arrow, scale_bar
from geo.printing.paper import DPIS, FORMATS, PT_MM, Paper, font_family, group_thousands

__all__ = ["MapData", "PointSet", "Sheet", "SheetTexts", "render_sheet"]
MARGIN = 10.0  # mm


@dataclass
class SheetTexts:
    """The words of a sheet, translated.

    ``issuer``: lines of the issuing body, top left ("UBND XÃ CẨM TÂN", "CÔNG AN XÃ CẨM
    TÂN"); ``title`` (upper case) and ``place``; ``legend_title`` ("CHÚ GIẢI"),
    ``legend_subtitle`` (the layer), ``labels`` (category key -> label) and
    ``mark_labels``; ``point_labels``: per point legend key, its title and labels;
    ``scale`` with ``{scale}`` ("Tỷ lệ {scale}"), ``thousands`` (".") and ``units``
    ("m", "km"); ``north`` ("B"); ``key_header`` (the headings of the table of numbered
    villages); ``notes`` (data month, source, unit, printed at, printed by);
    ``internal`` ("Tài liệu lưu hành nội bộ"); ``signature``: the two headings and the
    hint under them, or None.
    """

    issuer: list[str]
    title: str
    place: str
    legend_title: str
    legend_subtitle: str
    labels: dict[str, str]
    scale: str
    north: str
    key_header: list[str]
    notes: list[str]
    internal: str
    mark_labels: dict[str, str] = field(default_factory=dict)
    point_labels: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    thousands: str = "."
    units: tuple[str, str] = ("m", "km")
    signature: tuple[str, str, str] | None = None


@dataclass
class Sheet:
    """A rendered sheet: its bytes, the scale denominator, the numbered villages and the
    legend swatches drawn ((legend, category, x, y, w, h) in mm from the bottom left)."""

    content: bytes
    scale: int
    keyed: list[tuple[int, str]]
    swatches: list
    size_mm: tuple[float, float]


def render_sheet(data: MapData, texts: SheetTexts, paper: Paper, fmt: str = "pdf",
                 dpi: int = 150) -> Sheet:
    """Draw one map sheet and return it as PDF or PNG (``dpi`` 150 or 300).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from geo.legends import STATUS
    >>> v = gpd.GeoDataFrame({"name": ["Thôn 1"]}, index=["T01"],
    ...                      geometry=[box(105.5, 20.2, 105.52, 20.22)], crs="EPSG:4326")
    >>> texts = SheetTexts(["CÔNG AN XÃ"], "BẢN ĐỒ", "Xã A", "CHÚ GIẢI", "N1",
    ...                    {"met": "Đạt"}, "Tỷ lệ {scale}", "B", ["Số", "Thôn", ""], [], "")
    >>> sheet = render_sheet(MapData(v, STATUS, {"T01": "met"}), texts, Paper())
    >>> sheet.content[:5], sheet.scale
    (b'%PDF-', 15000)
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")
    if fmt == "png" and dpi not in DPIS:
        raise ValueError(f"dpi {dpi!r} is not one of {DPIS}")
    font_family()
    fig = Figure(figsize=paper.inches)
    width, height = paper.mm
    pt = 8.5 * paper.font_scale
    map_top = _title_block(fig, texts, width, height, pt)
    if paper.orientation == "landscape":
        panel_w = 78 * paper.font_scale
        rect = (MARGIN, MARGIN, width - 2 * MARGIN - panel_w - 5, map_top - MARGIN)
        first = Flow(fig, width - MARGIN - panel_w, map_top, panel_w)
        second = first
    else:
        map_bottom = height * 0.3
        rect = (MARGIN, map_bottom, width - 2 * MARGIN, map_top - map_bottom)
        column = (width - 2 * MARGIN - 6) / 2
        first = Flow(fig, MARGIN, map_bottom - 2, column)
        second = Flow(fig, MARGIN + column + 6, map_bottom - 2, column,
                      swatches=first.swatches)
    drawn = draw_map(fig, rect, data, colour=paper.colour, font_pt=pt)
    north_arrow(fig, (rect[0] + rect[2] - 9, rect[1] + rect[3] - 11), 14, texts.north, pt)
    _legend(first, data, texts, pt, paper.colour)
    _key_table(second, data, texts, drawn.keyed, pt)
    second.space(2)
    second.text(texts.scale.format(scale="1:" + group_thousands(drawn.scale,
                                                                  texts.thousands)),
                pt * 1.1, bold=True)
    second.y -= 3 + scale_bar(fig, (second.x + 3, second.y - 6), drawn.scale,
                              min(second.width - 12, 60), texts.units, pt)
    for note in texts.notes:
        second.text(note, pt * 0.9, gap=0.2)
    if texts.signature:
        _signature(fig, texts.signature, second, pt)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi if fmt == "png" else 72,
                metadata=_metadata(texts, fmt))
    return Sheet(buffer.getvalue(), drawn.scale, drawn.keyed, first.swatches, paper.mm)


def _metadata(texts: SheetTexts, fmt: str) -> dict:
    if fmt == "pdf":
        return {"Title": texts.title, "Creator": "xkmt", "Subject": texts.place}
    return {"Title": texts.title, "Software": "xkmt"}


def _title_block(fig: Figure, texts: SheetTexts, width: float, height: float,
                 pt: float) -> float:
    """The issuer (top left), "internal document" (top right), the title and the place;
    returns where the map may start (mm from the bottom)."""
    issuer = Flow(fig, MARGIN, height - MARGIN + 2, width * 0.45)
    for i, line in enumerate(texts.issuer):
        issuer.text(line, pt, bold=i == len(texts.issuer) - 1, gap=0.2)
    note = Flow(fig, width * 0.5, height - MARGIN + 2, width * 0.5 - MARGIN)
    note.text(texts.internal, pt, italic=True, bold=True, align="right")
    title = Flow(fig, MARGIN, min(issuer.y, note.y) - 1.5, width - 2 * MARGIN)
    title.text(texts.title, pt * 1.65, bold=True, align="center", gap=0.8)
    title.text(texts.place, pt * 1.25, align="center")
    return title.y - 3


def _legend(flow: Flow, data: MapData, texts: SheetTexts, pt: float, colour: bool,
            shown: set[str] | None = None) -> None:
    """"CHÚ GIẢI": the layer's categories (``shown``: only these), its marks in use, then
    each point legend with the categories drawn."""
    flow.text(texts.legend_title, pt * 1.2, bold=True)
    flow.text(texts.legend_subtitle, pt, italic=True)
    marks = {k: v for k, v in texts.mark_labels.items()
             if shown is None or k in data.marks.values()}
    flow.legend(data.legend, texts.labels, marks, pt, colour, shown)
    for points in data.points:
        if points.legend.key == data.legend.key:
            continue  # the layer is these points (venues): listed above
        title, labels = texts.point_labels.get(points.legend.key, (points.legend.title, {}))
        flow.space(1.5)
        flow.text(title, pt, italic=True)
        flow.legend(points.legend, labels, {}, pt, colour, shown=set(points.categories))
    flow.space(2)


def _key_table(flow: Flow, data: MapData, texts: SheetTexts, keyed: list[tuple[int, str]],
               pt: float) -> None:
    if not keyed:
        return
    rows = [[str(number), str(data.villages.at[code, "name"]), data.values.get(code, "")]
            for number, code in keyed]
    flow.space(1)
    flow.table([1, 4, 3], texts.key_header, rows, pt * 0.9)


def _signature(fig: Figure, signature: tuple[str, str, str], flow: Flow, pt: float) -> None:
    """"NGƯỜI LẬP" left, "LÃNH ĐẠO DUYỆT" right, each with its hint and room to sign,
    under the notes."""
    flow.space(3)
    half = flow.width / 2
    left = Flow(fig, flow.x, flow.y, half)
    right = Flow(fig, flow.x + half, flow.y, half)
    for column, heading in ((left, signature[0]), (right, signature[1])):
        column.text(heading, pt, bold=True, align="center", gap=0.2)
        column.text(signature[2], pt * 0.85, italic=True, align="center")
    flow.y = min(left.y, right.y) - 18 * PT_MM * pt / 3
