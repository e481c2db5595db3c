"""Reading one cell as what its field holds: dates, numbers, choices, villages...

Each reader takes the raw value (from Excel, CSV or a form) and returns the value or
raises ``BadValue`` with a message code. Vietnamese labels, English labels and internal
keys are all accepted for choices; dates as dd/mm/yyyy, ISO 8601, Excel dates or Excel
serial numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache

from app import store
from app.i18n import gettext_for
from app.records.schema import CHOICES, Field

EXCEL_EPOCH = dt.date(1899, 12, 30)
EARLIEST = dt.date(1900, 1, 1)  # no record of a commune's drug work is older
# Characters no one types on purpose, which break exports (Excel's XML refuses C0
# controls but tab, newline and carriage return) or hide in a code: C0 and C1
# controls, DEL, lone surrogates and the two non-characters XML refuses.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
TRUE = {"1", "x", "co", "yes", "true", "dung", "y", "on"}
FALSE = {"0", "khong", "no", "false", "sai", "n", "off"}
ALL = {"tat ca", "all", "toan xa", "*"}
LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")  # fine in a note, not in a code


class BadValue(Exception):
    """A cell that cannot be read as its field; ``code`` names the message."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: for matching what people type."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9/%.]+", " ", text).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value)


def text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def read_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= 2958465 and float(value).is_integer():
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise BadValue("bad_date")
    raw = text(value)
    for pattern, order in ((r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", "dmy"),
                           (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd")):
        match = re.fullmatch(pattern, raw)
        if match:
            a, b, c = map(int, match.groups())
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise BadValue("bad_date") from None
    if raw.isdigit():
        return read_date(int(raw))
    raise BadValue("bad_date")


def read_day(value, *, ahead_years: int = 0, today: dt.date | None = None) -> dt.date:
    """A date from 01/01/1900 to today (Asia/Ho_Chi_Minh), or for a planned date to the
    end of the year ``ahead_years`` from now. Year 1 or 9999 is a typing slip, and one
    the maps and figures cannot hold."""
    day = read_date(value)
    today = today or store.today()
    if day < EARLIEST:
        raise BadValue("date_too_early")
    if not ahead_years and day > today:
        raise BadValue("date_in_future", today=today.strftime("%d/%m/%Y"))
    last = dt.date(today.year + ahead_years, 12, 31)
    if day > last:
        raise BadValue("date_too_far", last=last.strftime("%d/%m/%Y"))
    return day


def read_text(value) -> str:
    """Text as typed (NFC, trimmed), refused if it holds an invisible control character;
    tabs and line breaks are kept (a note may have several lines)."""
    result = text(value)
    found = CONTROL.search(result)
    if found:
        raise BadValue("control_character", char=f"U+{ord(found.group()):04X}")
    return result


def read_code(value) -> str:
    """A code: text on one line."""
    result = read_text(value)
    found = LINE_BREAKS.search(result)
    if found:
        raise BadValue("control_character", char=f"U+{ord(found.group()):04X}")
    return result


def visible(value) -> str:
    """``value`` for a message: control characters shown as U+FFFD."""
    return CONTROL.sub("\ufffd", str(value))


def _signed(value) -> str:
    """Typed number text without spaces, a typographic minus (U+2212) as "-"."""
    return text(value).replace(" ", "").replace("\u2212", "-")


def read_int(value) -> int:
    """A whole number: a number cell, or digits with an optional minus sign."""
    if isinstance(value, bool):
        raise BadValue("bad_int")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = _signed(value)
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    raise BadValue("bad_int")


def read_count(value) -> int:
    """A count (households, people, plants, times): a whole number, not below zero,
    whether the cell holds the number -5 or the text "-5"."""
    count = read_int(value)
    if count < 0:
        raise BadValue("negative")
    return count


def read_float(value) -> float:
    """A finite number: a number cell, or text with "." or "," as the decimal mark."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(_signed(value).replace(",", "."))
        except ValueError:
            raise BadValue("bad_number") from None
    if not math.isfinite(number):  # "nan", "inf", "1e999": no place, size or count
        raise BadValue("bad_number")
    return number


def read_amount(value) -> float:
    """A measured amount (an area): a number, not below zero."""
    amount = read_float(value)
    if amount < 0:
        raise BadValue("negative")
    return amount


def read_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    key = fold(text(value))
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise BadValue("bad_bool")


@lru_cache  # the catalog does not change while the app runs; built once per choice list
def choice_lookup(choices: str) -> dict[str, str]:
    """Folded Vietnamese label, English label and key → key."""
    lookup = {}
    vi = gettext_for("vi")
    for key, label in CHOICES[choices].items():
        for name in (key, label, vi(label)):
            lookup[fold(name)] = key
    return lookup


def read_choice(value, field: Field) -> str:
    key = choice_lookup(field.choices).get(fold(text(value)))
    if key is None:
        raise BadValue("bad_choice", choices=field.choices)
    return key


def read_year(value) -> int:
    year = read_int(value)
    if not 1900 <= year <= dt.date.today().year:
        raise BadValue("bad_year")
    return year


def read_lat(value) -> float:
    lat = read_float(value)
    if not -90 <= lat <= 90:
        raise BadValue("bad_lat")
    return lat


def read_lon(value) -> float:
    lon = read_float(value)
    if not -180 <= lon <= 180:
        raise BadValue("bad_lon")
    return lon


def read_url(value) -> str:
    raw = read_text(value)
    if not re.fullmatch(r"https?://\S+", raw):
        raise BadValue("bad_url")
    return raw


READERS = {
    "date": read_day, "int": read_count, "float": read_amount, "bool": read_bool,
    "year": read_year, "lat": read_lat, "lon": read_lon, "x": read_float, "y": read_float,
    "url": read_url, "text": read_text, "code": read_code, "person": read_code,
    "venue": read_code, "school": read_code,
}
