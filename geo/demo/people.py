"""The demo's SYNTHETIC people: their stories (states over time), management columns,
drug tests, individual visits and the baseline counts at registration (see the design in
:mod:`geo.demo.records`)."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from geo.demo.base import (
    CATEGORIES,
    DAY,
    EXTRA_STORIES,
    IN_COMMUNITY,
    DemoPerson,
    Period,
    Profile,
    month_spans,
    rand_day,
    rand_days,
)
from geo.join import natural_key

# --- people -------------------------------------------------------------------------

def _managed(rng, start: dt.date, *, year: bool = True, support: dt.date | None = None,
             opened: dt.date | None = None) -> dict:
    """File, management and support columns of the person's current management: from
    ``start``, for a year (users, post-rehab) or open-ended; ``support`` is a loan or a job
    date; the file is opened on ``opened`` or within a week of ``start``."""
    kind = "loan_date" if rng.random() < 0.5 else "job_date"
    return {"file_opened": True, "file_opened_date": opened or start + rand_days(rng, 0, 6),
            "management_start": start,
            "management_end": start + dt.timedelta(days=365) if year else None,
            "loan_date": support if kind == "loan_date" else None,
            "job_date": support if kind == "job_date" else None}


def _story(name: str, rng, r: dt.date, p: Period) -> DemoPerson:
    """One person's history from registration ``r``: states, columns, special tests."""
    person = DemoPerson("", [(r, "addict", "no_treatment", False)],
                     _managed(rng, r, year=False))
    late = p.at(400)
    if name in ("post_rehab", "post_rehab_untested", "post_rehab_unsupported", "released",
                "released_unsupported", "moved_away"):
        category = "released" if name.startswith("released") else "post_rehab"
        # management started before registration; the untested one is managed all 2025
        began = r - rand_days(rng, 30, 60 if name == "post_rehab_untested" else 300)
        support = None if name.endswith("unsupported") else min(r + rand_days(rng, 15, 240), late)
        person.states = [(r, category, "no_treatment", False)]
        person.attrs = _managed(rng, began, year=category == "post_rehab", support=support,
                                opened=r + rand_days(rng, 0, 6))
        if name == "moved_away":
            moved = p.at(150) + rand_days(rng, 0, 150)
            person.states.append((moved, category, "moved_away", False))
        if name == "post_rehab_untested":
            gap = p.at(120)
            person.no_tests = (gap, gap + dt.timedelta(days=150))
    elif name in ("user", "user_late_file", "user_new"):
        if name == "user_new":
            r = p.at(120) + rand_days(rng, 0, 180)
        person.states = [(r, "user", "no_treatment", False)]
        person.attrs = _managed(rng, r)
        if name == "user_late_file":
            person.attrs["file_opened_date"] = r + rand_days(rng, 90, 150)
    else:
        _addict_story(name, rng, r, p, person)
    return person


def _addict_story(name: str, rng, r: dt.date, p: Period, person: DemoPerson) -> None:
    states = person.states
    if name == "addict_methadone":
        states[0] = (r, "addict", "methadone", False)
    elif name in ("addict_recovers", "relapse_home"):
        home = r + rand_days(rng, 10, 45)
        post = home + rand_days(rng, 170, 200)
        states += [(home, "addict", "rehab_home", False), (post, "post_rehab", "no_treatment",
                                                          False)]
        # the current management is the post-rehab year; the file dates from registration
        person.attrs = _managed(rng, post, support=min(post + rand_days(rng, 20, 120), p.end),
                                opened=r + rand_days(rng, 0, 6))
        if name == "relapse_home":
            positive = min(post + rand_days(rng, 60, 100), p.end - dt.timedelta(days=20))
            person.fixed_tests[positive] = "positive"
            states.append((positive + rand_days(rng, 2, 7), "addict", "rehab_home", False))
    elif name == "relapse":
        states[0] = (r, "post_rehab", "no_treatment", False)
        began = r - rand_days(rng, 30, 90)
        person.attrs = _managed(rng, began, support=r + rand_days(rng, 15, 60),
                                opened=r + rand_days(rng, 0, 6))
        positive = p.at(160) + rand_days(rng, 0, 90)
        person.fixed_tests[positive] = "positive"
        states += [(positive + rand_days(rng, 3, 10), "addict", "no_treatment", False),
                   (positive + rand_days(rng, 20, 40), "addict", "rehab_compulsory", False)]
    elif name == "psychosis_sent":
        states[0] = (r, "addict", "no_treatment", True)
        states.append((r + rand_days(rng, 15, 60), "addict", "rehab_compulsory", True))
    elif name == "psychosis_left":  # home rehab does not take the signs out of the village
        states[0] = (r, "addict", "no_treatment", True)
        states.append((r + rand_days(rng, 60, 120), "addict", "rehab_home", True))
    elif name == "addict_untreated":
        person.attrs.update(file_opened=False, file_opened_date=None)
    elif name == "addict_compulsory":
        states.append((r + rand_days(rng, 30, 90), "addict", "rehab_compulsory", False))
    elif name == "addict_arrested":
        states.append((p.at(120) + rand_days(rng, 0, 90), "addict", "prison", False))
    else:
        raise ValueError(f"unknown story {name}")


def make_people(villages: gpd.GeoDataFrame, profiles: list[Profile], rng,
            p: Period) -> list[DemoPerson]:
    people = []
    for code, profile in zip(villages["code"], profiles, strict=True):
        extra = int(rng.integers(profile.extra[0], profile.extra[1] + 1))
        names = [*profile.stories, *rng.choice(EXTRA_STORIES, size=extra)]
        for name in names:
            person = _story(str(name), rng, rand_day(rng, p.start, p.at(13)), p)
            person.village, person.story = code, str(name)
            person.attrs.update(birth_year=int(rng.integers(1972, 2006)),
                                sex="F" if rng.random() < 0.1 else "M")
            people.append(person)
    people.sort(key=lambda q: (q.states[0][0], natural_key(q.village)))
    for number, person in enumerate(people, start=1):
        person.code = f"CT-{number:03d}"
    return people


def _segments(person: DemoPerson, end: dt.date) -> list[tuple[dt.date, dt.date, str, str]]:
    """(first day, last day, category, status) of each state, within the period."""
    bounds = [s[0] for s in person.states[1:]] + [end + DAY]
    return [(s[0], min(b - DAY, end), s[1], s[2]) for s, b in zip(person.states, bounds,
                                                                 strict=True)]


def person_tests(person: DemoPerson, profile: Profile, rng, p: Period) -> dict[dt.date, str]:
    """Addicts in the community monthly; users and post-rehab about every 3 months."""
    tests = {}
    for lo, hi, category, status in _segments(person, p.end):
        if status not in IN_COMMUNITY or lo > hi:
            continue
        if category == "addict":
            for a, b in month_spans(lo, hi):
                if rng.random() >= profile.test_skip:
                    tests[rand_day(rng, a, b)] = "positive" if status == "no_treatment" else \
                        "negative"
        elif category in ("user", "post_rehab"):
            day = lo if category == "user" else lo + rand_days(rng, 10, 40)
            stop = min(hi, person.attrs["management_end"] or hi)
            first = True
            while day <= stop:
                tests[day] = "positive" if first and category == "user" else "negative"
                first, day = False, day + rand_days(rng, 75, 90)
    if person.no_tests:
        lo, hi = person.no_tests
        tests = {d: r for d, r in tests.items() if not lo <= d <= hi}
    tests.update(person.fixed_tests)
    return {d: r for d, r in tests.items() if p.start <= d <= p.end}


def visit_days(person: DemoPerson, profile: Profile, rng, p: Period) -> list[dt.date]:
    """An individual visit a month while the person lives in the community."""
    spans = [(lo, hi) for lo, hi, _c, status in _segments(person, p.end)
             if status in IN_COMMUNITY and lo <= hi]
    visits = []
    for lo, hi in month_spans(p.start, p.end):
        parts = [(max(lo, a), min(hi, b)) for a, b in spans if max(lo, a) <= min(hi, b)]
        if parts and rng.random() >= profile.visit_skip:
            a, b = parts[int(rng.integers(len(parts)))]
            visits.append(rand_day(rng, a, b))
    return visits


def persons_frame(people: list[DemoPerson]) -> pd.DataFrame:
    rows = [{"code": q.code, "village": q.village, "category": category, "status": status,
             "status_date": since, "psychosis": psychosis, **q.attrs}
            for q in people for since, category, status, psychosis in q.states]
    return pd.DataFrame(rows).sort_values(["status_date", "code"], ignore_index=True)


def baselines_frame(villages: gpd.GeoDataFrame, people: list[DemoPerson],
                    p: Period) -> pd.DataFrame:
    """People per village and category on the lists at registration (zeros included)."""
    counts = dict.fromkeys(((v, c) for v in villages["code"] for c in CATEGORIES), 0)
    for person in people:
        known = [s for s in person.states if s[0] <= p.registration]
        if known and known[-1][2] not in ("moved_away", "deceased"):
            counts[person.village, known[-1][1]] += 1
    return pd.DataFrame([{"village": v, "category": c, "as_of": p.registration, "count": n}
                         for (v, c), n in counts.items()])
