"""A small hand-made commune for the compliance engine (all synthetic).

Three villages, thirteen people, a month of events: October 2025, so both the Cẩm Tân
plan and QĐ 28 are in force. Figures are taken at 31/10/2025. October's ISO weeks are
W40 (29/09–05/10) to W44 (27/10–02/11): both end weeks spill into the neighbouring
months. The evaluation year is 15/12/2024–14/12/2025; semester 1 began 01/09/2025; the
rolling 3 months are 01/08–31/10/2025.

Villages: T01 (100 households, 400 residents), T02 (80, 300), T03 (50, 200). T03 has no
records at all.

People at 31/10/2025 (state, file; what each one is here to test):

- CT-001 T01 addict, methadone, file; tested 05/10. In treatment; N1 excludes methadone.
- CT-002 T01 addict, no treatment, no file, never tested.
- CT-003 addict at home rehab, file: T01 until 14/10, T02 from 15/10 (moved mid-month);
  tested 08/10 while in T01.
- CT-004 T02 addict: no treatment until 19/10, compulsory centre from 20/10 with psychosis
  signs (status change in the month; held, so not residing by default).
- CT-005 T02 addict, home rehab, psychosis signs, file; tested 09/10 (left in community).
- CT-006 T01 user, file, managed from 01/03/2025; positive 01/03, negative 20/09.
- CT-007 T01 user, managed from 01/06/2024, positive 01/06/2024 only: the 12 months ended
  on 01/06/2025, so no longer on the lists.
- CT-008 T02 user, file, managed from 01/02/2025; positive 01/02 and 10/09/2025.
- CT-009 T01 post-rehab since 01/09/2024 after compulsory rehab (born 1990): 24 months,
  still listed; file; tested 15/09/2025; loan 01/05/2025.
- CT-010 T01 post-rehab since 15/08/2025 after home rehab; file; positive test 12/10
  (relapse); no support; not yet due a 3-monthly test (post-rehab for less than the
  whole window).
- CT-011 post-rehab (T02) since 05/01/2025 after a facility, then addict with no
  treatment from 18/10 (relapse by change); file; tested 17/10.
- CT-012 T02 released after a sentence, file; job support 10/05/2025.
- CT-013 T01 user who moved away on 05/10/2025.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

MONTH = "2025-10"


def d(text: str) -> dt.date:
    """A date written dd/mm/yyyy, as on paper."""
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def villages() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["T01", "T02", "T03"], "name": ["Thôn 1", "Thôn 2", "Thôn 3"],
         "households": [100, 80, 50], "population": [400, 300, 200]},
        geometry=[box(105.50 + i * 0.01, 20.10, 105.51 + i * 0.01, 20.11) for i in range(3)],
        crs="EPSG:4326")


def _frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


def _persons() -> pd.DataFrame:
    cols = "code file_opened file_opened_date management_start loan_date job_date birth_year"
    return _frame(cols, [
        ("CT-001", True, d("01/11/2024"), None, None, None, None),
        ("CT-002", False, None, None, None, None, None),
        ("CT-003", True, d("01/11/2024"), None, None, None, None),
        ("CT-004", True, d("01/11/2024"), None, None, None, None),
        ("CT-005", True, d("01/11/2024"), None, None, None, None),
        ("CT-006", True, d("01/03/2025"), d("01/03/2025"), None, None, None),
        ("CT-007", False, None, d("01/06/2024"), None, None, None),
        ("CT-008", True, d("01/02/2025"), d("01/02/2025"), None, None, None),
        ("CT-009", True, d("01/09/2024"), None, d("01/05/2025"), None, 1990),
        ("CT-010", True, d("15/08/2025"), None, None, None, None),
        ("CT-011", True, d("05/01/2025"), None, None, None, None),
        ("CT-012", True, d("01/04/2025"), None, None, d("10/05/2025"), None),
        ("CT-013", False, None, d("01/05/2025"), None, None, None),
    ])


def _states() -> pd.DataFrame:
    return _frame("person valid_from village category status psychosis", [
        ("CT-001", d("01/11/2024"), "T01", "addict", "methadone", False),
        ("CT-002", d("01/11/2024"), "T01", "addict", "no_treatment", False),
        ("CT-003", d("01/11/2024"), "T01", "addict", "rehab_home", False),
        ("CT-003", d("15/10/2025"), "T02", "addict", "rehab_home", False),
        ("CT-004", d("01/11/2024"), "T02", "addict", "no_treatment", False),
        ("CT-004", d("20/10/2025"), "T02", "addict", "rehab_compulsory", True),
        ("CT-005", d("01/11/2024"), "T02", "addict", "rehab_home", True),
        ("CT-006", d("01/03/2025"), "T01", "user", "no_treatment", False),
        ("CT-007", d("01/06/2024"), "T01", "user", "no_treatment", False),
        ("CT-008", d("01/02/2025"), "T02", "user", "no_treatment", False),
        ("CT-009", d("01/03/2024"), "T01", "addict", "rehab_compulsory", False),
        ("CT-009", d("01/09/2024"), "T01", "post_rehab", "no_treatment", False),
        ("CT-010", d("01/12/2024"), "T01", "addict", "rehab_home", False),
        ("CT-010", d("15/08/2025"), "T01", "post_rehab", "no_treatment", False),
        ("CT-011", d("01/06/2024"), "T02", "addict", "rehab_facility", False),
        ("CT-011", d("05/01/2025"), "T02", "post_rehab", "no_treatment", False),
        ("CT-011", d("18/10/2025"), "T02", "addict", "no_treatment", False),
        ("CT-012", d("01/04/2025"), "T02", "released", "no_treatment", False),
        ("CT-013", d("01/05/2025"), "T01", "user", "no_treatment", False),
        ("CT-013", d("05/10/2025"), "T01", "user", "moved_away", False),
    ])


def _tests() -> pd.DataFrame:
    return _frame("person date result", [
        ("CT-001", d("05/10/2025"), "negative"),
        ("CT-003", d("08/10/2025"), "negative"),
        ("CT-005", d("09/10/2025"), "negative"),
        ("CT-006", d("01/03/2025"), "positive"),
        ("CT-006", d("20/09/2025"), "negative"),
        ("CT-007", d("01/06/2024"), "positive"),
        ("CT-008", d("01/02/2025"), "positive"),
        ("CT-008", d("10/09/2025"), "positive"),
        ("CT-009", d("15/09/2025"), "negative"),
        ("CT-010", d("12/10/2025"), "positive"),
        ("CT-011", d("17/10/2025"), "negative"),
    ])


def _outreach() -> pd.DataFrame:
    both = ("T01", "T02")
    rows = [
        # Broadcasts to T01 and T02; 28/09 is in W39 (September), 30/09 in W40 and
        # 01/11 in W44, both October weeks.
        *(("broadcast", d(x), 1, False, both, None, None) for x in (
            "28/09/2025", "30/09/2025", "07/10/2025", "14/10/2025", "21/10/2025",
            "01/11/2025")),
        *(("broadcast", d(x), 1, False, ("T01",), None, None) for x in (
            "02/10/2025", "09/10/2025", "16/10/2025", "23/10/2025", "29/10/2025")),
        ("broadcast", d("08/10/2025"), 2, False, ("T02",), None, None),
        # Posts: two in every October week, counting 29/09 and 02/11.
        *(("post", d(x), 1, False, (), None, None) for x in (
            "29/09/2025", "01/10/2025", "06/10/2025", "10/10/2025", "13/10/2025",
            "15/10/2025", "20/10/2025", "22/10/2025", "27/10/2025", "02/11/2025")),
        ("school_session", d("20/05/2025"), 1, False, (), "S1", None),  # last semester
        ("school_session", d("15/09/2025"), 1, False, (), "S1", None),
        ("school_session", d("10/10/2025"), 1, False, (), "S1", None),
        ("school_session", d("20/10/2025"), 1, False, (), "S2", None),
        *(("individual_visit", d("11/10/2025"), 1, False, (), None, p) for p in (
            "CT-001", "CT-002", "CT-006", "CT-009", "CT-007")),
        ("respected_person", d("12/10/2025"), 1, False, ("T01",), None, None),
    ]
    return _frame("kind date count all_villages villages school person", rows)


def _places() -> dict[str, pd.DataFrame]:
    return {
        "schools": _frame("code name level village", [
            ("S1", "Trường Tiểu học Cẩm Tân", "primary", "T01"),
            ("S2", "Trường THCS Cẩm Tân", "lower_secondary", "T02"),
            ("S3", "Trường THPT Cẩm Tân", "upper_secondary", "T02")]),
        "pledges": _frame("village as_of households_signed", [
            ("T01", d("30/11/2024"), 80), ("T01", d("10/12/2024"), 100),
            ("T02", d("10/12/2024"), 60), ("T02", d("10/01/2025"), 80)]),
        "models": _frame("code name kind established", [
            ("M1", "Mô hình Cựu CAND tham gia cảm hóa người nghiện", "prevention",
             d("20/02/2025"))]),
        "tip_boxes": _frame("code village installed status last_checked", [
            ("B1", "T01", d("01/12/2024"), "working", d("01/10/2025")),
            ("B2", "T02", d("01/12/2024"), "broken", d("01/10/2025"))]),
        "tips": _frame("code received channel village status verified_date settled_date "
                       "unfounded_date", [
            ("K1", d("15/09/2025"), "tip_box", "T01", "settled", None, d("05/10/2025"), None),
            ("K2", d("25/09/2025"), "vneid", "T01", "settled", None, d("16/10/2025"), None),
            ("K3", d("20/10/2025"), "phone", "T02", "received", None, None, None),
            ("K4", d("01/09/2025"), "phone", "T02", "settled", None, d("03/10/2025"), None),
            ("K5", d("01/10/2025"), "in_person", None, "unfounded", None, None,
             d("10/10/2025"))]),
        "venues": _frame("code name kind village active", [
            ("V1", "Karaoke Hoa Mai", "karaoke", "T01", True),
            ("V2", "Nhà nghỉ Bình An", "guesthouse", "T01", True),
            ("V3", "Karaoke Sao Mai", "karaoke", "T02", True),
            ("V4", "Karaoke Hồng Nhung", "karaoke", "T02", True),
            ("V5", "Quán bar Đêm", "bar", "T02", False)]),
        "inspections": _frame("venue date result drug_finding", [
            ("V1", d("01/10/2025"), "ok", False),
            ("V2", d("05/08/2025"), "ok", False),
            ("V3", d("20/09/2025"), "ok", False),
            ("V4", d("10/10/2025"), "violation", True)]),
        "incidents": _frame("code kind date village persons plants area_m2", [
            ("I1", "cultivation", d("05/10/2025"), "T01", None, 3500, None),
            ("I2", "arrest", d("10/03/2025"), "T01", 2, None, None),
            ("I3", "use_site", d("01/12/2024"), "T01", None, None, None),
            ("I4", "fugitive", d("01/06/2025"), None, 1, None, None)]),
        "baselines": _frame("village category as_of count", [
            ("T01", "addict", d("15/11/2024"), 3), ("T01", "user", d("15/11/2024"), 2),
            ("T02", "addict", d("15/11/2024"), 2), ("T02", "user", d("15/11/2024"), 1)]),
    }


def tables() -> dict[str, pd.DataFrame]:
    """Fresh tables (tests may add rows)."""
    return {"persons": _persons(), "person_states": _states(), "drug_tests": _tests(),
            "outreach": _outreach(), **_places()}


def add(tables: dict[str, pd.DataFrame], name: str, *rows: dict) -> dict[str, pd.DataFrame]:
    """A copy of ``tables`` with ``rows`` appended to table ``name``."""
    out = dict(tables)
    out[name] = pd.concat([tables[name], pd.DataFrame(list(rows))], ignore_index=True)
    return out
