"""Drawing a map at an exact scale into a rectangle of a sheet: village polygons in the
colours (or greys) of a fixed legend, labels that do not collide, point overlays, the
scale bar and the north arrow. Positions on the sheet are in millimetres from its
bottom-left corner; on the ground in metres (:data:`geo.crs.METRIC_CRS`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Circle, PathPatch, Polygon
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, Bbox, TransformedBbox
from shapely import box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geo.crs import METRIC_CRS
from geo.legends import PRINT_COLOURS, Legend
from geo.printing.paper import PT_MM, grey_levels, lightness, nice_length, nice_scale

BORDER = PRINT_COLOURS["border"]  # village borders dark enough to survive a photocopy
HATCH_INK = PRINT_COLOURS["hatch"]
HALO = [patheffects.Stroke(linewidth=2.2, foreground="white")]


@dataclass
class PointSet:
    """Points drawn over the villages: each a category of ``legend`` (a point legend of
    :mod:`geo.legends`), optionally a ``letter`` written on it and a coverage circle of
    ``radius_m`` metres. Never people: places (tip boxes, venues)."""

    legend: Legend
    lon: list[float]
    lat: list[float]
    categories: list[str]
    letters: list[str] | None = None
    radius_m: float | None = None


@dataclass
class MapData:
    """What one map shows: ``villages`` (GeoDataFrame in EPSG:4326, index = village code,
    a ``name`` column), each village's category of ``legend`` and its ``values`` text
    (already shaped for the reader and formatted), the legend's ``marks`` per village
    (dashed outline), point overlays, and ``focus``: a village to fit the map to (the
    others drawn pale, unlabelled)."""

    villages: gpd.GeoDataFrame
    legend: Legend
    categories: dict[str, str]
    values: dict[str, str] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)
    points: list[PointSet] = field(default_factory=list)
    focus: str | None = None


@dataclass
class Drawn:
    """What :func:`draw_map` placed: the scale denominator, and the villages whose label
    did not fit, as (number, code) keyed to a table."""

    scale: int
    keyed: list[tuple[int, str]]


def fills(legend: Legend, colour: bool) -> dict[str, str]:
    """The fill of each category: the legend's colour, or its grey."""
    return {c.key: c.colour for c in legend.categories} if colour else grey_levels(legend)


def draw_map(fig: Figure, rect_mm: tuple[float, float, float, float], data: MapData, *,
             colour: bool, font_pt: float, margin: float = 0.06) -> Drawn:
    """Draw ``data`` into ``rect_mm`` (x, y, width, height on the sheet) at the first
    usual scale that fits the commune (or the focus village) with ``margin``."""
    width_mm, height_mm = fig.get_size_inches() * 25.4
    x, y, w, h = rect_mm
    ax = fig.add_axes((x / width_mm, y / height_mm, w / width_mm, h / height_mm))
    ax.set_axis_off()
    villages = data.villages.to_crs(METRIC_CRS)
    target = villages.loc[[data.focus]] if data.focus else villages
    minx, miny, maxx, maxy = target.total_bounds
    scale = nice_scale(max((maxx - minx) / (w / 1000), (maxy - miny) / (h / 1000))
                       / (1 - 2 * margin))
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w, half_h = w / 1000 * scale / 2, h / 1000 * scale / 2
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.add_patch(PathPatch(_path(box(cx - half_w, cy - half_h, cx + half_w, cy + half_h)),
                           facecolor="none", edgecolor=BORDER, linewidth=0.8, zorder=9))
    _polygons(ax, villages, data, colour)
    markers = _points(ax, data.points, colour, scale, font_pt)
    keyed = _labels(ax, villages, data, scale, font_pt, markers)
    return Drawn(scale, keyed)


def _path(geom: BaseGeometry) -> MplPath:
    rings = []
    for polygon in getattr(geom, "geoms", [geom]):
        rings.append(np.asarray(polygon.exterior.coords)[:, :2])
        rings.extend(np.asarray(r.coords)[:, :2] for r in polygon.interiors)
    return MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings))


def _polygons(ax, villages: gpd.GeoDataFrame, data: MapData, colour: bool) -> None:
    fill = fills(data.legend, colour)
    hatched = {c.key for c in data.legend.categories if c.hatch}
    marks = {m.key: m for m in data.legend.marks}
    for code, row in villages.iterrows():
        category = data.categories.get(code)
        pale = data.focus is not None and code != data.focus
        path = _path(row.geometry)
        face = PRINT_COLOURS["paper"] if category is None else fill[category]
        ax.add_patch(PathPatch(path, facecolor=face, edgecolor="none",
                               alpha=0.35 if pale else 1, zorder=1))
        if category in hatched:
            ax.add_patch(PathPatch(path, facecolor="none", edgecolor=HATCH_INK, hatch="////",
                                   linewidth=0, alpha=0.5 if pale else 1, zorder=2))
        ax.add_patch(PathPatch(path, facecolor="none", edgecolor=BORDER,
                               linewidth=0.5 if pale else 0.9, zorder=3))
        mark = marks.get(data.marks.get(code, ""))
        if mark is not None and not pale:
            dash = tuple(float(v) for v in mark.dash.split())
            ax.add_patch(PathPatch(path, facecolor="none", edgecolor=mark.colour,
                                   linewidth=1.6, linestyle=(0, dash), zorder=4))
    outline = villages.geometry.union_all()
    ax.add_patch(PathPatch(_path(outline.buffer(0)), facecolor="none",
                           edgecolor=PRINT_COLOURS["ink"], linewidth=1.8, zorder=5))


def _points(ax, sets: list[PointSet], colour: bool, scale: int,
            font_pt: float) -> list[BaseGeometry]:
    """Draw the points in view; their markers, for labels to keep clear of."""
    markers: list[BaseGeometry] = []
    for points in sets:
        fill = fills(points.legend, colour)
        xy = gpd.GeoSeries(gpd.points_from_xy(points.lon, points.lat),
                           crs="EPSG:4326").to_crs(METRIC_CRS)
        size = 1.6 * font_pt * PT_MM * scale / 1000  # marker radius in metres
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        for i, point in enumerate(xy):
            if not (x0 <= point.x <= x1 and y0 <= point.y <= y1):
                continue  # off this map: not drawn (a text costs time in a PDF)
            if points.radius_m:
                ax.add_patch(Circle((point.x, point.y), points.radius_m, facecolor="none",
                                    edgecolor=PRINT_COLOURS["hatch"], linewidth=0.6,
                                    linestyle=(0, (4, 3)), zorder=6))
            markers.append(point.buffer(size / 2))
            ax.add_patch(Circle((point.x, point.y), size / 2, facecolor=fill[
                points.categories[i]], edgecolor=PRINT_COLOURS["ink"], linewidth=0.8, zorder=7))
            if points.letters:
                light = _is_light(fill[points.categories[i]])
                ax.text(point.x, point.y, points.letters[i], ha="center", va="center",
                        fontsize=font_pt * 0.75, fontweight="bold", zorder=8,
                        color=PRINT_COLOURS["ink"] if light else PRINT_COLOURS["paper"])
    return markers


def _is_light(colour: str) -> bool:
    return lightness(colour) > 60


def _labels(ax, villages: gpd.GeoDataFrame, data: MapData, scale: int, font_pt: float,
            markers: list[BaseGeometry]) -> list[tuple[int, str]]:
    """Label each village with its name and value where the label fits inside it and
    clears the point markers and the labels placed before (largest villages first),
    trying a few places around the village's pole of inaccessibility; otherwise a number
    keyed to a table."""
    metres_per_pt = PT_MM * scale / 1000
    placed: list[BaseGeometry] = list(markers)
    keyed: list[tuple[int, str]] = []
    order = villages.geometry.area.sort_values(ascending=False).index
    prop = FontProperties(size=font_pt)
    for code in order:
        if data.focus is not None and code != data.focus:
            continue
        geom = villages.at[code, "geometry"]
        anchor = polylabel(max(getattr(geom, "geoms", [geom]), key=lambda g: g.area),
                           tolerance=10)
        lines = [str(villages.at[code, "name"])]
        if data.values.get(code):
            lines.append(data.values[code])
        text = "\n".join(lines)
        extent = TextPath((0, 0), max(lines, key=len), prop=prop).get_extents()
        half_w = (extent.width / 2 + 2) * metres_per_pt
        half_h = (len(lines) * font_pt * 1.25 / 2 + 1) * metres_per_pt
        spot = _place(geom, anchor, half_w, half_h, placed)
        if spot is not None:
            for halo in (True, False):  # a white halo path under real (extractable) text
                ax.text(spot[0], spot[1], text, ha="center", va="center", fontsize=font_pt,
                        linespacing=1.1, zorder=10, color="white" if halo else "black",
                        path_effects=HALO if halo else None)
            placed.append(box(spot[0] - half_w, spot[1] - half_h, spot[0] + half_w,
                              spot[1] + half_h))
            continue
        number = len(keyed) + 1
        keyed.append((number, code))
        ax.add_patch(Circle((anchor.x, anchor.y), font_pt * 0.8 * metres_per_pt,
                            facecolor="white", edgecolor=PRINT_COLOURS["ink"], linewidth=0.8,
                            zorder=10))
        ax.text(anchor.x, anchor.y, str(number), ha="center", va="center",
                fontsize=font_pt * 0.85, fontweight="bold", zorder=11)
    return keyed


def _place(geom: BaseGeometry, anchor, half_w: float, half_h: float,
           placed: list[BaseGeometry]) -> tuple[float, float] | None:
    """The first spot near ``anchor`` where a label box fits in ``geom`` and clears
    ``placed``; None when there is none."""
    inside = geom.buffer(half_h * 0.2)
    steps = (0, 1, -1, 2, -2)
    for dy, dx in [(dy, dx) for dy in steps for dx in (0, 1, -1)]:
        x, y = anchor.x + dx * half_w * 0.8, anchor.y + dy * half_h * 1.1
        label = box(x - half_w, y - half_h, x + half_w, y + half_h)
        if label.within(inside) and not any(label.intersects(p) for p in placed):
            return x, y
    return None


def scale_bar(fig: Figure, at_mm: tuple[float, float], scale: int, max_mm: float,
              units: tuple[str, str], font_pt: float) -> float:
    """A scale bar of a round length (metres or kilometres, ``units``) at most
    ``max_mm`` long, with its left end at ``at_mm``; returns the height used (mm)."""
    width_mm, height_mm = fig.get_size_inches() * 25.4
    length_m = nice_length(max_mm / 1000 * scale)
    length_mm = length_m * 1000 / scale
    x0, y0 = at_mm
    bar = (x0 / width_mm, y0 / height_mm, length_mm / width_mm, 2.2 / height_mm)
    # the quarters (0–4 by 0–1) drawn on the sheet itself and clipped to the bar, as an
    # axes of that size would: an axes for four rectangles cost more than the sheet's text
    quarters = _affine(bar[2] / 4, bar[3], bar[0], bar[1]) + fig.transFigure
    clip = TransformedBbox(Bbox.from_bounds(*bar), fig.transFigure)
    for i in range(4):  # alternating black and white quarters
        quarter = Polygon([(i, 0), (i + 1, 0), (i + 1, 1), (i, 1)], closed=True,
                          facecolor=PRINT_COLOURS["paper" if i % 2 else "ink"],
                          edgecolor=PRINT_COLOURS["ink"], linewidth=0.6, transform=quarters)
        quarter.set_clip_box(clip)
        fig.add_artist(quarter)
    metres, km = units
    end = f"{_trim(length_m / 1000)} {km}" if length_m >= 1000 else f"{_trim(length_m)} {metres}"
    for pos, text in ((0, "0"), (4, end)):
        fig.text((x0 + length_mm * pos / 4) / width_mm, (y0 + 3) / height_mm, text,
                 ha="center", va="bottom", fontsize=font_pt * 0.85)
    return 3 + font_pt * 0.85 * PT_MM * 1.4


def _affine(sx: float, sy: float, tx: float, ty: float) -> Affine2D:
    """Scaled by (sx, sy), then moved by (tx, ty): a small drawing's units to the
    sheet's fractions."""
    return Affine2D().scale(sx, sy).translate(tx, ty)


def _trim(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def north_arrow(fig: Figure, at_mm: tuple[float, float], size_mm: float, letter: str,
                font_pt: float) -> None:
    """An arrow pointing up (north: the map is in UTM, grid north within a degree of
    true north here) with its letter above, centred on ``at_mm``; drawn on the sheet in
    units of half its size (-1 to 1 across), without an axes of its own."""
    width_mm, height_mm = fig.get_size_inches() * 25.4
    x, y = at_mm
    half = size_mm / 2
    units = _affine(half / width_mm, half / height_mm, x / width_mm, y / height_mm) \
        + fig.transFigure
    for side, face in ((-0.45, "ink"), (0.45, "paper")):
        fig.add_artist(Polygon([(0, 0.55), (side, -0.8), (0, -0.45)], closed=True,
                               facecolor=PRINT_COLOURS[face], edgecolor=PRINT_COLOURS["ink"],
                               linewidth=0.8, transform=units))
    fig.text(0, 0.62, letter, ha="center", va="bottom", fontsize=font_pt * 1.2,
             fontweight="bold", transform=units)
