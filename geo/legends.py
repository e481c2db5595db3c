"""Every colour of the app, in one place: the fixed legends of the maps (the same colour
for the same category in every month, on screen and on paper), the lines of the map and
the page's own colours. The page's style sheet (:func:`stylesheet`, served as
``/legend.css``) and the map's script read them from here; no other file holds a colour
(a guard test looks).

A legend is data: its categories, in order, each with a key, a fill colour, an optional
hatch and a label. Labels are English message ids; the application translates them. The
``*_category`` functions put one village's figure into a category of a legend.

Colours are chosen to survive a black-and-white printer and red-green colour blindness:
the filled classes of a legend differ by at least 10 in CIE lightness L* and stay apart
under a deuteranopia simulation (``tests/geo/test_legibility.py``; ``python -m
bench.legibility`` prints the table). "Met" is a mid green and "not met" a dark red, "no
data" is grey *with a hatch*, "not applicable" is white with an outline.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Category:
    """One entry of a legend."""

    key: str
    colour: str
    label: str  # English message id
    hatch: bool = False  # drawn with diagonal stripes over the colour
    outline: str = "#555555"  # the swatch's border; tip boxes: the line of the symbol


@dataclass(frozen=True)
class Mark:
    """A line drawn around a village, over the fill of its category, for something the
    category alone does not say."""

    key: str
    label: str  # English message id
    colour: str
    dash: str  # an SVG dash array
    weight: float = 2.5


@dataclass(frozen=True)
class Legend:
    """A fixed legend: ``categories`` in the order they are shown, and the ``marks`` a
    village may carry on top of its category."""

    key: str
    title: str  # English message id
    categories: tuple[Category, ...]
    marks: tuple[Mark, ...] = ()

    def category(self, key: str) -> Category:
        return next(c for c in self.categories if c.key == key)

    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.categories)


STATUS = Legend("status", "Status of the indicator", (
    Category("met", "#4dac26", "Met"),
    Category("not_met", "#b2182b", "Not met"),
    Category("no_data", "#bdbdbd", "No data", hatch=True),
    Category("not_applicable", "#ffffff", "Not applicable this month", outline="#888888"),
))

SCORE = Legend("score", "Share of indicators met", (
    Category("all", "#1a9641", "100% met"),
    Category("most", "#c2e699", "75% to under 100%"),
    Category("half", "#f4a040", "50% to under 75%"),
    Category("low", "#a50026", "Under 50%"),
    Category("no_data", "#bdbdbd", "No data: no indicator could be judged", hatch=True),
    Category("none", "#ffffff", "No indicator applies", outline="#888888"),
), marks=(
    Mark("incomplete", "Dashed outline: some indicators have no data (counted as not met)",
         "#000000", "6 4"),
))

RISK = Legend("risk", "Risk level (analogy of Decision 28/2025 commune classes)", (
    Category("I", "#67001f", "Type I (most serious)"),
    Category("II", "#d6604d", "Type II"),
    Category("III", "#f4a582", "Type III"),
    Category("none", "#ffffff", "Not a hotspot", outline="#888888"),
    Category("not_in_force", "#bdbdbd", "Not assessed (before Decision 28/2025)", hatch=True),
))

PER_THOUSAND = Legend("per_thousand", "People on the lists per 1,000 residents", (
    Category("zero", "#ffffff", "None", outline="#888888"),
    Category("few", "#fcc5c0", "A few people (small number not shown)"),
    Category("0-2", "#f98aa8", "More than 0 to under 2"),
    Category("2-5", "#dd3497", "2 to under 5"),
    Category("5-10", "#ae017e", "5 to under 10"),
    Category("10+", "#49006a", "10 or more"),
    Category("unknown", "#bdbdbd", "Population not known", hatch=True),
))

CHANGE = Legend("change", "Change since last month (share of indicators met)", (
    Category("better", "#2166ac", "Better"),
    Category("same", "#ffffff", "Unchanged", outline="#888888"),
    Category("worse", "#d6604d", "Worse"),
    Category("none", "#bdbdbd", "Cannot compare", hatch=True),
))

# Point layers: the colour of the marker. A cluster of venues takes the colour of the
# worst status it holds (:data:`VENUE_WORST_FIRST`), not a colour for its count.
VENUES = Legend("venues", "Venues by inspection status", (
    Category("in_time", "#1a9850", "Inspected in time"),
    Category("overdue", "#f4a040", "Inspection overdue"),
    Category("finding", "#67001f", "Drug finding at an inspection"),
    Category("not_judged", "#e0e0e0", "Not assessed this month"),
))
VENUE_WORST_FIRST = ("finding", "overdue", "in_time", "not_judged")

TIP_BOXES = Legend("tip_boxes", "Tip boxes", (
    Category("working", "#3182bd", "Working tip box (circle: area it serves)",
             outline="#08519c"),
    Category("broken", "#fdae6b", "Broken tip box", outline="#a63603"),
))

POINT_LEGENDS: dict[str, Legend] = {leg.key: leg for leg in (VENUES, TIP_BOXES)}

# Symbols whose colour says no status: schools, and the heat of tips (police only), whose
# ramp runs from few tips (light) to many (dark), in lightness as well as hue.
SCHOOLS = Legend("schools", "Schools", (
    Category("school", "#9e9ac8", "School (a place, not a person)", outline="#54278f"),
))
TIPS_HEAT = Legend("tips_heat", "Density of tips, last 12 months", (
    Category("few", "#fee391", "Few tips"),
    Category("some", "#fe9929", "Some tips"),
    Category("many", "#cc4c02", "Many tips"),
    Category("most", "#662506", "Most tips"),
))
HEAT_STOPS = (0.25, 0.5, 0.75, 1.0)  # where each colour of TIPS_HEAT sits on the ramp
SYMBOL_LEGENDS: dict[str, Legend] = {leg.key: leg for leg in (SCHOOLS, TIPS_HEAT)}


def heat_gradient() -> dict[float, str]:
    """The heat layer's colour ramp (Leaflet.heat's ``gradient``) from :data:`TIPS_HEAT`."""
    return dict(zip(HEAT_STOPS, (c.colour for c in TIPS_HEAT.categories), strict=True))

LEGENDS: dict[str, Legend] = {leg.key: leg for leg in (STATUS, SCORE, RISK, PER_THOUSAND,
                                                        CHANGE)}


# The "no data" hatch, drawn the same way in the legend, the badges and the map: stripes
# of HATCH_LINE, HATCH_STRIPE wide every HATCH_PERIOD pixels at 45°, over the category's
# colour.
HATCH_LINE = "#737373"
HATCH_PERIOD, HATCH_STRIPE = 10, 3

# The lines of the map and its fallback fills (the page's script reads them as data).
MAP_COLOURS = {
    "village_line": "#4d4d4d",  # the border of every village
    "chosen_line": "#000000",  # the village open in the panel, or under the pointer
    "commune_line": "#b2182b",  # the commune boundary (dashed)
    "no_fill": "#ffffff",  # a village without a category
    "cluster_line": "#333333",  # the border of a cluster of venues
}
# The patrol route: on the patrol page (Leaflet) and on the printed sheet (matplotlib).
PATROL_COLOURS = {
    "village_fill": "#f1f1ec",  # villages under the route: quiet
    "village_line": "#8a8a80",
    "village_label": "#77776c",
    "route": "#c0392b",  # the line and the numbered stops' ring
    "stop_fill": "#ffffff",
    "end": "#1f4e79",  # the start (police station) and a chosen end
}
# Printed maps (geo/printing): ink and paper, borders dark enough to survive a photocopy.
PRINT_COLOURS = {"ink": "#000000", "paper": "#ffffff", "border": "#222222", "hatch": "#333333",
                 "trend": "#555555"}
# Greys of the small maps and charts in reports (share of indicators met: darker, worse).
REPORT_GREYS = {"low": "#404040", "half": "#8c8c8c", "most": "#cccccc", "all": "#ffffff",
                "grid": "#dddddd"}
# Soft categorical fills of the plain village map: tell neighbours apart, labels readable.
NEIGHBOUR_FILLS = ("#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                   "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f")

# The page's own colours (CSS variables ``--ui-<name>``), by role, not by look.
UI = {
    "ink": "#222222", "ink-strong": "#333333", "ink-dim": "#444444", "ink-soft": "#555555",
    "ink-muted": "#666666", "ink-disabled": "#aaaaaa", "label-ink": "#1a1a1a",
    "paper": "#ffffff", "link": "#0645ad",
    "brand": "#7a1f1f", "brand-tint": "#f3e6e6",
    "on-brand-current": "rgba(255, 255, 255, 0.22)", "on-brand-line": "rgba(255, 255, 255, 0.6)",
    "line-faint": "#eeeeee", "line-light": "#e0e0e0", "line-soft": "#dddddd",
    "line": "#cccccc", "line-mid": "#bbbbbb", "line-strong": "#999999",
    "control-line": "#888888",
    "map-back": "#eef1e8", "tools-back": "#fbfaf7", "filters-back": "#f6f6f4",
    "table-head": "#f3f0ec", "row-hover": "#faf6f0", "dash-head": "#f3f3f3",
    "notice-back": "#f7f7f7",
    "map-notice-back": "rgba(255, 248, 225, 0.95)",
    "note-back": "#fff8e1", "note-line": "#c9a227", "note-line-soft": "#e6cf7a",
    "ok-back": "#e8f5e9", "ok-line": "#66bb6a", "after-ink": "#1b5e20",
    "error-back": "#fdecea", "error-line": "#d32f2f", "error-line-soft": "#f5c2bd",
    "error-ink": "#b71c1c", "error-text": "#7f1d1d", "error-ink-dark": "#8a1c13",
    "fail-ink": "#a11d1d",
    "warn-back": "#fff3e0", "warn-line": "#e65100", "warn-ink": "#8a3b00",
    "unknown-ink": "#8a5a00",
    "synthetic-back": "#ffd54f", "synthetic-ink": "#4a3500",
    "task-late-back": "#fff3d6", "task-late-ink": "#6b4b00",
    "task-due-back": "#e6eefb", "task-due-ink": "#1c3f7a",
}
INK_DARK, INK_LIGHT = UI["ink"], UI["paper"]  # text on a coloured badge


def _linear(channel: float) -> float:
    """An sRGB channel (0–1) made linear (IEC 61966-2-1)."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def lightness(colour: str) -> float:
    """CIE L* (0 black – 100 white) of a ``#rrggbb`` colour, D65 white.

    >>> [round(lightness(c), 1) for c in ("#000000", "#777777", "#ffffff", "#4dac26")]
    [0.0, 50.0, 100.0, 62.7]
    """
    r, g, b = (_linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b  # relative luminance
    f = y ** (1 / 3) if y > (6 / 29) ** 3 else y / (3 * (6 / 29) ** 2) + 4 / 29
    return 116 * f - 16


def ink_on(colour: str) -> str:
    """Dark or light text, whichever reads better on ``colour``."""
    return INK_DARK if lightness(colour) > 60 else INK_LIGHT


def every_legend() -> tuple[Legend, ...]:
    return (*LEGENDS.values(), *POINT_LEGENDS.values(), *SYMBOL_LEGENDS.values())


def css_variables() -> dict[str, str]:
    """Every colour as a CSS variable: ``--<legend>-<category>`` and ``--<legend>-<category>
    -ink`` (text on it), ``--map-<line>``, ``--patrol-<part>``, ``--hatch-*`` and
    ``--ui-<name>``."""
    out = {f"--ui-{name}": value for name, value in UI.items()}
    for legend in every_legend():
        for c in legend.categories:
            out[f"--{legend.key}-{c.key}"] = c.colour
            out[f"--{legend.key}-{c.key}-ink"] = ink_on(c.colour)
            out[f"--{legend.key}-{c.key}-line"] = c.outline
    out |= {f"--map-{name.replace('_', '-')}": v for name, v in MAP_COLOURS.items()}
    out |= {f"--patrol-{name.replace('_', '-')}": v for name, v in PATROL_COLOURS.items()}
    out |= {"--hatch-line": HATCH_LINE, "--hatch-period": f"{HATCH_PERIOD}px",
            "--hatch-gap": f"{HATCH_PERIOD - HATCH_STRIPE}px"}
    return out


def stylesheet() -> str:
    """The style sheet of the colours (``/legend.css``): the variables every other rule of
    ``app/static/xkmt.css`` reads."""
    lines = [f"  {name}: {value};" for name, value in css_variables().items()]
    return ("/* Generated from geo/legends.py: do not edit. */\n:root {\n"
            + "\n".join(lines) + "\n}\n")


def _missing(value) -> bool:
    """None, NaN, pandas NA or NaT."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # not a scalar
        return False


def status_category(status) -> str:
    """An indicator's status as a category of :data:`STATUS` (missing = not applicable)."""
    return status if status in STATUS.keys() else "not_applicable"


def score_category(score, tally: dict | None = None) -> str:
    """A compliance score (0–1) as a category of :data:`SCORE`; ``tally`` (how many
    indicators have each status) tells a score missing for want of data from one where
    no indicator applies.

    >>> [score_category(s) for s in (1.0, 0.75, 0.74, 0.5, 0.2, None)]
    ['all', 'most', 'half', 'half', 'low', 'none']
    >>> score_category(None, {"met": 0, "not_met": 0, "no_data": 3})
    'no_data'
    """
    if _missing(score):
        return "no_data" if (tally or {}).get("no_data") else "none"
    if score >= 1:
        return "all"
    return "most" if score >= 0.75 else "half" if score >= 0.5 else "low"


def score_mark(tally: dict | None) -> str | None:
    """The mark of :data:`SCORE` for a village whose score counts indicators without
    data (as not met), when some were judged: ``"incomplete"``; otherwise None.

    >>> score_mark({"met": 7, "not_met": 6, "no_data": 1}), score_mark({"met": 14})
    ('incomplete', None)
    >>> score_mark({"met": 0, "not_met": 0, "no_data": 3}) is None  # all no data: a category
    True
    """
    tally = tally or {}
    judged = tally.get("met", 0) + tally.get("not_met", 0)
    return "incomplete" if judged and tally.get("no_data", 0) else None


def risk_category(level) -> str:
    """A village's risk level ("I", "II", "III", "none"; missing before QĐ 28)."""
    return level if level in ("I", "II", "III", "none") else "not_in_force"


def per_thousand_category(people, population, mask_up_to: int = 0) -> str:
    """People on the lists per 1,000 residents as a category of :data:`PER_THOUSAND`.

    ``mask_up_to``: counts from 1 to this go to "few" whatever the rate, so that the rate
    and the population cannot give a small count back (for viewers).

    >>> [per_thousand_category(n, 500) for n in (0, 0.5, 1, 2, 3, 5, 10)]
    ['zero', '0-2', '2-5', '2-5', '5-10', '10+', '10+']
    >>> per_thousand_category(2, 500, mask_up_to=2), per_thousand_category(3, None)
    ('few', 'unknown')
    """
    if _missing(people):
        return "unknown"
    if people == 0:
        return "zero"
    if 1 <= people <= mask_up_to:
        return "few"
    if _missing(population) or not population:
        return "unknown"
    rate = people * 1000 / population
    for key, upper in (("0-2", 2), ("2-5", 5), ("5-10", 10)):
        if rate < upper:
            return key
    return "10+"


def change_category(now, before) -> str:
    """This month's score against last month's, as a category of :data:`CHANGE`.

    >>> change_category(0.8, 0.6), change_category(0.5, 0.5), change_category(0.4, 0.5)
    ('better', 'same', 'worse')
    >>> change_category(0.5, None)
    'none'
    """
    if _missing(now) or _missing(before):
        return "none"
    if abs(now - before) < 1e-9:
        return "same"
    return "better" if now > before else "worse"


# Printed maps: the tips received in the last 12 months per village (the police's
# tips density; never shown to other roles).
TIPS = Legend("tips", "Tips received in the last 12 months", (
    Category("zero", "#ffffff", "None", outline="#888888"),
    Category("1-2", "#c6dbef", "1 to 2"),
    Category("3-5", "#6baed6", "3 to 5"),
    Category("6+", "#08519c", "6 or more"),
))


def tips_category(count) -> str:
    """A village's tips in the last 12 months as a category of :data:`TIPS`.

    >>> [tips_category(n) for n in (0, 1, 2, 3, 5, 6, 40)]
    ['zero', '1-2', '1-2', '3-5', '3-5', '6+', '6+']
    """
    count = 0 if _missing(count) else int(count)
    return "zero" if count == 0 else "1-2" if count <= 2 else "3-5" if count <= 5 else "6+"
