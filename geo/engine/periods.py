"""Periods an indicator is computed over, for a report month.

The rules, stated once:

- **Month**: ``"YYYY-MM"``; figures are taken at the month's last day (``at``).
- **ISO weeks of a month**: the ISO weeks whose Thursday falls in the month (the ISO rule
  for which year a week belongs to, applied to months). Every week is counted whole,
  Monday to Sunday, even the days that fall in the neighbouring month, so a week split
  across two months is judged once, in the month that holds its Thursday.
- **Semester** (Vietnamese school year): semester 1 runs 1 September to 31 January,
  semester 2 from 1 February to 31 May. June, July and August are the summer holidays:
  no semester, so school indicators are not applicable in those months. A semester is
  counted from its first day up to the month's end.
- **Evaluation year** of the national criteria (QĐ 28/2025/QĐ-TTg): 15 December to
  14 December, counted from its first day up to the month's end.
- **Rolling 3 months**: the report month and the two before it, whole months.
- **Cumulative**: everything recorded up to the month's end. **At date**: the state on
  the month's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple

PERIODS = ("iso_weeks", "month", "semester", "cumulative", "at_date", "rolling_3_months",
           "evaluation_year")

EVALUATION_YEAR_START = (12, 15)  # 15 December


class Week(NamedTuple):
    """One ISO week: its label (``"2025-W10"``), Monday and Sunday."""

    label: str
    start: dt.date
    end: dt.date


class Window(NamedTuple):
    """A span of days, both ends included."""

    start: dt.date
    end: dt.date


def month_bounds(month: str) -> Window:
    """First and last day of a ``"YYYY-MM"`` month.

    >>> month_bounds("2025-02")
    Window(start=datetime.date(2025, 2, 1), end=datetime.date(2025, 2, 28))
    """
    try:
        year, number = (int(part) for part in month.split("-"))
        last = calendar.monthrange(year, number)[1]
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise ValueError(f"month must be YYYY-MM, not {month!r}") from exc
    return Window(dt.date(year, number, 1), dt.date(year, number, last))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clipped to the month's length.

    >>> add_months(dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def iso_weeks(month: str) -> list[Week]:
    """The ISO weeks whose Thursday falls in ``month``, each Monday to Sunday.

    >>> [w.label for w in iso_weeks("2025-01")]
    ['2025-W01', '2025-W02', '2025-W03', '2025-W04', '2025-W05']
    >>> iso_weeks("2025-01")[0].start, iso_weeks("2025-01")[-1].end  # both ends spill over
    (datetime.date(2024, 12, 30), datetime.date(2025, 2, 2))
    """
    first, last = month_bounds(month)
    # The first Thursday on or after the 1st, then every 7 days while still in the month.
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    weeks = []
    while thursday <= last:
        year, number, _ = thursday.isocalendar()
        monday = thursday - dt.timedelta(days=3)
        weeks.append(Week(f"{year}-W{number:02d}", monday, monday + dt.timedelta(days=6)))
        thursday += dt.timedelta(days=7)
    return weeks


def semester(day: dt.date) -> tuple[str, Window] | None:
    """The school semester holding ``day``, as (label, whole semester), or None in summer.

    >>> semester(dt.date(2025, 1, 20))
    ('2024-2025 HK1', Window(start=datetime.date(2024, 9, 1), end=datetime.date(2025, 1, 31)))
    >>> semester(dt.date(2025, 7, 1)) is None
    True
    """
    if day.month in (6, 7, 8):
        return None
    if day.month >= 9:
        return f"{day.year}-{day.year + 1} HK1", Window(dt.date(day.year, 9, 1),
                                                         dt.date(day.year + 1, 1, 31))
    if day.month == 1:
        return f"{day.year - 1}-{day.year} HK1", Window(dt.date(day.year - 1, 9, 1),
                                                         dt.date(day.year, 1, 31))
    return f"{day.year - 1}-{day.year} HK2", Window(dt.date(day.year, 2, 1),
                                                     dt.date(day.year, 5, 31))


def evaluation_year(day: dt.date) -> Window:
    """The evaluation year (15 December to 14 December) holding ``day``.

    >>> evaluation_year(dt.date(2025, 12, 14))
    Window(start=datetime.date(2024, 12, 15), end=datetime.date(2025, 12, 14))
    >>> evaluation_year(dt.date(2025, 12, 15)).start
    datetime.date(2025, 12, 15)
    """
    month, first = EVALUATION_YEAR_START
    year = day.year if (day.month, day.day) >= (month, first) else day.year - 1
    start = dt.date(year, month, first)
    return Window(start, dt.date(year + 1, month, first) - dt.timedelta(days=1))


def window(period: str, month: str) -> Window | None:
    """The days an indicator of ``period`` looks at for a report month, up to its end.

    Returns None when the period does not apply in that month (semester in summer). For
    ``iso_weeks`` the window runs from the first week's Monday to the last week's Sunday;
    for ``cumulative`` and ``at_date`` it starts at ``date.min``.

    >>> window("rolling_3_months", "2025-03")
    Window(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 31))
    """
    first, last = month_bounds(month)
    if period == "month":
        return Window(first, last)
    if period == "iso_weeks":
        weeks = iso_weeks(month)
        return Window(weeks[0].start, weeks[-1].end)
    if period == "semester":
        found = semester(last)
        return None if found is None else Window(found[1].start, last)
    if period == "evaluation_year":
        return Window(evaluation_year(last).start, last)
    if period == "rolling_3_months":
        return Window(add_months(first, -2), last)
    if period in ("cumulative", "at_date"):
        return Window(dt.date.min, last)
    raise ValueError(f"unknown period {period!r}")
