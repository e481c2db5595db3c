"""The patrol sheet: an A4 page (PDF) with the route map and the table of stops, and the
same table as an ``.xlsx`` workbook.

Everything written on the sheet comes in already worded (:class:`Sheet`): this module
lays it out and knows no language. The map is drawn with matplotlib from the village
polygons, in UTM 48N so that distances look true: the villages in grey with their names
(moved aside where a stop would hide them), the route as a line from the start through the
numbered stops, the start (and a separate end) as a square. Its texts print at 7 pt and
more, the stop numbers in bold inside their circles. The PDF embeds DejaVu Sans (full
Vietnamese coverage).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.crs import METRIC_CRS
from geo.legends import PATROL_COLOURS

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# Widths (mm) of the columns: STT, venue, village, last inspection, reasons, result, sign.
COLUMN_WIDTHS = (10, 42, 20, 24, 48, 22, 24)
# Text sizes of the route map, in points on paper (the map is printed at the size it is
# drawn): stop numbers and the start and end marks, village names. A stop's circle is wide
# enough for a two-digit number in bold (its area in pt², as matplotlib's scatter takes it).
STOP_PT, MARK_PT, VILLAGE_PT = 8.0, 8.0, 7.0
STOP_AREA = (STOP_PT * 1.7) ** 2


@dataclass(frozen=True)
class Stop:
    number: int
    lat: float
    lon: float


@dataclass
class Sheet:
    """What the sheet says, worded: ``header`` lines are (label, value) pairs; ``rows``
    hold one list of cell texts per stop, in route order, matching ``columns``."""

    title: str
    header: list[tuple[str, str]]
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    map_title: str = ""
    start_label: str = ""
    end_label: str = ""
    villages: gpd.GeoDataFrame | None = None
    start: tuple[float, float] | None = None  # lat, lon
    end: tuple[float, float] | None = None
    stops: list[Stop] = field(default_factory=list)
    unlocated: list[str] = field(default_factory=list)  # listed, not routed


class MissingFont(RuntimeError):
    """No font with Vietnamese letters was found to embed."""


def font_path(style: str = "") -> Path:
    for folder in FONT_DIRS:
        path = folder / FONT_FILES[style]
        if path.exists():
            return path
    raise MissingFont(f"{FONT_FILES[style]} not found: install the Debian package "
                      "fonts-dejavu-core")


def route_map_png(sheet: Sheet, *, width_mm: float = 190, height_mm: float = 105,
                  dpi: int = 200) -> bytes:
    """The route map as a PNG (:func:`route_map_figure`)."""
    out = io.BytesIO()
    route_map_figure(sheet, width_mm=width_mm, height_mm=height_mm, dpi=dpi).savefig(
        out, format="png", dpi=dpi)
    return out.getvalue()


def route_map_figure(sheet: Sheet, *, width_mm: float = 190, height_mm: float = 105,
                     dpi: int = 200):
    """The route map: villages, the route line, numbered stops, start and end; a Figure
    of its own, not pyplot's (nothing shared between the server's threads)."""
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    fonts = {style: font_manager.FontProperties(fname=str(font_path(style)))
             for style in FONT_FILES}
    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)
    ax = fig.subplots()
    ends = [p for p in (sheet.start, sheet.end) if p is not None]
    points = _metric([(s.lat, s.lon) for s in sheet.stops] + ends)
    stops, ends = points[:len(sheet.stops)], points[len(sheet.stops):]
    _draw_villages(ax, sheet.villages, fonts[""], points)
    _draw_route(ax, sheet, stops, ends, fonts["B"])
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.subplots_adjust(0.01, 0.01, 0.99, 0.99)
    return fig


def _draw_villages(ax, villages: gpd.GeoDataFrame | None, font,
                   points: list[tuple[float, float]]) -> None:
    """The villages in grey, each name where no stop or mark hides it."""
    from matplotlib.patheffects import withStroke

    if villages is None or villages.empty:
        return
    shapes = villages.to_crs(METRIC_CRS)
    shapes.plot(ax=ax, facecolor=PATROL_COLOURS["village_fill"],
                edgecolor=PATROL_COLOURS["village_line"], linewidth=0.6)
    for name, shape in zip(shapes["name"], shapes.geometry, strict=True):
        x, y = label_point(shape, points)
        label = ax.annotate(str(name), (x, y), ha="center", va="center",
                            color=PATROL_COLOURS["village_label"], fontproperties=font)
        label.set_fontsize(VILLAGE_PT)  # after the font file: it carries a size of its own
        label.set_path_effects([withStroke(linewidth=2, foreground="white")])


def label_point(shape, stops: list[tuple[float, float]], clear_m: float = 400.0,
                ) -> tuple[float, float]:
    """Where a village's name goes (metres, :data:`METRIC_CRS`): its representative
    point, unless a stop's circle would hide it; then the point of a grid over the village
    nearest to that one with no stop within ``clear_m``, else the one farthest from
    every stop.

    >>> from shapely.geometry import box
    >>> label_point(box(0, 0, 2000, 2000), [])
    (1000.0, 1000.0)
    >>> x, y = label_point(box(0, 0, 2000, 2000), [(1000.0, 1000.0)])
    >>> ((x - 1000) ** 2 + (y - 1000) ** 2) ** 0.5 >= 400
    True
    """
    import numpy as np
    from shapely.geometry import Point

    home = shape.representative_point()
    if not stops:
        return home.x, home.y
    near = np.array(stops, dtype=float)

    def clearance(x: float, y: float) -> float:
        return float(np.hypot(near[:, 0] - x, near[:, 1] - y).min())

    if clearance(home.x, home.y) >= clear_m:
        return home.x, home.y
    west, south, east, north = shape.bounds
    grid = [(float(x), float(y)) for x in np.linspace(west, east, 9)[1:-1]
            for y in np.linspace(south, north, 9)[1:-1] if shape.contains(Point(x, y))]
    clear = [p for p in grid if clearance(*p) >= clear_m]
    if clear:
        return min(clear, key=lambda p: (p[0] - home.x) ** 2 + (p[1] - home.y) ** 2)
    return max(grid, key=lambda p: clearance(*p), default=(home.x, home.y))


def _metric(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(lat, lon) points as (x, y) in :data:`METRIC_CRS`, in one transformation."""
    if not points:
        return []
    lat, lon = zip(*points, strict=True)
    metric = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(METRIC_CRS)
    return list(zip(metric.x.tolist(), metric.y.tolist(), strict=True))


def _draw_route(ax, sheet: Sheet, stops: list[tuple[float, float]],
                ends: list[tuple[float, float]], bold) -> None:
    """The route from the start through the stops to the end (the start again when no
    end is set); ``stops`` and ``ends`` (start, then end) in metres."""
    from matplotlib.patheffects import withStroke

    if sheet.start is None:
        return
    start = ends[0]
    end = ends[1] if sheet.end else start
    line = [start, *stops, end]
    ax.plot([p[0] for p in line], [p[1] for p in line], color=PATROL_COLOURS["route"],
            linewidth=1.2, zorder=3)
    for stop, (x, y) in zip(sheet.stops, stops, strict=True):
        ax.scatter([x], [y], s=STOP_AREA, color=PATROL_COLOURS["stop_fill"],
                   edgecolor=PATROL_COLOURS["route"], linewidth=1.2, zorder=4)
        number = ax.annotate(str(stop.number), (x, y), ha="center", va="center", zorder=5,
                             fontproperties=bold, gid=f"stop-{stop.number}")
        number.set_fontsize(STOP_PT)
    marks = [(start, sheet.start_label)] + ([(end, sheet.end_label)] if sheet.end else [])
    for (x, y), label in marks:
        ax.scatter([x], [y], s=60, marker="s", color=PATROL_COLOURS["end"], zorder=4)
        mark = ax.annotate(label, (x, y), xytext=(6, 6), textcoords="offset points",
                           color=PATROL_COLOURS["end"], zorder=5, fontproperties=bold)
        mark.set_fontsize(MARK_PT)
        mark.set_path_effects([withStroke(linewidth=2, foreground="white")])


def route_key(sheet: Sheet) -> tuple:
    """What the route map of ``sheet`` shows, but its villages: with them (a data
    version, say), a key under which the map drawn once may be kept."""
    return (sheet.start, sheet.end, tuple(sheet.stops), sheet.start_label, sheet.end_label)


def sheet_pdf(sheet: Sheet, route_map: Callable[[Sheet], bytes] | None = None) -> bytes:
    """The sheet as an A4 PDF (portrait), fonts embedded; more pages if the table needs.
    ``route_map``: draws the map as a PNG (:func:`route_map_png`, unless another is given,
    one that keeps the maps it drew, say)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=12)
    for style in FONT_FILES:
        pdf.add_font("DejaVu", style, str(font_path(style)))
    pdf.set_title(sheet.title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, sheet.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    for label, value in sheet.header:
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(pdf.get_string_width(label + ": ") + 1, 5, label + ":")
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    if sheet.start is not None:
        pdf.ln(1)
        pdf.image(io.BytesIO((route_map or route_map_png)(sheet)), w=190, h=105)
        if sheet.map_title:
            pdf.set_font("DejaVu", "", 7.5)
            pdf.multi_cell(0, 4, sheet.map_title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 8)
    heading = FontFace(emphasis="BOLD", fill_color=(230, 230, 225))
    with pdf.table(col_widths=COLUMN_WIDTHS, headings_style=heading, line_height=4.2,
                   text_align="LEFT", repeat_headings=1) as table:
        table.row(sheet.columns)
        for cells in sheet.rows:
            table.row([str(c) for c in cells])
    if sheet.note:
        pdf.ln(2)
        pdf.set_font("DejaVu", "", 8)
        pdf.multi_cell(0, 4, sheet.note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def sheet_xlsx(sheet: Sheet) -> bytes:
    """The same sheet as a workbook: the header lines, then the table, then the note."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    ws = book.active
    ws.title = "Patrol"
    ws.append([sheet.title])
    ws["A1"].font = Font(bold=True, size=13)
    for label, value in sheet.header:
        ws.append([label, value])
    ws.append([])
    ws.append(sheet.columns)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for cells in sheet.rows:
        ws.append(list(cells))
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if sheet.note:
        ws.append([])
        ws.append([sheet.note])
    for letter, width in zip("ABCDEFG", (6, 32, 14, 16, 44, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_rows(xlsx: bytes, columns: list[str]) -> pd.DataFrame:
    """The table of a workbook written by :func:`sheet_xlsx` (read back, for checks)."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx)).active
    values = [[("" if v is None else str(v)) for v in row] for row in ws.iter_rows(
        values_only=True)]
    top = next(i for i, row in enumerate(values) if row[:len(columns)] == columns)
    body = []
    for row in values[top + 1:]:
        if not any(row[:len(columns)]) or not row[0].isdigit():
            break
        body.append(row[:len(columns)])
    return pd.DataFrame(body, columns=columns)
