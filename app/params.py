"""Parameters of addresses read one way everywhere: months (``YYYY-MM``) and days
(``YYYY-MM-DD``, or dd/mm/yyyy as typed) within the years the app can show, record ids
within the database's integers.

An unreadable or impossible value raises ``BadParameter``; ``app.errors`` answers it with
400 and the message, translated (the error page, or JSON under /api/).
"""

from __future__ import annotations

import datetime as dt
import re

from starlette.convertors import Convertor

from app import store
from app.i18n import N_, month_label

FIRST_YEAR = 1900  # as the years of the record forms
YEARS_AHEAD = 1  # the next year's months may be looked at (a plan running into it)
MAX_ID = 2**31 - 1  # the id columns are INTEGER: 32 bits on PostgreSQL
ID_PATTERN = "[0-9]{1,10}"  # at most 10 digits: no giant number is ever converted

MONTH = re.compile(r"(\d{4})-(\d{2})", flags=re.ASCII)
NOT_A_MONTH = N_("“{month}” is not a month: choose one in the list, or write it as YYYY-MM "
                 "(for example 2025-10).")
MONTH_OUT_OF_RANGE = N_("“{month}” is not a month that can be shown: choose one from "
                        "{first} to {last}.")
NOT_A_DAY = N_("“{value}” is not a date: write it as dd/mm/yyyy (for example 14/11/2025), "
               "from {first} to {last}.")
SHOWN = 40  # characters of a refused value repeated in its message


class BadParameter(Exception):
    """A parameter that cannot be used: a message id and the values to format it with."""

    def __init__(self, message: str, **values: str):
        super().__init__(message)
        self.message, self.values = message, values


class IdConvertor(Convertor[int]):
    """``{name:id}`` in a route's path: 1 to 10 digits (longer is no route: 404). A number
    beyond ``MAX_ID`` still passes here: the route answers 404 for it."""

    regex = ID_PATTERN

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN else value[:SHOWN] + "…"


def last_year(today: dt.date | None = None) -> int:
    return (today or store.today()).year + YEARS_AHEAD


def read_month(text: str | None, today: dt.date | None = None) -> str | None:
    """``text`` as a month "YYYY-MM" the app can show; None when blank or absent.

    >>> read_month("2025-10", dt.date(2026, 1, 5)), read_month("", dt.date(2026, 1, 5))
    ('2025-10', None)
    >>> read_month("2027-12", dt.date(2026, 1, 5))
    '2027-12'
    >>> for bad in ("2025-13", "2025-1", "0000-01", "2028-01", "２０２５-10"):
    ...     try:
    ...         read_month(bad, dt.date(2026, 1, 5))
    ...     except BadParameter as refused:
    ...         print(refused.message[:28], refused.values.get("last"))
    “{month}” is not a month: ch None
    “{month}” is not a month: ch None
    “{month}” is not a month tha 12/2027
    “{month}” is not a month tha 12/2027
    “{month}” is not a month: ch None
    """
    if not text:
        return None
    match = MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadParameter(NOT_A_MONTH, month=_shown(text))
    last = last_year(today)
    if not FIRST_YEAR <= int(match.group(1)) <= last:
        raise BadParameter(MONTH_OUT_OF_RANGE, month=text, first=f"01/{FIRST_YEAR}",
                           last=month_label(f"{last}-12"))
    return text


def read_day(text: str | None, today: dt.date | None = None) -> dt.date | None:
    """``text`` (YYYY-MM-DD, as a date field sends it, or dd/mm/yyyy) as a day the app can
    show; None when blank or absent.

    >>> read_day("2025-11-14"), read_day("14/11/2025"), read_day(None)
    (datetime.date(2025, 11, 14), datetime.date(2025, 11, 14), None)
    >>> for bad in ("9999-12-31", "2025-02-30", "hôm qua"):
    ...     try:
    ...         read_day(bad, dt.date(2026, 1, 5))
    ...     except BadParameter as refused:
    ...         print(refused.values)
    {'value': '9999-12-31', 'first': '01/01/1900', 'last': '31/12/2027'}
    {'value': '2025-02-30', 'first': '01/01/1900', 'last': '31/12/2027'}
    {'value': 'hôm qua', 'first': '01/01/1900', 'last': '31/12/2027'}
    """
    if not text:
        return None
    last = last_year(today)
    day = None
    for pattern, order in ((r"(\d{4})-(\d{2})-(\d{2})", (2, 1, 0)),
                           (r"(\d{1,2})/(\d{1,2})/(\d{4})", (0, 1, 2))):
        match = re.fullmatch(pattern, text.strip(), flags=re.ASCII)
        if match:
            number = [int(match.group(i + 1)) for i in order]  # day, month, year
            try:
                day = dt.date(number[2], number[1], number[0])
            except ValueError:
                day = None
    if day is None or not FIRST_YEAR <= day.year <= last:
        raise BadParameter(NOT_A_DAY, value=_shown(text), first=f"01/01/{FIRST_YEAR}",
                           last=f"31/12/{last}")
    return day


def storable(text: str) -> bool:
    """Whether ``text`` can be compared with stored text: PostgreSQL refuses a NUL in a
    string (an error, not "no match"), and no stored code or name holds one.

    >>> storable("P001"), storable("P\\x00")
    (True, False)
    """
    return "\x00" not in text


def month_or_none(text: str | None) -> str | None:
    """A month to carry on (a form's hidden field), or None when it is not a good one."""
    try:
        return read_month(text)
    except BadParameter:
        return None
