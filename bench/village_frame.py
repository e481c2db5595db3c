"""Benchmark the village frame on synthetic records (all invented, seeded).

Run: .venv/bin/python bench/village_frame.py [--runs 5]

Builds a year of records (11/2024–10/2025) for (a) one commune of 12 villages and (b) 100
communes of 12 villages each, computes the frame for 10/2025 with both shipped plans, and
prints the mean time of several runs against a baseline measured in the same run: a plain
pandas group-by count of the same records per village (people, tests, outreach exploded
to villages, tips, venues, inspections, incidents, pledges), and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.engine.frame import village_frame  # noqa: E402
from geo.engine.plans import shipped_plans  # noqa: E402
from geo.engine.tables import Tables  # noqa: E402

START = np.datetime64("2024-11-01")
DAYS = 365
MONTH = "2025-10"
CATEGORIES = np.array(["addict", "user", "post_rehab", "released"])
STATUSES = np.array(["rehab_home", "rehab_facility", "rehab_compulsory", "methadone",
                     "no_treatment", "no_treatment", "no_treatment", "prison"])
VENUE_KINDS = np.array(["karaoke", "guesthouse", "hotel", "bar", "internet_cafe", "massage"])


def _dates(rng: np.random.Generator, n: int) -> np.ndarray:
    return (START + rng.integers(0, DAYS, n).astype("timedelta64[D]")).astype(
        "datetime64[ns]")


def make_villages(communes: int, per: int = 12) -> gpd.GeoDataFrame:
    codes = [f"C{c:03d}-T{v:02d}" for c in range(communes) for v in range(1, per + 1)]
    n = len(codes)
    rng = np.random.default_rng(1)
    households = rng.integers(150, 400, n)
    return gpd.GeoDataFrame(
        {"code": codes, "name": [f"Thôn {i % per + 1}" for i in range(n)],
         "households": households, "population": (households * 3.8).astype(int)},
        geometry=[box(105 + (i % 120) * 0.01, 20 + (i // 120) * 0.01,
                      105.01 + (i % 120) * 0.01, 20.01 + (i // 120) * 0.01)
                  for i in range(n)], crs="EPSG:4326")


def _people(rng, codes: np.ndarray) -> dict[str, pd.DataFrame]:
    per_village = rng.poisson(8, len(codes))
    village = np.repeat(codes, per_village)
    n = len(village)
    person = np.array([f"P{i:06d}" for i in range(n)])
    persons = pd.DataFrame({
        "code": person, "file_opened": rng.random(n) < 0.9,
        "file_opened_date": _dates(rng, n), "management_start": _dates(rng, n),
        "loan_date": np.where(rng.random(n) < 0.4, _dates(rng, n), np.datetime64("NaT")),
        "job_date": np.where(rng.random(n) < 0.3, _dates(rng, n), np.datetime64("NaT"))})
    changes = rng.integers(1, 4, n)  # 1-3 states each: moves, status or category changes
    owner = np.repeat(np.arange(n), changes)
    first = np.r_[0, np.cumsum(changes)[:-1]]
    first_state = np.zeros(len(owner), bool)
    first_state[first] = True
    moved = (~first_state) & (rng.random(len(owner)) < 0.2)
    neighbour = np.roll(codes, 1)[np.searchsorted(codes, village[owner])]
    states = pd.DataFrame({
        "person": person[owner],
        "valid_from": np.where(first_state, START.astype("datetime64[ns]"),
                               _dates(rng, len(owner))),
        "village": np.where(moved, neighbour, village[owner]),
        "category": rng.choice(CATEGORIES, len(owner), p=[0.35, 0.25, 0.25, 0.15]),
        "status": rng.choice(STATUSES, len(owner)),
        "psychosis": rng.random(len(owner)) < 0.05})
    tests_per = rng.integers(2, 13, n)
    who = np.repeat(person, tests_per)
    tests = pd.DataFrame({"person": who, "date": _dates(rng, len(who)),
                          "result": np.where(rng.random(len(who)) < 0.15, "positive",
                                             "negative")}).drop_duplicates(["person", "date"])
    return {"persons": persons, "person_states": states, "drug_tests": tests}


def _outreach(rng, codes: np.ndarray, communes: int, people: pd.DataFrame) -> pd.DataFrame:
    n_broadcast = len(codes) * 156  # three a week for a year
    broadcasts = pd.DataFrame({
        "kind": "broadcast", "date": _dates(rng, n_broadcast), "count": 1,
        "all_villages": False,
        "villages": [(c,) for c in rng.choice(codes, n_broadcast)]})
    n_posts = communes * 104
    posts = pd.DataFrame({"kind": "post", "date": _dates(rng, n_posts), "count": 1,
                          "all_villages": False, "villages": [()] * n_posts})
    visits = pd.DataFrame({"kind": "individual_visit", "date": _dates(rng, len(people) * 10),
                           "count": 1, "all_villages": False,
                           "person": np.repeat(people["code"].to_numpy(), 10)})
    respected = pd.DataFrame({"kind": "respected_person", "date": _dates(rng, len(codes) * 12),
                              "count": 1, "all_villages": False,
                              "villages": [(c,) for c in np.repeat(codes, 12)]})
    schools = pd.DataFrame({"kind": "school_session", "date": _dates(rng, communes * 24),
                            "count": 1, "all_villages": False,
                            "school": [f"S{i % (communes * 3):04d}"
                                       for i in range(communes * 24)]})
    return pd.concat([broadcasts, posts, visits, respected, schools], ignore_index=True)


def _places(rng, codes: np.ndarray, communes: int) -> dict[str, pd.DataFrame]:
    n_v = len(codes)
    months = (START + (np.arange(12) * 30).astype("timedelta64[D]")).astype("datetime64[ns]")
    pledges = pd.DataFrame({"village": np.repeat(codes, 12), "as_of": np.tile(months, n_v),
                            "households_signed": rng.integers(100, 400, n_v * 12)})
    venue_village = rng.choice(codes, n_v * 2)
    venues = pd.DataFrame({"code": [f"V{i:05d}" for i in range(n_v * 2)], "name": "Quán",
                           "kind": rng.choice(VENUE_KINDS, n_v * 2), "village": venue_village,
                           "active": rng.random(n_v * 2) < 0.9})
    n_insp = n_v * 20
    inspections = pd.DataFrame({
        "venue": rng.choice(venues["code"], n_insp), "date": _dates(rng, n_insp),
        "result": "ok", "drug_finding": rng.random(n_insp) < 0.02}).drop_duplicates(
        ["venue", "date"])
    n_tips = communes * 24
    received = _dates(rng, n_tips)
    settled = received + rng.integers(1, 40, n_tips).astype("timedelta64[D]")
    tips = pd.DataFrame({"code": [f"K{i:05d}" for i in range(n_tips)], "received": received,
                         "channel": "phone", "village": rng.choice(codes, n_tips),
                         "status": "settled",
                         "settled_date": np.where(rng.random(n_tips) < 0.8, settled,
                                                  np.datetime64("NaT"))})
    n_inc = communes * 12
    incidents = pd.DataFrame({
        "code": [f"I{i:05d}" for i in range(n_inc)],
        "kind": rng.choice(["violation", "arrest", "cultivation", "use_site"], n_inc),
        "date": _dates(rng, n_inc), "village": rng.choice(codes, n_inc),
        "persons": rng.integers(1, 3, n_inc), "plants": rng.integers(0, 800, n_inc),
        "area_m2": rng.random(n_inc) * 100})
    return {
        "pledges": pledges, "venues": venues, "inspections": inspections, "tips": tips,
        "incidents": incidents,
        "tip_boxes": pd.DataFrame({"code": [f"B{i:05d}" for i in range(n_v)],
                                   "village": codes, "installed": _dates(rng, n_v),
                                   "status": rng.choice(["working", "broken"], n_v,
                                                        p=[0.9, 0.1])}),
        "schools": pd.DataFrame({"code": [f"S{i:04d}" for i in range(communes * 3)],
                                 "name": "Trường", "level": rng.choice(
                                     ["primary", "lower_secondary", "upper_secondary"],
                                     communes * 3),
                                 "village": rng.choice(codes, communes * 3)}),
        "models": pd.DataFrame({"code": ["M1"], "name": ["Mô hình"], "kind": ["prevention"],
                                "established": [pd.Timestamp("2025-02-01")]}),
        "baselines": pd.DataFrame({"village": np.repeat(codes, 2),
                                   "category": np.tile(["addict", "user"], n_v),
                                   "as_of": pd.Timestamp("2024-11-15"),
                                   "count": rng.integers(0, 6, n_v * 2)}),
    }


def make_tables(villages: gpd.GeoDataFrame, communes: int, seed: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    codes = villages["code"].to_numpy()
    people = _people(rng, codes)
    return {**people, "outreach": _outreach(rng, codes, communes, people["persons"]),
            **_places(rng, codes, communes)}


def baseline(tables: dict, villages: gpd.GeoDataFrame) -> pd.DataFrame:
    """Rows per village of each table: the simplest per-village count of the records."""
    codes = villages["code"]
    states = tables["person_states"]
    home = states.drop_duplicates("person", keep="last").set_index("person")["village"]
    outreach = tables["outreach"].explode("villages")
    venue_village = tables["venues"].set_index("code")["village"]
    parts = {
        "people": states.groupby("village").size(),
        "tests": tables["drug_tests"]["person"].map(home).value_counts(),
        "outreach": outreach.groupby("villages").size(),
        "tips": tables["tips"].groupby("village").size(),
        "venues": tables["venues"].groupby("village").size(),
        "inspections": tables["inspections"]["venue"].map(venue_village).value_counts(),
        "incidents": tables["incidents"].groupby("village").size(),
        "pledges": tables["pledges"].groupby("village").size()}
    return pd.DataFrame({k: v.reindex(codes, fill_value=0) for k, v in parts.items()})


def _mean_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.mean(times)


def run(communes: int, runs: int, plans) -> None:
    villages = make_villages(communes)
    tables = make_tables(villages, communes)
    rows = sum(len(t) for t in tables.values())
    frame_s = _mean_time(lambda: village_frame(tables, villages, MONTH, plans), runs)
    prepared = Tables(tables)
    village_frame(prepared, villages, MONTH, plans)  # warm the month-free caches
    warm_s = _mean_time(lambda: village_frame(prepared, villages, MONTH, plans), runs)
    base_s = _mean_time(lambda: baseline(tables, villages), runs)
    result = village_frame(tables, villages, MONTH, plans)
    print(f"{communes:>3} commune(s) x 12 villages = {len(villages):>5} villages, "
          f"{rows:>9,} records, {len(result.villages.columns)} columns")
    print(f"    village_frame          {frame_s * 1000:9.1f} ms  (mean of {runs})")
    print(f"    village_frame, tables prepared once {warm_s * 1000:9.1f} ms")
    print(f"    baseline group-by count {base_s * 1000:8.1f} ms")
    print(f"    ratio frame / baseline  {frame_s / base_s:8.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    plans = shipped_plans()
    print(f"month {MONTH}; plans {', '.join(p.id for p in plans)}; "
          f"{dt.date.today():%d/%m/%Y}")
    for communes in (1, 100):
        run(communes, args.runs, plans)


if __name__ == "__main__":
    main()
