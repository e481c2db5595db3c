"""What the demo's synthetic records are made of: the period, the village profiles of the
design (see :mod:`geo.demo.records`), a person's invented history, random days and random
points inside a village. Everything here serves SYNTHETIC data only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS
from geo.vocab import PERSON_CATEGORIES

START, END = dt.date(2024, 11, 1), dt.date(2025, 12, 31)
MARGIN_M = 150.0  # points stay this far inside their village: borders are coarse
IN_COMMUNITY = ("no_treatment", "rehab_home", "rehab_facility", "methadone")
CATEGORIES = PERSON_CATEGORIES
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """The months the demo covers; plan dates are placed relative to ``start``."""

    start: dt.date = START
    end: dt.date = END

    def at(self, days: int) -> dt.date:
        return min(self.start + dt.timedelta(days=days), self.end)

    @property
    def registration(self) -> dt.date:  # the baseline ("thời điểm đăng ký")
        return self.at(19)


DEFAULT_PERIOD = Period()


@dataclass(frozen=True)
class Profile:
    """What a village is meant to show (see the module docstring)."""

    stories: tuple[str, ...] = ()
    extra: tuple[int, int] = (0, 0)  # how many more people, from EXTRA_STORIES
    test_skip: float = 0.0
    visit_skip: float = 0.0
    broadcast_short: float = 0.0  # chance that a week is short in the village
    pledge_late: bool = False
    boxes: int = 1
    box_status: str = "working"
    respected: tuple[int, int] = (1, 3)
    tips: float = 1.0  # relative share of the commune's tips
    late_tips: int = 0  # tips settled after the deadline, and one left open


PROFILES = (
    Profile(("addict_methadone", "addict_recovers", "post_rehab", "post_rehab", "released"),
            (1, 3), boxes=2),
    Profile(),
    Profile(("psychosis_sent", "addict_recovers", "user", "post_rehab"), (0, 2)),
    Profile(("psychosis_left", "addict_untreated", "addict_compulsory", "user", "post_rehab"),
            (1, 2), test_skip=0.05, visit_skip=0.1, broadcast_short=0.03),
    Profile(("relapse", "post_rehab_untested", "addict_recovers", "released"), (1, 3),
            test_skip=0.05, broadcast_short=0.25),
    Profile(("addict_recovers", "relapse_home", "user_late_file", "post_rehab",
             "addict_methadone"), (2, 3), test_skip=0.3, visit_skip=0.35, broadcast_short=0.03),
    Profile(("user_new", "user_new", "user_new", "user_new", "addict_untreated",
             "addict_arrested", "post_rehab", "released"), (0, 1), test_skip=0.05,
            visit_skip=0.03, tips=2.0, broadcast_short=0.03),
    Profile(("post_rehab", "released", "moved_away"), (1, 3), test_skip=0.05,
            pledge_late=True, box_status="broken", tips=1.5, late_tips=2),
    Profile(broadcast_short=0.3, pledge_late=True, boxes=0, respected=(0, 0)),
    Profile(("post_rehab_unsupported", "released_unsupported", "addict_recovers",
             "psychosis_sent"), (1, 2), test_skip=0.05, respected=(0, 0)),
)
EXTRA_STORIES = ("post_rehab", "released", "addict_recovers")


@dataclass
class DemoPerson:
    village: str
    states: list[tuple[dt.date, str, str, bool]]  # from, category, status, psychosis
    attrs: dict = field(default_factory=dict)
    fixed_tests: dict[dt.date, str] = field(default_factory=dict)
    no_tests: tuple[dt.date, dt.date] | None = None  # a window with no test at all
    story: str = ""
    code: str = ""


def rand_days(rng: np.random.Generator, lo: int, hi: int) -> dt.timedelta:
    return dt.timedelta(days=int(rng.integers(lo, hi + 1)))


def rand_day(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + rand_days(rng, 0, max((hi - lo).days, 0))


def month_spans(lo: dt.date, hi: dt.date) -> list[tuple[dt.date, dt.date]]:
    """First and last day of each calendar month from ``lo`` to ``hi``, clipped."""
    out, first = [], lo.replace(day=1)
    while first <= hi:
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        out.append((max(first, lo), min(nxt - DAY, hi)))
        first = nxt
    return out


# --- places -------------------------------------------------------------------------

class Places:
    """Random points inside a village (and the commune), away from its borders."""

    def __init__(self, villages: gpd.GeoDataFrame, outline: BaseGeometry):
        metric = villages.to_crs(METRIC_CRS)
        border = gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
        self.areas = {}
        for code, shape in zip(metric["code"], metric.geometry, strict=True):
            shape = shape.intersection(border)
            for margin in (MARGIN_M, MARGIN_M / 4, 0.0):
                area = shape.buffer(-margin)
                if not area.is_empty:
                    break
            shapely.prepare(area)
            self.areas[code] = area

    def point(self, rng: np.random.Generator, village: str) -> dict[str, float]:
        area = self.areas[village]
        xmin, ymin, xmax, ymax = area.bounds
        while True:
            x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
            if shapely.contains_xy(area, x, y):
                break
        found = gpd.GeoSeries(gpd.points_from_xy([x], [y]), crs=METRIC_CRS).to_crs(4326)
        return {"lat": round(found.y.iloc[0], 7), "lon": round(found.x.iloc[0], 7)}
