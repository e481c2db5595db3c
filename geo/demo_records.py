"""Synthetic monitoring records for the demo commune: a plan's year of work, invented.

**Every record made here is SYNTHETIC.** No person, test, tip, venue, school or incident
is real: people are pseudonymous codes (``CT-001``...) with invented histories, venue and
school names are invented, and every point is drawn at random inside a synthetic village.
The output is meant for the demo commune (Xã Cẩm Tân, 15178, whose villages are synthetic
too) and for tests, never for reports.

:func:`demo_records` is pure and seeded: the same villages, outline, seed and period give
identical frames; another seed gives other dates, counts and points but the same design.
The frames are plain DataFrames, one per record type, with columns named as the record
schema's field keys (``app/records/schema.py``), so they go through the same checks as a
user's import. A person with several states over time has one row per state (same
``code``, later ``status_date``); the person-level columns (file, management, support,
year of birth, sex) repeat the same final values on each row, and the rows must be saved
in ``status_date`` order.

The design is deliberate: villages take a profile by their position in code order, so
that every indicator status (met, not met, no data, not applicable) appears somewhere. For
the default period (11/2024 to 12/2025):

==== ======================================================================================
T01  meets the plan once its addicts are in treatment: methadone, home rehab then
     post-rehab, supported post-rehab and released people, no missed test or visit, a
     karaoke inspected every month
T02  nobody on the lists (person indicators not applicable); otherwise meets the plan
T03  meets; its psychosis case is sent to compulsory rehab within two months; its user
     keeps N1 unmet until the year of management ends (11/2025)
T04  psychosis signs left in the community (P17); an addict with no file and no treatment
     (P13, N1); an addict sent to compulsory rehab; visits and tests missed now and then;
     in 2025 a drug-use site (N3) and a poppy patch of 600-1,500 plants (P10): with its
     one or two addicts and users with a file (0.1-0.5 % of its residents) the risk layer's
     type II from 08/2025 to 11/2025
T05  a relapse: a post-rehab person tests positive, is fined and goes to compulsory rehab
     (P15, N2); a post-rehab person not tested for five months (P20); loudspeakers often
     short (P01)
T06  monthly tests and visits often missed (P14, P02); a user's file opened months late
     (P16); a second relapse, back to home rehab; an addict on methadone
T07  hotspot: four users found in 2025 push it above its baseline (P18, P16); an addict
     with no file and no treatment (P13); drugs found at a karaoke and a guesthouse (P12,
     N3); an arrest, a violation and two drug-use sites (N2, N3): people with a file
     >= 0.5 % of residents, two sites and one arrest (>= 0.1 %) make the risk layer's
     type I from 09/2025 to 11/2025
T08  a small poppy cultivation site (P10; risk type III); tips settled late and one left
     open (P11); its only tip box broken (P09); pledges complete only in 2025 (P06); a
     person moved away
T09  nobody on the lists; no tip box at all (P09); pledges complete only in 2025 (P06);
     loudspeakers often short (P01); no respected-person session
T10  post-rehab and released people never given a loan or a job (P21); a karaoke and
     two guesthouses whose inspections stop in mid-2025 (P12); no respected-person session
==== ======================================================================================

From 09/2025 to 11/2025 (QĐ 28/2025 in force) the risk layer shows every level: type I in
T07, type II in T04, type III in T01, T06 and T08 (and T03 until 10/2025), none in T02,
T05, T09 and T10. N1-N3 are met in some villages and not met in others.

The month before the period (10/2024) holds only the weekly loudspeaker broadcasts that
ran before the plan: no plan is in force, so no indicator applies there (the map's
"no indicator applies" and "venues not assessed").

The first weeks meet little anywhere, as in a real start: addicts begin treatment, users
have only their positive test, pledges and some tip boxes come in 11-12/2024.

Commune level: two Zalo/Facebook posts most weeks, one in some (P03); three schools with
two sessions per semester, one school short in one semester (P04); a prevention model by
02/2025 (P07) and a "3/1" model during 2025 (P08); more than ten addicts in the community
at registration, fewer than ten at the end (P19); karaoke and bars inspected within every
28 days, other venues within every 85. A village list shorter than ten (tests) reuses the
profiles in order.

How to read the people: addicts living in the community are tested monthly, users and
post-rehab people about every three months while under management. The management
columns describe the current management: a year from the decision for users, a year from
the start of post-rehab management (also for someone who went from addict to post-rehab),
open-ended for addicts and released people. Addicts not in treatment test
positive, which is not a relapse; the relapses are the two positive tests of people in
post-rehab management (T05, T06). Visits are monthly while a person lives in the
community (not in compulsory rehab, prison, or moved away). Tip boxes have no status
history in the records: the broken box is broken from its ``last_checked`` date on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.join import natural_key

METRIC_CRS = "EPSG:32648"
START, END = dt.date(2024, 11, 1), dt.date(2025, 12, 31)
MARGIN_M = 150.0  # points stay this far inside their village: borders are coarse
IN_COMMUNITY = ("no_treatment", "rehab_home", "rehab_facility", "methadone")
CATEGORIES = ("user", "addict", "post_rehab", "released")
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
class _Person:
    village: str
    states: list[tuple[dt.date, str, str, bool]]  # from, category, status, psychosis
    attrs: dict = field(default_factory=dict)
    fixed_tests: dict[dt.date, str] = field(default_factory=dict)
    no_tests: tuple[dt.date, dt.date] | None = None  # a window with no test at all
    story: str = ""
    code: str = ""


def _days(rng: np.random.Generator, lo: int, hi: int) -> dt.timedelta:
    return dt.timedelta(days=int(rng.integers(lo, hi + 1)))


def _day(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + _days(rng, 0, max((hi - lo).days, 0))


def _months(lo: dt.date, hi: dt.date) -> list[tuple[dt.date, dt.date]]:
    """First and last day of each calendar month from ``lo`` to ``hi``, clipped."""
    out, first = [], lo.replace(day=1)
    while first <= hi:
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        out.append((max(first, lo), min(nxt - DAY, hi)))
        first = nxt
    return out


# --- people -------------------------------------------------------------------------

def _managed(rng, start: dt.date, *, year: bool = True, support: dt.date | None = None,
             opened: dt.date | None = None) -> dict:
    """File, management and support columns of the person's current management: from
    ``start``, for a year (users, post-rehab) or open-ended; ``support`` is a loan or a job
    date; the file is opened on ``opened`` or within a week of ``start``."""
    kind = "loan_date" if rng.random() < 0.5 else "job_date"
    return {"file_opened": True, "file_opened_date": opened or start + _days(rng, 0, 6),
            "management_start": start,
            "management_end": start + dt.timedelta(days=365) if year else None,
            "loan_date": support if kind == "loan_date" else None,
            "job_date": support if kind == "job_date" else None}


def _story(name: str, rng, r: dt.date, p: Period) -> _Person:
    """One person's history from registration ``r``: states, columns, special tests."""
    person = _Person("", [(r, "addict", "no_treatment", False)],
                     _managed(rng, r, year=False))
    late = p.at(400)
    if name in ("post_rehab", "post_rehab_untested", "post_rehab_unsupported", "released",
                "released_unsupported", "moved_away"):
        category = "released" if name.startswith("released") else "post_rehab"
        # management started before registration; the untested one is managed all 2025
        began = r - _days(rng, 30, 60 if name == "post_rehab_untested" else 300)
        support = None if name.endswith("unsupported") else min(r + _days(rng, 15, 240), late)
        person.states = [(r, category, "no_treatment", False)]
        person.attrs = _managed(rng, began, year=category == "post_rehab", support=support,
                                opened=r + _days(rng, 0, 6))
        if name == "moved_away":
            person.states.append((p.at(150) + _days(rng, 0, 150), category, "moved_away", False))
        if name == "post_rehab_untested":
            gap = p.at(120)
            person.no_tests = (gap, gap + dt.timedelta(days=150))
    elif name in ("user", "user_late_file", "user_new"):
        if name == "user_new":
            r = p.at(120) + _days(rng, 0, 180)
        person.states = [(r, "user", "no_treatment", False)]
        person.attrs = _managed(rng, r)
        if name == "user_late_file":
            person.attrs["file_opened_date"] = r + _days(rng, 90, 150)
    else:
        _addict_story(name, rng, r, p, person)
    return person


def _addict_story(name: str, rng, r: dt.date, p: Period, person: _Person) -> None:
    states = person.states
    if name == "addict_methadone":
        states[0] = (r, "addict", "methadone", False)
    elif name in ("addict_recovers", "relapse_home"):
        home = r + _days(rng, 10, 45)
        post = home + _days(rng, 170, 200)
        states += [(home, "addict", "rehab_home", False), (post, "post_rehab", "no_treatment",
                                                          False)]
        # the current management is the post-rehab year; the file dates from registration
        person.attrs = _managed(rng, post, support=min(post + _days(rng, 20, 120), p.end),
                                opened=r + _days(rng, 0, 6))
        if name == "relapse_home":
            positive = min(post + _days(rng, 60, 100), p.end - dt.timedelta(days=20))
            person.fixed_tests[positive] = "positive"
            states.append((positive + _days(rng, 2, 7), "addict", "rehab_home", False))
    elif name == "relapse":
        states[0] = (r, "post_rehab", "no_treatment", False)
        began = r - _days(rng, 30, 90)
        person.attrs = _managed(rng, began, support=r + _days(rng, 15, 60),
                                opened=r + _days(rng, 0, 6))
        positive = p.at(160) + _days(rng, 0, 90)
        person.fixed_tests[positive] = "positive"
        states += [(positive + _days(rng, 3, 10), "addict", "no_treatment", False),
                   (positive + _days(rng, 20, 40), "addict", "rehab_compulsory", False)]
    elif name == "psychosis_sent":
        states[0] = (r, "addict", "no_treatment", True)
        states.append((r + _days(rng, 15, 60), "addict", "rehab_compulsory", True))
    elif name == "psychosis_left":  # home rehab does not take the signs out of the village
        states[0] = (r, "addict", "no_treatment", True)
        states.append((r + _days(rng, 60, 120), "addict", "rehab_home", True))
    elif name == "addict_untreated":
        person.attrs.update(file_opened=False, file_opened_date=None)
    elif name == "addict_compulsory":
        states.append((r + _days(rng, 30, 90), "addict", "rehab_compulsory", False))
    elif name == "addict_arrested":
        states.append((p.at(120) + _days(rng, 0, 90), "addict", "prison", False))
    else:
        raise ValueError(f"unknown story {name}")


def _people(villages: gpd.GeoDataFrame, profiles: list[Profile], rng,
            p: Period) -> list[_Person]:
    people = []
    for code, profile in zip(villages["code"], profiles, strict=True):
        extra = int(rng.integers(profile.extra[0], profile.extra[1] + 1))
        names = [*profile.stories, *rng.choice(EXTRA_STORIES, size=extra)]
        for name in names:
            person = _story(str(name), rng, _day(rng, p.start, p.at(13)), p)
            person.village, person.story = code, str(name)
            person.attrs.update(birth_year=int(rng.integers(1972, 2006)),
                                sex="F" if rng.random() < 0.1 else "M")
            people.append(person)
    people.sort(key=lambda q: (q.states[0][0], natural_key(q.village)))
    for number, person in enumerate(people, start=1):
        person.code = f"CT-{number:03d}"
    return people


def _segments(person: _Person, end: dt.date) -> list[tuple[dt.date, dt.date, str, str]]:
    """(first day, last day, category, status) of each state, within the period."""
    bounds = [s[0] for s in person.states[1:]] + [end + DAY]
    return [(s[0], min(b - DAY, end), s[1], s[2]) for s, b in zip(person.states, bounds,
                                                                 strict=True)]


def _tests(person: _Person, profile: Profile, rng, p: Period) -> dict[dt.date, str]:
    """Addicts in the community monthly; users and post-rehab about every 3 months."""
    tests = {}
    for lo, hi, category, status in _segments(person, p.end):
        if status not in IN_COMMUNITY or lo > hi:
            continue
        if category == "addict":
            for a, b in _months(lo, hi):
                if rng.random() >= profile.test_skip:
                    tests[_day(rng, a, b)] = "positive" if status == "no_treatment" else \
                        "negative"
        elif category in ("user", "post_rehab"):
            day = lo if category == "user" else lo + _days(rng, 10, 40)
            stop = min(hi, person.attrs["management_end"] or hi)
            first = True
            while day <= stop:
                tests[day] = "positive" if first and category == "user" else "negative"
                first, day = False, day + _days(rng, 75, 90)
    if person.no_tests:
        lo, hi = person.no_tests
        tests = {d: r for d, r in tests.items() if not lo <= d <= hi}
    tests.update(person.fixed_tests)
    return {d: r for d, r in tests.items() if p.start <= d <= p.end}


def _visits(person: _Person, profile: Profile, rng, p: Period) -> list[dt.date]:
    """An individual visit a month while the person lives in the community."""
    spans = [(lo, hi) for lo, hi, _c, status in _segments(person, p.end)
             if status in IN_COMMUNITY and lo <= hi]
    visits = []
    for lo, hi in _months(p.start, p.end):
        parts = [(max(lo, a), min(hi, b)) for a, b in spans if max(lo, a) <= min(hi, b)]
        if parts and rng.random() >= profile.visit_skip:
            a, b = parts[int(rng.integers(len(parts)))]
            visits.append(_day(rng, a, b))
    return visits


def _persons(people: list[_Person]) -> pd.DataFrame:
    rows = [{"code": q.code, "village": q.village, "category": category, "status": status,
             "status_date": since, "psychosis": psychosis, **q.attrs}
            for q in people for since, category, status, psychosis in q.states]
    return pd.DataFrame(rows).sort_values(["status_date", "code"], ignore_index=True)


def _baselines(villages: gpd.GeoDataFrame, people: list[_Person], p: Period) -> pd.DataFrame:
    """People per village and category on the lists at registration (zeros included)."""
    counts = dict.fromkeys(((v, c) for v in villages["code"] for c in CATEGORIES), 0)
    for person in people:
        known = [s for s in person.states if s[0] <= p.registration]
        if known and known[-1][2] not in ("moved_away", "deceased"):
            counts[person.village, known[-1][1]] += 1
    return pd.DataFrame([{"village": v, "category": c, "as_of": p.registration, "count": n}
                         for (v, c), n in counts.items()])


# --- places -------------------------------------------------------------------------

class _Places:
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


# --- outreach -----------------------------------------------------------------------

def _weeks(p: Period) -> list[dt.date]:
    monday = p.start - dt.timedelta(days=p.start.weekday())
    return [monday + dt.timedelta(weeks=w) for w in range((p.end - monday).days // 7 + 1)]


def _inside(monday: dt.date, p: Period) -> list[dt.date]:
    """The days of the week from ``monday`` that lie in the period."""
    week = (monday + dt.timedelta(days=d) for d in range(7))
    return [day for day in week if p.start <= day <= p.end]


def _broadcasts(villages, profiles, rng, p: Period) -> list[dict]:
    """Tuesdays and Fridays on every village's loudspeakers, some villages short."""
    rows = []
    for monday in _weeks(p):
        days = [monday + dt.timedelta(days=d) for d in (1, 4)]
        if not all(p.start <= d <= p.end for d in days):  # a week cut by the period
            inside = _inside(monday, p)
            days = sorted({inside[0], inside[-1]})
        reached = [set(villages["code"]) for _ in days]
        for code, profile in zip(villages["code"], profiles, strict=True):
            if rng.random() < profile.broadcast_short:
                missed = [int(rng.integers(len(days)))] if rng.random() < 0.8 else [0, 1]
                for i in missed[:len(days)]:
                    reached[i].discard(code)
        for day, codes in zip(days, reached, strict=True):
            if codes:
                every = len(codes) == len(villages)
                rows.append({"kind": "broadcast", "date": day,
                             "villages": None if every else ";".join(
                                 sorted(codes, key=natural_key))})
    return rows


def _before_plan(p: Period) -> list[dict]:
    """The calendar month before the period: the loudspeakers already ran every Friday in
    every village before the plan, and the police recorded it. No plan is in force then,
    so no indicator applies to that month."""
    first = (p.start.replace(day=1) - DAY).replace(day=1)
    days = (first + dt.timedelta(days=d) for d in range((p.start.replace(day=1) - first).days))
    return [{"kind": "broadcast", "date": day, "villages": None} for day in days
            if day.weekday() == 4 and day < p.start]


def _posts(rng, p: Period) -> list[dict]:
    """Two posts a week on the commune's Zalo/Facebook pages; one in some weeks."""
    rows = []
    for monday in _weeks(p):
        inside = _inside(monday, p)
        n = 1 if rng.random() < 0.12 else 3 if rng.random() < 0.1 else 2
        for d in sorted(rng.choice(len(inside), size=min(n, len(inside)), replace=False)):
            rows.append({"kind": "post", "date": inside[int(d)]})
    return rows


def _semesters(p: Period) -> list[tuple[dt.date, dt.date]]:
    out = []
    for year in range(p.start.year - 1, p.end.year + 1):
        for lo, hi in ((dt.date(year, 9, 5), dt.date(year + 1, 1, 15)),
                       (dt.date(year + 1, 1, 20), dt.date(year + 1, 5, 25))):
            lo, hi = max(lo, p.start), min(hi, p.end)
            if (hi - lo).days >= 20:
                out.append((lo, hi))
    return out


def _school_sessions(schools: pd.DataFrame, rng, p: Period) -> list[dict]:
    """Two sessions per school and semester; one school is one short in one semester."""
    semesters = _semesters(p)
    short = (int(rng.integers(len(schools))), int(rng.integers(len(semesters))))
    rows = []
    for i, code in enumerate(schools["code"]):
        for j, (lo, hi) in enumerate(semesters):
            mid = lo + (hi - lo) / 2
            halves = [(lo, mid)] if (i, j) == short else [(lo, mid), (mid + DAY, hi)]
            rows += [{"kind": "school_session", "date": _day(rng, a, b), "school": code}
                     for a, b in halves]
    return rows


def _village_sessions(villages, profiles, rng, p: Period) -> list[dict]:
    """Respected-person sessions per village, and commune meetings every quarter."""
    rows = {}
    for code, profile in zip(villages["code"], profiles, strict=True):
        for _ in range(int(rng.integers(profile.respected[0], profile.respected[1] + 1))):
            day = _day(rng, p.start, p.end)
            rows[day, code] = {"kind": "respected_person", "date": day, "villages": code}
    meetings = [{"kind": "meeting", "date": _day(rng, a, min(b, a + dt.timedelta(days=20)))}
                for a, b in _months(p.start, p.end)[::3]]
    return list(rows.values()) + meetings


def _outreach(villages, profiles, schools, people, rngs, p: Period) -> pd.DataFrame:
    by_village = dict(zip(villages["code"], profiles, strict=True))
    visits = [{"kind": "individual_visit", "date": day, "person": q.code}
              for q in people for day in _visits(q, by_village[q.village], rngs[0], p)]
    rows = (_before_plan(p) + _broadcasts(villages, profiles, rngs[1], p) + _posts(rngs[2], p)
            + _school_sessions(schools, rngs[3], p)
            + _village_sessions(villages, profiles, rngs[4], p) + visits)
    frame = pd.DataFrame(rows, columns=["kind", "date", "villages", "school", "person"])
    return frame.sort_values(["date", "kind"], kind="stable", ignore_index=True)


# --- pledges, models, schools -------------------------------------------------------

SCHOOLS = (("TH-CT", "Trường Tiểu học Cẩm Tân", "primary", 2),
           ("TH-PD", "Trường Tiểu học Phúc Do", "primary", 7),
           ("THCS-CT", "Trường THCS Cẩm Tân", "lower_secondary", 4))
MODELS = (("MH-01", "Mô hình “Cựu Công an nhân dân tham gia quản lý, cảm hóa, giáo dục người "
           "nghiện”", "prevention", (70, 110)),
          ("MH-02", "Mô hình “3/1” hỗ trợ tái hòa nhập cộng đồng", "reintegration_3_1",
           (220, 300)))


def _pledges(villages, profiles, rng, p: Period) -> pd.DataFrame:
    """Households signed, growing to all by 13/12/2024, or only in 2025 where late."""
    rows = []
    for code, households, profile in zip(villages["code"], villages["households"], profiles,
                                         strict=True):
        if pd.isna(households):
            continue
        steps = [(p.at(24), rng.uniform(0.45, 0.7)), (p.at(34), rng.uniform(0.75, 0.85))]
        if profile.pledge_late:
            steps += [(p.at(42), rng.uniform(0.86, 0.93)),
                      (p.at(100) + _days(rng, 0, 30), rng.uniform(0.94, 0.98)),
                      (p.at(200) + _days(rng, 0, 90), 1.0)]
        else:
            steps += [(p.at(42) - _days(rng, 0, 3), 1.0)]
        signed = 0
        for day, share in steps:
            signed = min(max(signed + 1, round(int(households) * share)), int(households))
            rows.append({"village": code, "as_of": day, "households_signed": signed})
    return pd.DataFrame(rows)


def _models(rng, p: Period) -> pd.DataFrame:
    return pd.DataFrame([{"code": code, "name": name, "kind": kind,
                          "established": _day(rng, p.at(lo), p.at(hi))}
                         for code, name, kind, (lo, hi) in MODELS])


def _schools(villages, places: _Places, rng) -> pd.DataFrame:
    codes = list(villages["code"])
    return pd.DataFrame([{"code": code, "name": name, "level": level,
                          **places.point(rng, codes[i % len(codes)])}
                         for code, name, level, i in SCHOOLS])


# --- tip boxes and tips -------------------------------------------------------------

def _tip_boxes(villages, profiles, places: _Places, rng, p: Period) -> pd.DataFrame:
    """One box per village, two in a few; none in one village, a broken one in another."""
    counts = [profile.boxes for profile in profiles]
    spare = [i for i, profile in enumerate(profiles) if profile.boxes == 1
             and profile.box_status == "working"]
    for i in rng.choice(spare, size=min(len(spare), int(rng.integers(0, 3))), replace=False):
        counts[i] += 1
    rows = []
    for code, profile, n in zip(villages["code"], profiles, counts, strict=True):
        for k in range(n):
            broken = profile.box_status == "broken" and k == 0
            rows.append({"code": f"HT-{len(rows) + 1:02d}", **places.point(rng, code),
                         "installed": p.at(-int(rng.integers(60, 700))) if rng.random() < 0.7
                         else p.at(int(rng.integers(10, 60))),
                         "status": "broken" if broken else "working",
                         "last_checked": _day(rng, p.at(270), p.at(330)) if broken
                         else p.end - _days(rng, 0, 20)})
    return pd.DataFrame(rows)


def _tip(rng, village: str, received: dt.date, status: str, days: int | None) -> dict:
    """A tip; ``days`` from receipt to settled (or found unfounded)."""
    channel = rng.choice(["tip_box", "vneid", "phone", "in_person"], p=[.25, .3, .25, .2])
    row = {"village": village, "received": received, "channel": str(channel), "status": status}
    if status in ("verified", "settled"):
        row["verified_date"] = received + _days(rng, 1, min(7, (days or 10) - 3))
    if status == "settled":
        row["settled_date"] = received + dt.timedelta(days=days)
    if status == "unfounded":
        row["unfounded_date"] = received + dt.timedelta(days=days)
    return row


def _tips(villages, profiles, places: _Places, rng, p: Period) -> pd.DataFrame:
    """Mostly settled within 20 days; a few late, two unfounded, one or two still open."""
    codes = list(villages["code"])
    weights = np.array([profile.tips for profile in profiles])
    where = list(rng.choice(codes, size=int(rng.integers(20, 33)), p=weights / weights.sum()))
    early = p.end - dt.timedelta(days=60)
    rows = [_tip(rng, str(v), _day(rng, p.start, early), "settled", int(rng.integers(6, 20)))
            for v in where]
    rows += [_tip(rng, str(v), _day(rng, p.start, early), "unfounded",
                  int(rng.integers(4, 16))) for v in rng.choice(codes, size=2)]
    late = [c for c, profile in zip(codes, profiles, strict=True)
            for _ in range(profile.late_tips)]
    rows += [_tip(rng, v, _day(rng, p.start, early), "settled", int(rng.integers(25, 45)))
             for v in late]
    if late:  # verified, never settled: overdue at the end of the period
        rows.append(_tip(rng, late[0], p.end - _days(rng, 40, 55), "verified", 10))
    rows.append(_tip(rng, str(rng.choice(codes)), p.end - _days(rng, 2, 8), "received", None))
    for row in rows:
        if rng.random() < 0.4:
            row.update(places.point(rng, row["village"]))
    rows.sort(key=lambda row: (row["received"], natural_key(row["village"])))
    for number, row in enumerate(rows, start=1):
        row["code"] = f"NT-{number:03d}"
    return pd.DataFrame(rows)


# --- venues, inspections, incidents -------------------------------------------------

VENUES = (  # kind, name, village position, what happens
    ("karaoke", "Karaoke Hoàng Gia", 0, ""),
    ("karaoke", "Karaoke Ánh Dương", 6, "drugs"),
    ("karaoke", "Karaoke Hoa Sen", 4, ""),
    ("karaoke", "Karaoke Sao Mai", 9, "overdue"),
    ("guesthouse", "Nhà nghỉ Bình An", 0, ""),
    ("guesthouse", "Nhà nghỉ Phúc Lộc", 2, "violation"),
    ("guesthouse", "Nhà nghỉ Hồng Hà", 6, "drugs"),
    ("guesthouse", "Nhà nghỉ Thanh Bình", 9, "overdue"),
    ("guesthouse", "Nhà nghỉ Minh Anh", 9, "overdue"),
    ("hotel", "Khách sạn Sông Mã", 3, ""),
    ("internet_cafe", "Internet Thành Công", 5, ""),
    ("internet_cafe", "Internet Ngọc Lan", 7, "closed"),
)
EXTRA_VENUES = (("guesthouse", "Nhà nghỉ An Khang", 3, ""), ("karaoke", "Karaoke Bốn Mùa", 1, ""),
                ("bar", "Quán bar Phố Núi", 5, ""), ("guesthouse", "Nhà nghỉ Thanh Xuân", 7, ""))
EVERY = {"karaoke": 28, "bar": 28, "massage": 28}  # most days between inspections; else 85
TEAMS = ("Công an xã", "Tổ công tác liên ngành xã")
NOTES = {
    "karaoke": "Phát hiện {n} khách dương tính với ma túy trong phòng hát; đã lập biên bản",
    "guesthouse": "Phát hiện ma túy tổng hợp và dụng cụ sử dụng trong phòng nghỉ; đã lập biên "
                  "bản",
    "violation": "Không thông báo lưu trú cho khách nghỉ qua đêm",
}


def _venues(villages, places: _Places, rng) -> tuple[pd.DataFrame, list[tuple]]:
    """Venues and, beside them, (code, kind, event) for their inspections."""
    codes = list(villages["code"])
    extra = EXTRA_VENUES[:int(rng.integers(0, len(EXTRA_VENUES) + 1))]
    rows, plans = [], []
    for n, (kind, name, i, event) in enumerate([*VENUES, *extra], start=1):
        code = f"CS-{n:02d}"
        rows.append({"code": code, "name": name, "kind": kind,
                     **places.point(rng, codes[i % len(codes)]),
                     "licence": None if n == 3 else f"28A8{int(rng.integers(10**6)):06d}",
                     "active": event != "closed"})
        plans.append((code, kind, event))
    return pd.DataFrame(rows), plans


def _inspections(plans: list[tuple], rng, p: Period) -> pd.DataFrame:
    """Karaoke and bars within every 28 days, others within 85; the overdue ones stop in
    mid-2025, the closed one earlier; a drug finding or a violation where designed."""
    rows = []
    for code, kind, event in plans:
        every = EVERY.get(kind, 85)
        stop = min(p.end, p.at(240 if event == "overdue" else 180 if event == "closed"
                               else 10_000))
        days, day = [], p.start + _days(rng, 0, min(20, every - 8))
        while day <= stop:
            days.append(day)
            day += _days(rng, every - 8, every)
        special = len(days) // 3 + int(rng.integers(max(1, len(days) // 3)))
        for k, day in enumerate(days):
            row = {"venue": code, "date": day, "team": str(rng.choice(TEAMS)), "result": "ok",
                   "drug_finding": False}
            if k == special and event in ("drugs", "violation"):
                note = NOTES[kind if event == "drugs" else "violation"]
                row.update(result="violation", drug_finding=event == "drugs",
                           note=note.format(n=int(rng.integers(2, 6))))
            rows.append(row)
    return pd.DataFrame(rows, columns=["venue", "date", "team", "result", "drug_finding",
                                       "note"])


def _incidents(villages, people: list[_Person], places: _Places, rng,
               p: Period) -> pd.DataFrame:
    """An arrest, violations, a drug-use site (T07-like) and a cultivation site (T08-like)."""
    codes = list(villages["code"])
    rows = []
    for q in people:
        for day, _category, status, _psychosis in q.states:
            if status == "prison":
                rows.append({"kind": "arrest", "date": day, "village": q.village, "persons": 1,
                             "note": "Bắt quả tang tàng trữ trái phép chất ma túy"})
        for day, result in q.fixed_tests.items():
            if result == "positive" and q.story == "relapse":
                rows.append({"kind": "violation", "date": day + DAY, "village": q.village,
                             "persons": 1, "note": "Sử dụng trái phép chất ma túy; xử phạt "
                             "vi phạm hành chính"})
    if len(codes) > 7:
        hot, farm = codes[6], codes[7]
        rows.append({"kind": "violation", "date": _day(rng, p.at(90), p.at(150)), "village": hot,
                     "persons": 2, "note": "Sử dụng trái phép chất ma túy; xử phạt vi phạm "
                     "hành chính"})
        rows.append({"kind": "use_site", "date": _day(rng, p.at(200), p.at(260)), "village": hot,
                     **places.point(rng, hot), "persons": 3,
                     "note": "Lán bỏ hoang bị dùng làm nơi sử dụng trái phép chất ma túy; đã "
                     "giải tỏa"})
        rows.append({"kind": "cultivation", "date": _day(rng, p.at(90), p.at(140)),
                     "village": farm, **places.point(rng, farm),
                     "plants": int(rng.integers(60, 300)),
                     "area_m2": float(rng.integers(15, 80)),
                     "note": "Trồng cây thuốc phiện xen trong vườn đồi; đã nhổ bỏ, tiêu hủy"})
    if len(codes) > 7:
        rows += _hotspot_incidents(codes, places, rng, p)
    rows.sort(key=lambda row: row["date"])
    for number, row in enumerate(rows, start=1):
        row["code"] = f"VV-{number:02d}"
    return pd.DataFrame(rows)


def _hotspot_incidents(codes: list[str], places: _Places, rng, p: Period) -> list[dict]:
    """What makes the risk layer show type I (T07) and type II (T04) in autumn 2025: a
    second drug-use site in T07, and a drug-use site with a poppy patch of type II size
    (500 to 3,000 plants) in T04. Drawn after the other incidents, so they stay the same."""
    hot, small = codes[6], codes[3]
    return [
        {"kind": "use_site", "date": _day(rng, p.at(300), p.at(320)), "village": hot,
         **places.point(rng, hot), "persons": 4,
         "note": "Phòng trọ bị dùng làm nơi tụ tập sử dụng trái phép chất ma túy; đã giải tỏa"},
        {"kind": "use_site", "date": _day(rng, p.at(180), p.at(240)), "village": small,
         **places.point(rng, small), "persons": 2,
         "note": "Chòi rẫy bị dùng làm nơi sử dụng trái phép chất ma túy; đã giải tỏa"},
        {"kind": "cultivation", "date": _day(rng, p.at(100), p.at(150)), "village": small,
         **places.point(rng, small), "plants": int(rng.integers(600, 1500)),
         "area_m2": float(rng.integers(150, 400)),
         "note": "Trồng cây thuốc phiện trên nương rẫy; đã nhổ bỏ, tiêu hủy"},
    ]


# --- all together -------------------------------------------------------------------

def demo_records(villages: gpd.GeoDataFrame, outline: BaseGeometry, *, seed: int = 15178,
                 period: Period = Period()) -> dict[str, pd.DataFrame]:
    """A plan's year of synthetic records for a commune, by the design in this docstring.

    Parameters
    ----------
    villages : GeoDataFrame in EPSG:4326 with ``code`` and ``households``.
    outline : the commune outline in EPSG:4326; every point lies inside it.
    seed : same seed, same frames.
    period : first and last day of the plan's records (default 01/11/2024 to 31/12/2025);
        the broadcasts of the month before come too.

    Returns
    -------
    dict of record type name → DataFrame, in the order they must be saved (people before
    their tests, venues before their inspections). Columns are the record schema's field
    keys; dates are ``datetime.date``; empty cells are None or NaN.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> v = gpd.GeoDataFrame({"code": ["T01", "T02"], "households": [120, 90]},
    ...                      geometry=[box(105.5, 20.1, 105.51, 20.11),
    ...                                box(105.51, 20.1, 105.52, 20.11)], crs="EPSG:4326")
    >>> frames = demo_records(v, box(105.5, 20.1, 105.52, 20.11), seed=1)
    >>> sorted(frames["persons"]["village"].unique())
    ['T01']
    """
    order = sorted(range(len(villages)), key=lambda i: natural_key(villages["code"].iloc[i]))
    villages = villages.iloc[order].reset_index(drop=True)
    profiles = [PROFILES[i % len(PROFILES)] for i in range(len(villages))]
    rngs = [np.random.default_rng([seed, part]) for part in range(16)]
    places = _Places(villages, outline)
    people = _people(villages, profiles, rngs[0], period)
    by_village = dict(zip(villages["code"], profiles, strict=True))
    schools = _schools(villages, places, rngs[1])
    venues, plans = _venues(villages, places, rngs[2])
    tests = [{"person": q.code, "date": day, "result": result} for q in people
             for day, result in sorted(_tests(q, by_village[q.village], rngs[3], period).items())]
    return {
        "persons": _persons(people),
        "drug_tests": pd.DataFrame(tests, columns=["person", "date", "result"]),
        "schools": schools,
        "outreach": _outreach(villages, profiles, schools, people, rngs[4:9], period),
        "pledges": _pledges(villages, profiles, rngs[9], period),
        "models": _models(rngs[10], period),
        "tip_boxes": _tip_boxes(villages, profiles, places, rngs[11], period),
        "tips": _tips(villages, profiles, places, rngs[12], period),
        "venues": venues,
        "inspections": _inspections(plans, rngs[13], period),
        "incidents": _incidents(villages, people, places, rngs[14], period),
        "baselines": _baselines(villages, people, period),
    }
