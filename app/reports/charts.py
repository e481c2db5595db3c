"""Pictures in reports, drawn with matplotlib (Agg, no display): the village map (by the
print module, :mod:`geo.printing`, from the view's own layer) and the month-by-month
charts. Grey levels, for black-and-white office printers."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from app.frame import view as frame_view  # noqa: E402
from app.i18n import month_label  # noqa: E402
from app.reports.view import MonthView  # noqa: E402
from geo import legends  # noqa: E402
from geo.legends import PRINT_COLOURS, REPORT_GREYS  # noqa: E402
from geo.printing import MapData  # noqa: E402
from geo.printing.mapdraw import draw_map, fills, scale_bar  # noqa: E402
from geo.printing.paper import group_thousands  # noqa: E402

MAP_MM = (160.0, 130.0)  # the map's width and height on the page
LAYER = "score"  # the map's layer: the share of indicators met


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return buffer.getvalue()


def village_map_once(session, view: MonthView, _: Callable[[str], str]) -> bytes:
    """:func:`village_map`, drawn once per view of the frame (cached with the frame's
    answers, whose key holds the commune, month, role, language and data versions):
    every report of that month for that role shows the same map."""
    return frame_view.answer(session, view.frame, "report-village-map.png",
                             lambda: village_map(view, _)).body


def village_map(view: MonthView, _: Callable[[str], str]) -> bytes:
    """Each village in the grey of its share of indicators met, drawn by the print module
    (:func:`geo.printing.mapdraw.draw_map`) at a round scale, from the view's own layer
    (the map page's categories, as the role may see them), with its legend."""
    layer = next(t for t in view.frame.thematic if t.key == LAYER)
    legend = legends.LEGENDS[layer.legend]
    villages = view.frame.villages.set_index("code", drop=False)
    width, height = MAP_MM[0], MAP_MM[1] + 38
    figure = Figure(figsize=(width / 25.4, height / 25.4))
    figure.set_facecolor(PRINT_COLOURS["paper"])
    data = MapData(villages, legend, dict(layer.categories), marks=dict(layer.marks))
    drawn = draw_map(figure, (0, 30, *MAP_MM), data, colour=False, font_pt=7)
    figure.text(4 / width, 28 / height, _("Scale {scale}").format(
        scale="1:" + group_thousands(drawn.scale)), fontsize=7, va="bottom")
    scale_bar(figure, (6, 18), drawn.scale, 40, ("m", "km"), 7)
    greys = fills(legend, colour=False)
    used = set(layer.categories.values())
    handles = [Patch(facecolor=greys[c.key], edgecolor=PRINT_COLOURS["border"],
                     label=_(c.label)) for c in legend.categories if c.key in used]
    figure.legend(handles=handles, title=_("Share of indicators met"), loc="lower right",
                  bbox_to_anchor=(0.99, 0.0), ncol=2, fontsize=7, title_fontsize=7,
                  frameon=False)
    figure.text(0.5, 1 - 4 / height, month_label(view.month), ha="center", va="top",
                fontsize=9)
    return _png(figure)


def month_chart(months: Sequence[str], series: dict[str, Sequence[float | None]],
                title: str, target: float | None = None) -> bytes:
    """One line per series over the months (None: a gap), the target as a dashed line."""
    figure = Figure(figsize=(7, 3.2))  # not pyplot: no global state across threads
    ax = figure.subplots()
    labels = [month_label(m) for m in months]
    styles = ("-o", "--s", ":^", "-.d")
    for index, (name, values) in enumerate(series.items()):
        ys = [float("nan") if v is None else v for v in values]
        ax.plot(labels, ys, styles[index % len(styles)], color="black", label=name,
                markersize=4, linewidth=1.2)
    if target is not None:
        ax.axhline(target, color="grey", linestyle="--", linewidth=1)
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", color=REPORT_GREYS["grid"])
    if len(series) > 1:
        ax.legend(fontsize=7)
    return _png(figure)
