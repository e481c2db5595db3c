"""The demo's SYNTHETIC work and places: outreach, pledges, prevention models, schools, tip
boxes and tips, venues and their inspections, incidents (see the design in
:mod:`geo.demo.records`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from geo.demo.base import DAY, DemoPerson, Period, Places, month_spans, rand_day, rand_days
from geo.demo.people import visit_days
from geo.join import natural_key

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
            rows += [{"kind": "school_session", "date": rand_day(rng, a, b), "school": code}
                     for a, b in halves]
    return rows


def _village_sessions(villages, profiles, rng, p: Period) -> list[dict]:
    """Respected-person sessions per village, and commune meetings every quarter."""
    rows = {}
    for code, profile in zip(villages["code"], profiles, strict=True):
        for _ in range(int(rng.integers(profile.respected[0], profile.respected[1] + 1))):
            day = rand_day(rng, p.start, p.end)
            rows[day, code] = {"kind": "respected_person", "date": day, "villages": code}
    meetings = [{"kind": "meeting", "date": rand_day(rng, a, min(b, a + dt.timedelta(days=20)))}
                for a, b in month_spans(p.start, p.end)[::3]]
    return list(rows.values()) + meetings


def outreach_frame(villages, profiles, schools, people, rngs, p: Period) -> pd.DataFrame:
    by_village = dict(zip(villages["code"], profiles, strict=True))
    visits = [{"kind": "individual_visit", "date": day, "person": q.code}
              for q in people for day in visit_days(q, by_village[q.village], rngs[0], p)]
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


def pledges_frame(villages, profiles, rng, p: Period) -> pd.DataFrame:
    """Households signed, growing to all by 13/12/2024, or only in 2025 where late."""
    rows = []
    for code, households, profile in zip(villages["code"], villages["households"], profiles,
                                         strict=True):
        if pd.isna(households):
            continue
        steps = [(p.at(24), rng.uniform(0.45, 0.7)), (p.at(34), rng.uniform(0.75, 0.85))]
        if profile.pledge_late:
            steps += [(p.at(42), rng.uniform(0.86, 0.93)),
                      (p.at(100) + rand_days(rng, 0, 30), rng.uniform(0.94, 0.98)),
                      (p.at(200) + rand_days(rng, 0, 90), 1.0)]
        else:
            steps += [(p.at(42) - rand_days(rng, 0, 3), 1.0)]
        signed = 0
        for day, share in steps:
            signed = min(max(signed + 1, round(int(households) * share)), int(households))
            rows.append({"village": code, "as_of": day, "households_signed": signed})
    return pd.DataFrame(rows)


def models_frame(rng, p: Period) -> pd.DataFrame:
    return pd.DataFrame([{"code": code, "name": name, "kind": kind,
                          "established": rand_day(rng, p.at(lo), p.at(hi))}
                         for code, name, kind, (lo, hi) in MODELS])


def schools_frame(villages, places: Places, rng) -> pd.DataFrame:
    codes = list(villages["code"])
    return pd.DataFrame([{"code": code, "name": name, "level": level,
                          **places.point(rng, codes[i % len(codes)])}
                         for code, name, level, i in SCHOOLS])


# --- tip boxes and tips -------------------------------------------------------------

def tip_boxes_frame(villages, profiles, places: Places, rng, p: Period) -> pd.DataFrame:
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
                         "last_checked": rand_day(rng, p.at(270), p.at(330)) if broken
                         else p.end - rand_days(rng, 0, 20)})
    return pd.DataFrame(rows)


def _tip(rng, village: str, received: dt.date, status: str, days: int | None) -> dict:
    """A tip; ``days`` from receipt to settled (or found unfounded)."""
    channel = rng.choice(["tip_box", "vneid", "phone", "in_person"], p=[.25, .3, .25, .2])
    row = {"village": village, "received": received, "channel": str(channel), "status": status}
    if status in ("verified", "settled"):
        row["verified_date"] = received + rand_days(rng, 1, min(7, (days or 10) - 3))
    if status == "settled":
        row["settled_date"] = received + dt.timedelta(days=days)
    if status == "unfounded":
        row["unfounded_date"] = received + dt.timedelta(days=days)
    return row


def tips_frame(villages, profiles, places: Places, rng, p: Period) -> pd.DataFrame:
    """Mostly settled within 20 days; a few late, two unfounded, one or two still open."""
    codes = list(villages["code"])
    weights = np.array([profile.tips for profile in profiles])
    where = list(rng.choice(codes, size=int(rng.integers(20, 33)), p=weights / weights.sum()))
    early = p.end - dt.timedelta(days=60)
    rows = [_tip(rng, str(v), rand_day(rng, p.start, early), "settled", int(rng.integers(6, 20)))
            for v in where]
    rows += [_tip(rng, str(v), rand_day(rng, p.start, early), "unfounded",
                  int(rng.integers(4, 16))) for v in rng.choice(codes, size=2)]
    late = [c for c, profile in zip(codes, profiles, strict=True)
            for _ in range(profile.late_tips)]
    rows += [_tip(rng, v, rand_day(rng, p.start, early), "settled", int(rng.integers(25, 45)))
             for v in late]
    if late:  # verified, never settled: overdue at the end of the period
        rows.append(_tip(rng, late[0], p.end - rand_days(rng, 40, 55), "verified", 10))
    rows.append(_tip(rng, str(rng.choice(codes)), p.end - rand_days(rng, 2, 8), "received", None))
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


def venues_frame(villages, places: Places, rng) -> tuple[pd.DataFrame, list[tuple]]:
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


def inspections_frame(plans: list[tuple], rng, p: Period) -> pd.DataFrame:
    """Karaoke and bars within every 28 days, others within 85; the overdue ones stop in
    mid-2025, the closed one earlier; a drug finding or a violation where designed."""
    rows = []
    for code, kind, event in plans:
        every = EVERY.get(kind, 85)
        stop = min(p.end, p.at(240 if event == "overdue" else 180 if event == "closed"
                               else 10_000))
        days, day = [], p.start + rand_days(rng, 0, min(20, every - 8))
        while day <= stop:
            days.append(day)
            day += rand_days(rng, every - 8, every)
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


def incidents_frame(villages, people: list[DemoPerson], places: Places, rng,
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
        rows.append({"kind": "violation", "date": rand_day(rng, p.at(90), p.at(150)),
                     "village": hot, "persons": 2,
                     "note": "Sử dụng trái phép chất ma túy; xử phạt vi phạm hành chính"})
        rows.append({"kind": "use_site", "date": rand_day(rng, p.at(200), p.at(260)),
                     "village": hot, **places.point(rng, hot), "persons": 3,
                     "note": "Lán bỏ hoang bị dùng làm nơi sử dụng trái phép chất ma túy; đã "
                     "giải tỏa"})
        rows.append({"kind": "cultivation", "date": rand_day(rng, p.at(90), p.at(140)),
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


def _hotspot_incidents(codes: list[str], places: Places, rng, p: Period) -> list[dict]:
    """What makes the risk layer show type I (T07) and type II (T04) in autumn 2025: a
    second drug-use site in T07, and a drug-use site with a poppy patch of type II size
    (500 to 3,000 plants) in T04. Drawn after the other incidents, so they stay the same."""
    hot, small = codes[6], codes[3]
    return [
        {"kind": "use_site", "date": rand_day(rng, p.at(300), p.at(320)), "village": hot,
         **places.point(rng, hot), "persons": 4,
         "note": "Phòng trọ bị dùng làm nơi tụ tập sử dụng trái phép chất ma túy; đã giải tỏa"},
        {"kind": "use_site", "date": rand_day(rng, p.at(180), p.at(240)), "village": small,
         **places.point(rng, small), "persons": 2,
         "note": "Chòi rẫy bị dùng làm nơi sử dụng trái phép chất ma túy; đã giải tỏa"},
        {"kind": "cultivation", "date": rand_day(rng, p.at(100), p.at(150)), "village": small,
         **places.point(rng, small), "plants": int(rng.integers(600, 1500)),
         "area_m2": float(rng.integers(150, 400)),
         "note": "Trồng cây thuốc phiện trên nương rẫy; đã nhổ bỏ, tiêu hủy"},
    ]
