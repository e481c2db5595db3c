"""Fixed legends of the maps: the same colour for the same category in every month, on
screen and on paper.

A legend is data: its categories, in order, each with a key, a fill colour, an optional
hatch and a label. Labels are English message ids; the application translates them. The
``*_category`` functions put one village's figure into a category of a legend.

Colours are chosen to stay apart for colour-blind readers where a convention allows it:
"met" is a mid green and "not met" a dark red (they differ in lightness, not only in hue),
"no data" is grey *with a hatch*, "not applicable" is white with an outline.
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
    outline: str = "#555555"


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
    Category("most", "#a6d96a", "75% to under 100%"),
    Category("half", "#fdae61", "50% to under 75%"),
    Category("low", "#d7191c", "Under 50%"),
    Category("no_data", "#bdbdbd", "No data: no indicator could be judged", hatch=True),
    Category("none", "#ffffff", "No indicator applies", outline="#888888"),
), marks=(
    Mark("incomplete", "Dashed outline: some indicators have no data (counted as not met)",
         "#000000", "6 4"),
))

RISK = Legend("risk", "Risk level (analogy of Decision 28/2025 commune classes)", (
    Category("I", "#67001f", "Type I (most serious)"),
    Category("II", "#d6604d", "Type II"),
    Category("III", "#fddbc7", "Type III"),
    Category("none", "#f7f7f7", "Not a hotspot", outline="#888888"),
    Category("not_in_force", "#bdbdbd", "Not assessed (before Decision 28/2025)", hatch=True),
))

PER_THOUSAND = Legend("per_thousand", "People on the lists per 1,000 residents", (
    Category("zero", "#ffffff", "None", outline="#888888"),
    Category("few", "#fde0ef", "A few people (small number not shown)"),
    Category("0-2", "#fcc5c0", "More than 0 to under 2"),
    Category("2-5", "#f768a1", "2 to under 5"),
    Category("5-10", "#ae017e", "5 to under 10"),
    Category("10+", "#49006a", "10 or more"),
    Category("unknown", "#bdbdbd", "Population not known", hatch=True),
))

CHANGE = Legend("change", "Change since last month (share of indicators met)", (
    Category("better", "#2166ac", "Better"),
    Category("same", "#f7f7f7", "Unchanged", outline="#888888"),
    Category("worse", "#d6604d", "Worse"),
    Category("none", "#bdbdbd", "Cannot compare", hatch=True),
))

# Point layers: the colour of the marker.
VENUES = Legend("venues", "Venues by inspection status", (
    Category("in_time", "#1a9850", "Inspected in time"),
    Category("overdue", "#fdae61", "Inspection overdue"),
    Category("finding", "#67001f", "Drug finding at an inspection"),
    Category("not_judged", "#bdbdbd", "Not assessed this month"),
))

TIP_BOXES = Legend("tip_boxes", "Tip boxes", (
    Category("working", "#3182bd", "Working tip box (circle: area it serves)"),
    Category("broken", "#fdae6b", "Broken tip box"),
))

POINT_LEGENDS: dict[str, Legend] = {leg.key: leg for leg in (VENUES, TIP_BOXES)}

LEGENDS: dict[str, Legend] = {leg.key: leg for leg in (STATUS, SCORE, RISK, PER_THOUSAND,
                                                        CHANGE)}


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
