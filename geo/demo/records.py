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

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geo.demo.base import DEFAULT_PERIOD, PROFILES, Period, Places
from geo.demo.people import baselines_frame, make_people, person_tests, persons_frame
from geo.demo.places import (
    incidents_frame,
    inspections_frame,
    models_frame,
    outreach_frame,
    pledges_frame,
    schools_frame,
    tip_boxes_frame,
    tips_frame,
    venues_frame,
)
from geo.join import natural_key

# --- all together -------------------------------------------------------------------

def demo_records(villages: gpd.GeoDataFrame, outline: BaseGeometry, *, seed: int = 15178,
                 period: Period = DEFAULT_PERIOD) -> dict[str, pd.DataFrame]:
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
    places = Places(villages, outline)
    people = make_people(villages, profiles, rngs[0], period)
    by_village = dict(zip(villages["code"], profiles, strict=True))
    schools = schools_frame(villages, places, rngs[1])
    venues, plans = venues_frame(villages, places, rngs[2])
    tests = [{"person": q.code, "date": day, "result": result} for q in people
             for day, result in sorted(
                 person_tests(q, by_village[q.village], rngs[3], period).items())]
    return {
        "persons": persons_frame(people),
        "drug_tests": pd.DataFrame(tests, columns=["person", "date", "result"]),
        "schools": schools,
        "outreach": outreach_frame(villages, profiles, schools, people, rngs[4:9], period),
        "pledges": pledges_frame(villages, profiles, rngs[9], period),
        "models": models_frame(rngs[10], period),
        "tip_boxes": tip_boxes_frame(villages, profiles, places, rngs[11], period),
        "tips": tips_frame(villages, profiles, places, rngs[12], period),
        "venues": venues,
        "inspections": inspections_frame(plans, rngs[13], period),
        "incidents": incidents_frame(villages, people, places, rngs[14], period),
        "baselines": baselines_frame(villages, people, period),
    }
