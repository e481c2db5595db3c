"""The open-tips board and the dashboard's alerts.

A tip's deadline is ``received + tip_deadline_days`` (the plan's settings, as P11 reads
them). On a day, a tip is *closed* when it was settled or found unfounded by that day;
it is *open* otherwise, and *overdue* when open after its deadline. A closed tip was
*settled late* when it closed after its deadline. Days open count from the day it was
received to the day it closed (or to the day of the board).

>>> import datetime as dt
>>> tips = pd.DataFrame({"code": ["K1", "K2", "K3"], "village": "T01", "channel": "phone",
...     "status": ["received", "settled", "settled"],
...     "received": [dt.date(2025, 11, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)],
...     "settled_date": [None, dt.date(2025, 11, 30), dt.date(2025, 12, 5)],
...     "unfounded_date": None})
>>> b = board(tips, dt.date(2025, 12, 10), 20)
>>> b[["code", "days_open", "state"]].to_dict("records")
[{'code': 'K1', 'days_open': 39, 'state': 'overdue'}, \
{'code': 'K2', 'days_open': 29, 'state': 'settled_late'}, \
{'code': 'K3', 'days_open': 4, 'state': 'settled'}]
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from app import patrol
from app.frame import caching

STATES = ("open", "overdue", "settled", "settled_late")
FILTERS = {"open": ("open", "overdue"), "overdue": ("overdue",),
           "late": ("settled_late",), "all": STATES}


def board(tips: pd.DataFrame, day: dt.date, deadline_days: int) -> pd.DataFrame:
    """Every tip received by ``day`` with ``deadline``, ``closed``, ``days_open`` and
    ``state``; the longest open first."""
    columns = ["code", "village", "channel", "status", "received", "deadline", "closed",
               "days_open", "state"]
    if tips is None or tips.empty:
        return pd.DataFrame(columns=columns)
    frame = tips.copy()
    for key in ("received", "settled_date", "unfounded_date"):
        frame[key] = pd.to_datetime(frame.get(key), errors="coerce")
    today = pd.Timestamp(day)
    frame = frame[frame["received"].notna() & (frame["received"] <= today)]
    frame["deadline"] = frame["received"] + pd.Timedelta(days=deadline_days)
    closed = frame[["settled_date", "unfounded_date"]].min(axis=1)
    frame["closed"] = closed.where(closed <= today)
    until = frame["closed"].fillna(today)
    frame["days_open"] = (until - frame["received"]).dt.days.astype(int)
    is_open = frame["closed"].isna()
    late = frame["closed"] > frame["deadline"]
    frame["state"] = "settled"
    frame.loc[late, "state"] = "settled_late"
    frame.loc[is_open, "state"] = "open"
    frame.loc[is_open & (today > frame["deadline"]), "state"] = "overdue"
    frame["open_first"] = ~is_open
    frame = frame.sort_values(["open_first", "days_open", "code"],
                              ascending=[True, False, True], kind="stable")
    return frame[columns].reset_index(drop=True)


def pick(frame: pd.DataFrame, show: str, village: str | None,
         channel: str | None) -> pd.DataFrame:
    """The rows of ``board`` a filter keeps (``show`` one of ``FILTERS``)."""
    keep = frame["state"].isin(FILTERS.get(show, FILTERS["open"]))
    if village:
        keep &= frame["village"] == village
    if channel:
        keep &= frame["channel"] == channel
    return frame[keep]


def tips_of(session, commune: str) -> pd.DataFrame:
    """The commune's tips as the frame reads them (the table contract's columns), read
    once per data version (:func:`app.frame.caching.tables`): shared, read-only."""
    return caching.tables(session, commune)["tips"]


def alerts(session, settings, commune: str, day: dt.date, *, police: bool) -> dict:
    """What the dashboard warns of on ``day``: tips open past their deadline and venues
    overdue by more than a week (named for the police only). Reports due soon have their
    own banner (``app.reports.calendar.banner``)."""
    deadline = patrol.plan_settings(commune, day).tip_deadline_days
    tips = board(tips_of(session, commune), day, deadline)
    due = patrol.due_venues(session, settings, commune, day, risk=pd.Series(dtype=object))
    late = due[due["due"] & (due["days_overdue"] > 7)] if not due.empty else due
    return {"tips_overdue": int((tips["state"] == "overdue").sum()),
            "venues_late": len(late),
            "venue_names": [f"{r['name']} ({r['days_overdue']})"
                            for r in late.to_dict("records")] if police else []}
