"""The meeting atlas: one A4 PDF with a cover (the commune's map and its criteria this
month and last), a page per village (its map with tip boxes and venues, its indicators
with value, target and status, the last six months as a small trend) and, for the
police, the list of venues. Texts and figures arrive translated and shaped for the
reader (:class:`AtlasData`)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from geo.legends import PRINT_COLOURS
from geo.printing.layout import Flow
from geo.printing.mapdraw import MapData, draw_map, north_arrow, scale_bar
from geo.printing.mapsheet import MARGIN, SheetTexts, _legend, _title_block
from geo.printing.paper import Paper, font_family, group_thousands

PAPER = Paper("A4", "portrait")
PT = 8.0
BOTTOM = 22.0  # mm kept for the notes and the page number


@dataclass
class VillagePage:
    """One village's page: its ``map`` (``focus`` set, with points), ``facts`` (short
    lines: residents, households, people on the lists as the reader may see them), its
    indicator ``rows`` and the ``trend``: (month label, share of indicators met 0–1 or
    None) for the last six months."""

    title: str
    map: MapData
    facts: list[str]
    rows: list[list[str]]
    trend: list[tuple[str, float | None]]


@dataclass
class AtlasData:
    """Everything the atlas prints. ``texts``: the words of the cover sheet (its
    ``title``, ``notes``, legend...); ``headers``: "criteria", "indicators", "venues"
    -> column headings; ``headings``: "criteria", "trend", "venues", "page" ("Trang
    {page}"), "continued"; ``venues``: rows of the venue list (police only) or None."""

    texts: SheetTexts
    cover: MapData
    criteria: list[list[str]]
    villages: list[VillagePage]
    headers: dict[str, list[str]]
    headings: dict[str, str]
    venues: list[list[str]] | None = None
    village_texts: SheetTexts | None = None
    widths: dict[str, list[float]] = field(default_factory=lambda: {
        "criteria": [1.2, 7, 2.2, 2.2], "indicators": [1.2, 7, 2, 2, 2.2],
        "venues": [2, 4, 3, 3, 3, 3]})


def render_atlas(data: AtlasData, progress: Callable[[int, int], None] | None = None
                 ) -> bytes:
    """The atlas as PDF bytes; ``progress(done, total)`` after each page of a village."""
    font_family()
    buffer = io.BytesIO()
    pages = [0]
    with PdfPages(buffer, metadata={"Title": data.texts.title, "Creator": "xkmt"}) as pdf:
        def page() -> Figure:
            pages[0] += 1
            return Figure(figsize=PAPER.inches)

        def done(fig: Figure) -> None:
            _footer(fig, data, pages[0])
            pdf.savefig(fig)

        _cover(data, page, done)
        for index, village in enumerate(data.villages, start=1):
            _village(data, village, page, done)
            if progress:
                progress(index, len(data.villages))
        if data.venues is not None:
            _table_pages(data, "venues", data.venues, page, done)
    return buffer.getvalue()


def _footer(fig: Figure, data: AtlasData, number: int) -> None:
    width, _height = PAPER.mm
    notes = Flow(fig, MARGIN, BOTTOM - 2, width - 2 * MARGIN - 25)
    notes.text(" · ".join(data.texts.notes), PT * 0.8, gap=0.1)
    right = Flow(fig, width - MARGIN - 25, BOTTOM - 2, 25)
    right.text(data.headings["page"].format(page=number), PT * 0.85, align="right")


def _cover(data: AtlasData, page, done) -> None:
    fig = page()
    width, height = PAPER.mm
    top = _title_block(fig, data.texts, width, height, PT)
    legend_w = 62
    rect = (MARGIN, top - 120, width - 2 * MARGIN - legend_w - 4, 120)
    drawn = draw_map(fig, rect, data.cover, colour=True, font_pt=PT * 0.9)
    north_arrow(fig, (rect[0] + rect[2] - 8, rect[1] + rect[3] - 10), 12, data.texts.north,
                PT)
    side = Flow(fig, width - MARGIN - legend_w, top, legend_w)
    _legend(side, data.cover, data.texts, PT * 0.9, True)
    _scale(fig, side, drawn.scale, data.texts)
    if drawn.keyed:
        side.space(2)
        side.table([1, 4, 3], data.texts.key_header,
                   [[str(n), str(data.cover.villages.at[c, "name"]),
                     data.cover.values.get(c, "")] for n, c in drawn.keyed], PT * 0.8)
    flow = Flow(fig, MARGIN, rect[1] - 3, width - 2 * MARGIN)
    flow.text(data.headings["criteria"], PT * 1.2, bold=True, gap=1.5)
    rest = flow.table(data.widths["criteria"], data.headers["criteria"], data.criteria, PT,
                      bottom=BOTTOM + 4)
    done(fig)
    if rest:
        _table_pages(data, "criteria", rest, page, done, continued=True)


def _scale(fig: Figure, flow: Flow, scale: int, texts: SheetTexts) -> None:
    flow.space(1)
    flow.text(texts.scale.format(scale="1:" + group_thousands(scale, texts.thousands)),
              PT, bold=True)
    flow.y -= 3 + scale_bar(fig, (flow.x + 3, flow.y - 6), scale, min(flow.width - 12, 45),
                            texts.units, PT * 0.9)


def _table_pages(data: AtlasData, key: str, rows: list[list[str]], page, done, *,
                 continued: bool = False) -> None:
    width, height = PAPER.mm
    while True:
        fig = page()
        flow = Flow(fig, MARGIN, height - MARGIN, width - 2 * MARGIN)
        heading = data.headings[key]
        flow.text(heading + (f" ({data.headings['continued']})" if continued else ""),
                  PT * 1.3, bold=True, gap=1.5)
        rows = flow.table(data.widths[key], data.headers[key], rows, PT, bottom=BOTTOM + 4)
        done(fig)
        if not rows:
            return
        continued = True


def _village(data: AtlasData, village: VillagePage, page, done) -> None:
    fig = page()
    width, height = PAPER.mm
    texts = data.village_texts or data.texts
    head = Flow(fig, MARGIN, height - MARGIN, width - 2 * MARGIN)
    head.text(data.texts.title, PT * 0.9, gap=0.2)
    head.text(village.title, PT * 1.8, bold=True, gap=1)
    side_w = 62
    rect = (MARGIN, head.y - 112, width - 2 * MARGIN - side_w - 4, 110)
    drawn = draw_map(fig, rect, village.map, colour=True, font_pt=PT, margin=0.1)
    north_arrow(fig, (rect[0] + rect[2] - 8, rect[1] + rect[3] - 10), 12, texts.north, PT)
    side = Flow(fig, width - MARGIN - side_w, head.y, side_w)
    for fact in village.facts:
        side.text(fact, PT, gap=0.3)
    _trend(fig, side, village.trend, data.headings["trend"])
    _legend(side, village.map, texts, PT * 0.8, True,
            shown=set(village.map.categories.values()))
    _scale(fig, side, drawn.scale, texts)
    flow = Flow(fig, MARGIN, min(rect[1], side.y) - 3, width - 2 * MARGIN)
    rest = flow.table(data.widths["indicators"], data.headers["indicators"], village.rows,
                      PT * 0.9, bottom=BOTTOM + 4)
    done(fig)
    while rest:
        fig = page()
        flow = Flow(fig, MARGIN, height - MARGIN, width - 2 * MARGIN)
        flow.text(f"{village.title} ({data.headings['continued']})", PT * 1.3, bold=True,
                  gap=1.5)
        rest = flow.table(data.widths["indicators"], data.headers["indicators"], rest,
                          PT * 0.9, bottom=BOTTOM + 4)
        done(fig)


def _trend(fig: Figure, flow: Flow, trend: list[tuple[str, float | None]], title: str):
    """Six small bars: the share of indicators met each month (a gap where none could
    be judged), 0–100 %."""
    flow.space(1)
    flow.text(title, PT * 0.9, bold=True)
    size = fig.get_size_inches() * 25.4
    h = 26
    ax = fig.add_axes(((flow.x + 7) / size[0], (flow.y - h) / size[1],
                       (flow.width - 9) / size[0], (h - 4) / size[1]))
    values = [v * 100 if v is not None else 0 for _m, v in trend]
    ax.bar(range(len(trend)), values, color=PRINT_COLOURS["trend"], width=0.6)
    for i, (_m, v) in enumerate(trend):
        ax.text(i, (values[i] if v is not None else 0) + 3, "—" if v is None else
                f"{round(v * 100)}", ha="center", fontsize=PT * 0.7)
    ax.set_ylim(0, 115)
    ax.set_yticks([0, 50, 100])
    ax.set_xticks(range(len(trend)), [m for m, _v in trend], fontsize=PT * 0.65)
    ax.tick_params(axis="y", labelsize=PT * 0.65)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    flow.y -= h + 4
