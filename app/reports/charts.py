"""Pictures in reports, drawn with matplotlib (Agg, no display): the village map and the
month-by-month charts. Grey levels and hatching, for black-and-white office printers."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from app.i18n import month_label  # noqa: E402
from app.reports.view import MonthView  # noqa: E402
from geo.legends import REPORT_GREYS  # noqa: E402

# share of indicators met -> grey (darker: worse), as on a photocopy
CLASSES = ((0.5, REPORT_GREYS["low"], "< 50 %"), (0.8, REPORT_GREYS["half"], "50–80 %"),
           (1.0, REPORT_GREYS["most"], "80–100 %"), (1.01, REPORT_GREYS["all"], "100 %"))


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def village_map(view: MonthView, _: Callable[[str], str]) -> bytes:
    """A simple choropleth of each village's share of indicators met. (The print module
    ``geo/printing`` makes the full map sheet; this is the one function to switch.)"""
    frame = gpd.GeoDataFrame(
        {"name": [v["name"] for v in view.villages.values()],
         "score": [v.get("score") if view.recorded else None for v in view.villages.values()]},
        geometry=[shape(view.geometry[c]) for c in view.villages], crs="EPSG:4326")
    figure, ax = plt.subplots(figsize=(6.5, 6.5))
    handles = []
    for (bound, colour, text), lower in zip(CLASSES, (0, *[c[0] for c in CLASSES[:-1]]),
                                            strict=True):
        part = frame[(frame["score"] >= lower) & (frame["score"] < bound)]
        if not part.empty:
            part.plot(ax=ax, color=colour, edgecolor="black", linewidth=0.8)
        handles.append(Patch(facecolor=colour, edgecolor="black", label=text))
    missing = frame[frame["score"].isna()]
    if not missing.empty:
        missing.plot(ax=ax, color="white", edgecolor="black", hatch="///", linewidth=0.8)
    handles.append(Patch(facecolor="white", edgecolor="black", hatch="///",
                         label=_("No data")))
    for _i, row in frame.iterrows():
        point = row.geometry.representative_point()
        ax.annotate(row["name"], (point.x, point.y), ha="center", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.8})
    ax.set_axis_off()
    ax.legend(handles=handles, title=_("Share of indicators met"), loc="lower left",
              fontsize=8, title_fontsize=8, frameon=True)
    ax.set_title(month_label(view.month), fontsize=10)
    return _png(figure)


def month_chart(months: Sequence[str], series: dict[str, Sequence[float | None]],
                title: str, target: float | None = None) -> bytes:
    """One line per series over the months (None: a gap), the target as a dashed line."""
    figure, ax = plt.subplots(figsize=(7, 3.2))
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
