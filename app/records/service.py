"""Checking and saving records, the one path for imports and forms.

``check_rows`` turns raw rows (dicts of field key → cell value) into clean values and a
list of every problem (row, field, value, what is wrong). ``writers.save_rows`` writes clean rows
idempotently (the natural key of each record type identifies a row) and logs each
change. Callers run both inside one transaction: nothing is written if anything is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Session

from app import store
from app.models import ChangeLog, Commune, Person, PreventionModel, School, Venue
from app.records.codes import CodeBook
from app.records.personal import Places, find_personal
from app.records.rules import row_problems
from app.records.schema import BY_NAME, STATUS_CATEGORIES, Field, RecordType
from app.records.values import (
    ALL,
    READERS,
    BadValue,
    fold,
    is_blank,
    read_choice,
    read_day,
    read_float,
    text,
)
from geo.join import assign_villages, lonlat_from_xy

REFERENCES = {"person": Person, "venue": Venue, "school": School}
PLACE_KEYS = ("village", "lat", "lon", "x", "y")
PLACE_MODELS = (Venue, School, PreventionModel)  # their names are places, not people
PERSONAL = {"name": "personal_name", "id_number": "personal_id", "phone": "personal_phone"}


@dataclass
class CellProblem:
    """One thing wrong with an input: ``row`` is the sheet row (or None for the form)."""

    row: int | None
    field: str | None
    value: Any
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class Context:
    """What checking needs to know of a commune: villages, outline, existing codes."""

    commune: Commune
    villages: gpd.GeoDataFrame
    outline: BaseGeometry
    village_keys: dict[str, str]
    known: dict[str, dict[str, int]]  # "person" → {code: id}, "venue", "school"
    codes: dict[str, dict[int, str]] = field(default_factory=dict)  # the reverse
    session: Session | None = field(default=None, repr=False)  # reads other codes if asked

    def __post_init__(self):
        self.codes = {kind: {i: c for c, i in known.items()}
                      for kind, known in self.known.items()}
        self.names = dict(zip(self.villages["code"], self.villages["name"], strict=True))
        self.households = {code: int(n) for code, n in zip(
            self.villages["code"], self.villages["households"], strict=True) if not pd.isna(n)}
        self.book = CodeBook(self.known, self._stored_codes)
        self._places: Places | None = None
        self._place_names: list[str] = []

    def _stored_codes(self, kind: str) -> list[str]:
        model = BY_NAME[kind].model
        if self.session is None:
            return []
        return list(self.session.scalars(select(model.code).where(
            model.commune_code == self.commune.code)))

    def places(self) -> Places:
        """Names of the commune, its villages, venues, schools and models (and of those
        the input defines): places, not people, in free text."""
        if self._places is None:
            names = [*self.villages["name"], self.commune.name, self.commune.district,
                     self.commune.province, *self._place_names]
            for model in PLACE_MODELS if self.session is not None else ():
                names += self.session.scalars(select(model.name).where(
                    model.commune_code == self.commune.code))
            self._places = Places(names)
        return self._places

    def add_place(self, name: str) -> None:
        if self._places is None:
            self._place_names.append(name)
        else:
            self._places.add_all([name])

    def remember(self, kind: str, code: str, ident: int) -> None:
        self.known[kind][code] = ident
        self.codes[kind][ident] = code
        self.book.add(kind, code)

    @classmethod
    def load(cls, session: Session, commune_code: str) -> Context:
        commune = store.get_commune(session, commune_code)
        villages = store.load_villages(session, commune_code)
        keys = {}
        for code, name in zip(villages["code"], villages["name"], strict=True):
            keys[fold(name)] = code
            keys[fold(code)] = code
        known = {ref: dict(session.execute(
            select(model.code, model.id).where(model.commune_code == commune_code)).all())
            for ref, model in REFERENCES.items()}
        return cls(commune, villages, store.commune_outline(commune), keys, known,
                   session=session)

    def village_name(self, code: str) -> str:
        return self.names.get(code, code)


def check_rows(rt: RecordType, raw_rows: list[tuple[int | None, dict]], ctx: Context,
               *, pending: dict[str, list[str]] | None = None
               ) -> tuple[list[dict], list[CellProblem]]:
    """Read and check rows of ``rt``. ``pending`` holds codes defined by the same file
    (people, venues, schools), in file order.

    Codes match whatever their case (``app.records.codes``): a row's own code and its
    references take the stored spelling, else the first written.
    Returns the clean rows (each with ``_row``) and every problem found.
    """
    problems: list[CellProblem] = []
    rows = []
    for kind, codes in (pending or {}).items():
        for code in codes:
            with suppress(BadValue):  # an ambiguous code is reported by its own row
                ctx.book.write(kind, code)
    for number, raw in raw_rows:
        values = {"_row": number}
        for f in rt.fields:
            values[f.key] = _cell(f, raw.get(f.key), number, ctx, problems,
                                  column_limits(rt).get(f.key))
        _own_code(rt, values, ctx, problems)
        if rt.model in PLACE_MODELS and values.get("name"):
            ctx.add_place(values["name"])
        _check_row(rt, values, number, problems)
        problems += [CellProblem(number, *found) for found in row_problems(rt, values, ctx)]
        rows.append(values)
    if rt.point != "none":
        _place(rt, rows, ctx, problems)
    problems += _duplicates(rt, rows)
    return rows, problems


INT_MAX = 2_147_483_647  # an INTEGER column, on PostgreSQL as on paper


@cache
def column_limits(rt: RecordType) -> dict[str, int]:
    """Field key -> the most its column holds: characters of a text column, the largest
    whole number of an integer one. SQLite would store more without a word; PostgreSQL
    would refuse the whole file with a database error instead of a message."""
    columns = rt.model.__table__.columns
    limits = {}
    for f in rt.fields:
        column = columns.get(f.key)
        if column is None:
            continue
        if isinstance(column.type, String) and column.type.length:
            limits[f.key] = column.type.length
        elif isinstance(column.type, Integer):
            limits[f.key] = INT_MAX
    return limits


def _cell(f: Field, value, number, ctx: Context, problems,
          limit: int | None = None) -> Any:
    if is_blank(value):
        if f.required:
            problems.append(CellProblem(number, f.key, None, "required"))
        return f.default
    try:
        if f.kind == "choice":
            return read_choice(value, f)
        if f.kind == "village":
            return _village(value, ctx)
        if f.kind == "villages":
            return _villages(value, ctx)
        if f.kind == "date":
            return read_day(value, ahead_years=f.ahead_years)
        result = READERS[f.kind](value)
        if f.kind in REFERENCES:
            result = ctx.book.find(f.kind, result)
            if result is None:
                raise BadValue("unknown_reference", kind=f.kind)
        _within(result, limit)
        if f.screened and _personal(f, result, number, ctx, problems):
            return None
        return result
    except BadValue as exc:
        problems.append(CellProblem(number, f.key, value, exc.code, exc.params))
        return None


def _own_code(rt: RecordType, values: dict, ctx: Context, problems) -> None:
    """The row's code as stored (or as first written): ``cs-08`` updates ``CS-08``."""
    if not values.get("code") or rt.field("code").kind != "code":
        return  # no code of its own (drug tests, pledges…), or one not read
    kind = rt.name.removesuffix("s")
    kind = kind if kind in REFERENCES else rt.name
    try:
        values["code"] = ctx.book.write(kind, values["code"])
    except BadValue as exc:
        problems.append(CellProblem(values["_row"], "code", values["code"], exc.code,
                                    exc.params))
        values["code"] = None


def _personal(f: Field, value: str, number, ctx: Context, problems) -> bool:
    """Report what in ``value`` looks like a person's name, ID or phone number (one
    problem per kind, quoting each); whether anything was found."""
    found: dict[str, list[str]] = {}
    for finding in find_personal(value, ctx.places()):
        found.setdefault(finding.kind, []).append(f"“{finding.text}”")
    for kind, texts in found.items():
        problems.append(CellProblem(number, f.key, value, PERSONAL[kind],
                                    {"found": ", ".join(dict.fromkeys(texts))}))
    return bool(found)


def _within(result, limit: int | None) -> None:
    if limit is None:
        return
    if isinstance(result, str) and len(result) > limit:
        raise BadValue("too_long", n=limit, length=len(result))
    if isinstance(result, int) and not isinstance(result, bool) and abs(result) > limit:
        raise BadValue("too_large")


def _village(value, ctx: Context) -> str:
    code = ctx.village_keys.get(fold(text(value)))
    if code is None:
        raise BadValue("unknown_village", known=", ".join(ctx.villages["name"]))
    return code


def _villages(value, ctx: Context) -> tuple[str, ...]:
    if fold(text(value)) in ALL:
        return ()
    parts = [p for p in text(value).replace(",", ";").split(";") if p.strip()]
    return tuple(sorted({_village(p, ctx) for p in parts}))


def _check_row(rt: RecordType, values: dict, number, problems: list[CellProblem]) -> None:
    if rt.name == "outreach" and values["kind"] == "school_session" and not values["school"]:
        problems.append(CellProblem(number, "school", None, "required"))
    if rt.name == "outreach" and values["kind"] == "individual_visit" and not values["person"]:
        problems.append(CellProblem(number, "person", None, "required"))
    if rt.name == "persons" and values.get("category") in STATUS_CATEGORIES and values.get(
            "status") is None and not _reported(problems, number, "status"):
        problems.append(CellProblem(number, "status", None, "status_required"))
    if rt.name == "persons" and values.get("management_start") and values.get(
            "management_end") and values["management_end"] < values["management_start"]:
        problems.append(CellProblem(number, "management_end", values["management_end"],
                                    "end_before_start"))


def _reported(problems: list[CellProblem], number, key: str) -> bool:
    """Whether cell ``key`` of row ``number`` is already reported: the row's problems are
    the last of the list."""
    for problem in reversed(problems):
        if problem.row != number:
            return False
        if problem.field == key:
            return True
    return False


def _place(rt: RecordType, rows: list[dict], ctx: Context, problems) -> None:
    """Turn x/y into lat/lon and give every located row its village (geo.join).

    One message a cell: a latitude or longitude that could not be read is not also
    "missing". A latitude and longitude typed in each other's column (a point outside
    the commune, or a latitude above 90, that swapped lies in it) are one message.
    """
    unread = {(p.row, p.field): p for p in problems if p.field in ("lat", "lon")}
    located, typed = {}, {}
    given = {(p.row, p.field) for p in problems}  # a place given but not understood
    for i, row in enumerate(rows):
        row.setdefault("village", None)
        if row.get("x") is not None and row.get("y") is not None:
            # Vietnamese surveys write X for the northing and Y for the easting; in
            # VN-2000 the northing is always the larger, so either order is understood.
            northing, easting = max(row["x"], row["y"]), min(row["x"], row["y"])
            lon, lat = lonlat_from_xy([easting], [northing], ctx.commune.metric_epsg)
            row["lon"], row["lat"] = round(float(lon[0]), 7), round(float(lat[0]), 7)
        else:
            typed[i] = _typed(row, unread)
        missing = [key for key in ("lat", "lon") if row.get(key) is None]
        blank = [key for key in missing if (row["_row"], key) not in unread]
        if not missing:
            located[i] = (row["lat"], row["lon"])
        elif len(blank) == 1:
            problems.append(CellProblem(row["_row"], blank[0], None, "half_point"))
        elif len(blank) == 2 and rt.point == "required":
            problems.append(CellProblem(row["_row"], "lat", None, "point_required"))
        elif len(blank) == 2 and rt.point == "optional" and not row.get("village") and not any(
                (row["_row"], key) in given for key in PLACE_KEYS):
            problems.append(CellProblem(row["_row"], "village", None, "place_required"))
    placed = _assign(located, ctx)
    outside = set(placed.index[placed["rule"] == "outside"])
    swapped = _assign({i: typed[i][::-1] for i in typed if typed[i] and (
        i in outside or i not in located)}, ctx)
    swapped = swapped[swapped["rule"] != "outside"]
    _said_swapped(rows, typed, swapped, ctx, problems)
    for i, found in placed.drop(swapped.index, errors="ignore").iterrows():
        row = rows[i]
        if found["rule"] == "outside":
            problems.append(CellProblem(row["_row"], "lat", f"{row['lat']}, {row['lon']}",
                                        "outside_commune", {"metres": int(found["outside_m"])}))
        elif row.get("village") and row["village"] != found["village_code"]:
            problems.append(CellProblem(row["_row"], "village", ctx.village_name(
                row["village"]), "point_in_other_village",
                {"village": ctx.village_name(found["village_code"])}))
        else:
            row["village"] = found["village_code"]


def _typed(row: dict, unread: dict) -> tuple[float, float] | None:
    """The latitude and longitude as typed, a latitude above 90 too; None if either is
    blank or not a number."""
    pair = []
    for key in ("lat", "lon"):
        problem = unread.get((row["_row"], key))
        if row.get(key) is not None:
            pair.append(row[key])
        elif problem is not None and problem.code in ("bad_lat", "bad_lon"):
            pair.append(read_float(problem.value))
        else:
            return None
    return pair[0], pair[1]


def _assign(points: dict[int, tuple[float, float]], ctx: Context) -> pd.DataFrame:
    """``assign_villages`` of (lat, lon) by row index; a latitude above 90 is outside."""
    frame = pd.DataFrame.from_dict(points, orient="index", columns=["lat", "lon"])
    frame = frame[frame["lat"].between(-90, 90) & frame["lon"].between(-180, 180)]
    return assign_villages(frame, ctx.villages, ctx.outline)


def _said_swapped(rows: list[dict], typed: dict, swapped: pd.DataFrame, ctx: Context,
                  problems: list[CellProblem]) -> None:
    """One message for each swapped pair, instead of what was said of its cells."""
    numbers = {rows[i]["_row"] for i in swapped.index}
    problems[:] = [p for p in problems if not (
        p.row in numbers and p.code in ("bad_lat", "bad_lon"))]
    for i, found in swapped.iterrows():
        lat, lon = typed[i]
        problems.append(CellProblem(rows[i]["_row"], "lat", f"{lat}, {lon}", "swapped_point",
                                    {"village": ctx.village_name(found["village_code"])}))


def natural_key(rt: RecordType, values: dict) -> str:
    parts = []
    for key in rt.key:
        value = values.get(key)
        if isinstance(value, tuple):
            value = ";".join(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        parts.append("" if value is None else str(value))
    return "|".join(parts)


def _duplicates(rt: RecordType, rows: list[dict]) -> list[CellProblem]:
    # A person may have several rows: one per state, told apart by their "since" date.
    fields = rt.key + (("status_date",) if rt.name == "persons" else ())
    seen: dict[str, int | None] = {}
    problems = []
    for row in rows:
        if any(row.get(k) is None for k in rt.key if rt.field(k).required):
            continue  # an unreadable key is already reported; it is no duplicate
        key = "|".join(str(row.get(k)) for k in fields)
        if key in seen:
            shown = natural_key(rt, row).replace("|", " ").strip()
            problems.append(CellProblem(row["_row"], rt.key[0], shown, "duplicate_row",
                                        {"first": seen[key]}))
        else:
            seen[key] = row["_row"]
    return problems


def log_change(session: Session, rt: RecordType, record, ctx: Context, actor: str,
               source: str, action: str, before: dict, after: dict) -> None:
    """Log one change of one record (flushing first: the record needs its id)."""
    session.flush()
    session.add(ChangeLog(**change_values(rt, record, ctx, actor, source, action, before,
                                          after)))


def change_values(rt: RecordType, record, ctx: Context, actor: str, source: str,
                  action: str, before: dict, after: dict) -> dict[str, Any]:
    """The columns of a ChangeLog row: the fields whose value differs between ``before``
    and ``after``. ``record`` must have its id (be flushed)."""
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    return logged(ctx.commune.code, rt.name, writers_key(rt, after), action, changes,
                  actor=actor, source=source, record_id=record.id)


def logged(commune: str, record_type: str, record_code: str, action: str, changes: dict,
           *, actor: str, source: str = "form", record_id: int | None = None
           ) -> dict[str, Any]:
    """The columns of one ChangeLog row (``changes``: field -> [old, new]). Every change to
    a commune's data writes one: it is the history, and it refreshes the cached figures."""
    return {"at": dt.datetime.now(store.TZ), "actor": actor, "commune_code": commune,
            "record_type": record_type, "record_id": record_id, "record_code": record_code,
            "action": action, "source": source,
            "changes": json.dumps(changes, ensure_ascii=False, default=str)}


def writers_key(rt: RecordType, after: dict) -> str:
    return natural_key(rt, after).replace("|", " ").strip()

