"""Record forms and lists, built from the schema.

A submitted form becomes a raw row (field key → text) that goes through
``service.check_rows`` exactly as a spreadsheet row does. The schema becomes the form's
widgets and the list's columns; nothing here names the fields of one record type.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app import store
from app.i18n import N_, gettext_for, number
from app.models import ChangeLog, OutreachVillage
from app.records import writers
from app.records.messages import cell_problem_text
from app.records.schema import CHOICES, Field, RecordType
from app.records.service import REFERENCES, CellProblem, Context
from geo.join import natural_key as code_order

Gettext = Callable[[str], str]

INPUTS = {
    "code": "text", "text": "text", "url": "url", "int": "number", "year": "year",
    "float": "decimal", "lat": "decimal", "lon": "decimal", "x": "decimal", "y": "decimal",
    "date": "date", "bool": "checkbox", "choice": "select", "village": "select",
    "person": "select", "venue": "select", "school": "select", "villages": "checkboxes",
}
# Either order: a pair pasted longitude first is then said to be swapped, not unreadable.
PASTED_POINT = re.compile(r"\s*(-?\d{1,3}\.\d+)\s*[,;]\s*(-?\d{1,3}\.\d+)\s*")
VN2000 = {"x", "y"}  # optional second way to give a point: folded away in the form
VILLAGE_LABEL = N_("Village")
REQUIRED_TEXT = N_("this field must be filled in")
# The schema's help for villages speaks of a sheet ("names separated by ;"): a form ticks.
VILLAGES_HELP = N_("tick the villages reached; for a broadcast, none ticked means the whole "
                   "commune")
NEEDS_LOCATION = N_("needs a location")
NEEDS_LOCATION_NOTICE = N_("Needs a location: no point is recorded yet. It is counted for its "
                           "village but not drawn on the map; add its latitude and longitude "
                           "when they are known.")
SOURCES = {"form": N_("web form")}
ACTORS = {"web": N_("web user")}  # until the access-control work records who
ACTIONS = {"create": N_("created"), "update": N_("changed"), "delete": N_("deleted")}


@dataclass
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass
class Widget:
    """One form field as the template draws it."""

    key: str
    label: str
    input: str
    required: bool
    help: str | None
    value: str = ""
    options: list[Option] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    group: str = "main"
    mark: bool = False  # shown as needed; lat/lon of a located record (or X/Y instead)


# -- forms ------------------------------------------------------------------------------

def initial_values(rt: RecordType) -> dict[str, str | list[str]]:
    """What a new form shows: the schema's defaults."""
    return form_values(rt, {f.key: f.default for f in rt.fields})


def form_values(rt: RecordType, row: Mapping) -> dict[str, str | list[str]]:
    """A clean row or a record snapshot as form values (dd/mm/yyyy dates, codes, keys).

    Dates are text boxes, not ``<input type=date>``: a browser draws those in its own
    language's order (05/26/2024 in an English Chrome), beside lists in dd/mm/yyyy.
    """
    values: dict[str, str | list[str]] = {}
    for f in rt.fields:
        value = row.get(f.key)
        if f.kind == "villages":
            values[f.key] = list(value or ())
        elif f.kind == "bool":
            values[f.key] = "on" if value else ""
        elif value is None:
            values[f.key] = ""
        elif isinstance(value, dt.date):  # as lists and sheets show it, whatever the browser
            values[f.key] = value.strftime("%d/%m/%Y")
        else:
            values[f.key] = str(value)
    return values


def posted_values(rt: RecordType, form) -> dict[str, str | list[str]]:
    """The submitted form (a Starlette ``FormData``) as form values, to show again."""
    values: dict[str, str | list[str]] = {}
    for f in rt.fields:
        if f.kind == "villages":
            values[f.key] = [str(v) for v in form.getlist(f.key)]
        else:
            values[f.key] = str(form.get(f.key) or "")
    return values


def raw_row(rt: RecordType, values: Mapping) -> dict[str, str]:
    """Form values as the raw row ``check_rows`` reads: the same as a spreadsheet row.

    An unticked box is "không" (a form sends nothing for it); villages are joined by ";".
    """
    raw = {}
    for f in rt.fields:
        value = values.get(f.key)
        if f.kind == "bool":
            raw[f.key] = "có" if value else "không"
        elif f.kind == "villages":
            raw[f.key] = ";".join(value or ())
        else:
            raw[f.key] = value or ""
    _split_pasted_point(rt, raw)
    return raw


def _split_pasted_point(rt: RecordType, raw: dict[str, str]) -> None:
    """Map apps copy a point as "20.1250, 105.5350": pasted into the latitude box with the
    longitude box empty, it is both. Only dotted decimals: "20,125" stays one number."""
    lat = next((f.key for f in rt.fields if f.kind == "lat"), None)
    lon = next((f.key for f in rt.fields if f.kind == "lon"), None)
    if lat is None or lon is None or raw[lon].strip():
        return
    match = PASTED_POINT.fullmatch(raw[lat])
    if match:
        raw[lat], raw[lon] = match.groups()


def widgets(rt: RecordType, values: Mapping, ctx: Context, references: dict[str, list],
            _: Gettext, errors: Mapping[str, list[str]] | None = None) -> list[Widget]:
    """The form's fields, in schema order, with their options and messages."""
    errors = errors or {}
    result = []
    for f in rt.fields:
        widget = Widget(f.key, _(f.label), INPUTS[f.kind], f.required,
                        _(f.help) if f.help else None, errors=list(errors.get(f.key, ())),
                        group="vn2000" if f.kind in VN2000 else "main",
                        mark=f.required or (rt.point == "required" and f.kind in ("lat", "lon")))
        value = values.get(f.key, "")
        if f.kind == "villages":
            widget.options = _village_options(ctx, set(value))
            widget.help = _(VILLAGES_HELP)
        elif widget.input == "select":
            widget.options = _options(f, ctx, references, _, str(value))
        else:
            widget.value = str(value)
        result.append(widget)
    return result


def _village_options(ctx: Context, chosen: set[str]) -> list[Option]:
    return [Option(code, name, code in chosen)
            for code, name in zip(ctx.villages["code"], ctx.villages["name"], strict=True)]


def _options(f: Field, ctx: Context, references: dict[str, list], _: Gettext,
             value: str) -> list[Option]:
    if f.kind == "choice":
        pairs = [(key, _(label)) for key, label in CHOICES[f.choices].items()]
    elif f.kind == "village":
        pairs = list(zip(ctx.villages["code"], ctx.villages["name"], strict=True))
    else:
        pairs = references.get(f.kind, [])
    options = [Option("", "—")]
    options += [Option(key, label, key == value) for key, label in pairs]
    if value and not any(o.selected for o in options):  # keep what was typed or stored
        options.append(Option(value, value, True))
    return options


def reference_options(session: Session, rt: RecordType, ctx: Context) -> dict[str, list]:
    """Codes (and names) of the people, venues and schools a form of ``rt`` refers to."""
    options = {}
    for f in rt.fields:
        if f.kind not in REFERENCES:
            continue
        model = REFERENCES[f.kind]
        name = getattr(model, "name", None)
        columns = (model.code, name) if name is not None else (model.code, model.code)
        found = session.execute(select(*columns).where(
            model.commune_code == ctx.commune.code)).all()
        options[f.kind] = sorted(
            ((code, code if label == code else f"{code} – {label}") for code, label in found),
            key=lambda pair: code_order(pair[0]))
    return options


def field_errors(rt: RecordType, problems: list[CellProblem], locale: str,
                 _: Gettext) -> dict[str, list[str]]:
    """Each problem's sentence under the key of the field it belongs to ("" if none)."""
    keys = {f.key for f in rt.fields}
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.code == "required":
            message = _(REQUIRED_TEXT)
        else:  # the field's label stands beside it: no "column" in the sentence
            message = cell_problem_text(problem, rt, locale, column="")
        errors.setdefault(problem.field if problem.field in keys else "", []).append(
            message[:1].upper() + message[1:])
    return errors


# -- lists --------------------------------------------------------------------------------

def date_field(rt: RecordType) -> str | None:
    """The date a record of ``rt`` is filed under (month filter, order), if any."""
    return next((f.key for f in rt.fields if f.kind == "date" and f.required), None)


def has_village(rt: RecordType) -> bool:
    """Whether records of ``rt`` can be found by village (directly or through a reference)."""
    return rt.point != "none" or any(
        f.kind in ("village", "villages", *REFERENCES) for f in rt.fields)


def parse_month(text: str | None) -> tuple[dt.date, dt.date] | None:
    """``YYYY-MM`` as the first day of that month and of the next; None if not a month."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    start = dt.date(int(match.group(1)), int(match.group(2)), 1)
    return start, (start + dt.timedelta(days=32)).replace(day=1)


def _village_condition(rt: RecordType, ctx: Context, village: str):
    """Records in ``village``: their own village, their referent's, or villages reached."""
    model, conditions = rt.model, []
    if hasattr(model, "village_code"):
        conditions.append(model.village_code == village)
    for f in rt.fields:
        if f.kind in REFERENCES:
            parent = REFERENCES[f.kind]
            in_village = select(parent.id).where(parent.commune_code == ctx.commune.code,
                                                 parent.village_code == village)
            conditions.append(getattr(model, writers.ATTRIBUTE[f.kind]).in_(in_village))
        elif f.kind == "villages":
            conditions.append(model.all_villages.is_(True))
            conditions.append(model.villages.any(OutreachVillage.village_code == village))
    return or_(*conditions) if conditions else None


def count_records(session: Session, rt: RecordType, ctx: Context) -> int:
    query = writers.commune_query(rt, ctx).with_only_columns(func.count())
    return session.scalar(query) or 0


def list_records(session: Session, rt: RecordType, ctx: Context, *, village: str | None = None,
                 month: tuple[dt.date, dt.date] | None = None) -> list[tuple[int, dict]]:
    """(id, snapshot) of the commune's records of ``rt``, filtered and in list order.

    Dated records come newest first; people (a register looked up by code) and undated
    records by code, ``T2`` before ``T10``.
    """
    query = writers.commune_query(rt, ctx)
    key = date_field(rt)
    if month and key:
        column = getattr(rt.model, key)
        query = query.where(column >= month[0], column < month[1])
    if village and has_village(rt):
        query = query.where(_village_condition(rt, ctx, village))
    for name in ("states", "villages"):  # read by every snapshot: one query, not one a row
        if hasattr(rt.model, name):
            query = query.options(selectinload(getattr(rt.model, name)))
    records = session.scalars(query).all()
    rows = [(r.id, writers.snapshot(rt, r, ctx)) for r in records]
    if key and rt.name != "persons":
        return sorted(rows, key=lambda r: (r[1][key], r[0]), reverse=True)
    return sorted(rows, key=lambda r: code_order(r[1].get("code") or ""))


def needs_location(rt: RecordType, row: Mapping) -> bool:
    """A tip box or venue recorded with its village and no point yet: listed and counted
    for its village, never drawn, never given a guessed point."""
    return rt.locate and (row.get("lat") is None or row.get("lon") is None)


def columns(rt: RecordType) -> list[tuple[str, str]]:
    """(key, label) of the list's columns: the schema's, with the village of a point."""
    cols = [(f.key, f.label) for f in rt.fields if f.kind not in VN2000]
    if rt.point != "none" and all(key != "village" for key, _label in cols):
        cols.append(("village", VILLAGE_LABEL))
    return cols


@dataclass
class Show:
    """Stored values as people read them: labels, village names, dd/mm/yyyy, có/không."""

    villages: dict[str, str]  # code → name
    locale: str
    gettext: Gettext

    @classmethod
    def of(cls, ctx: Context, locale: str) -> Show:
        names = dict(zip(ctx.villages["code"], ctx.villages["name"], strict=True))
        return cls(names, locale, gettext_for(locale))

    def cell(self, rt: RecordType, key: str, value, row: Mapping | None = None) -> str:
        """``value`` of field ``key`` of ``rt`` (``row`` is the rest of the record)."""
        _ = self.gettext
        kind = "village" if key == "village" else rt.field(key).kind
        if kind == "villages" and not value and row and row.get("kind") == "broadcast":
            return _("whole commune")
        if value is None or value == "":
            return ""
        if kind == "date":
            value = dt.date.fromisoformat(value) if isinstance(value, str) else value
            return value.strftime("%d/%m/%Y")
        if kind == "bool":
            return _("yes") if value else _("no")
        if kind == "choice":
            label = CHOICES[rt.field(key).choices].get(value)
            return _(label) if label else str(value)
        if kind == "village":
            return self.villages.get(value, value)
        if kind == "villages":
            return ", ".join(self.villages.get(code, code) for code in value)
        if kind in ("int", "float"):
            return number(value, self.locale)
        return str(value)


def datetime_text(moment: dt.datetime) -> str:
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh."""
    return store.local_time(moment).strftime("%d/%m/%Y %H:%M")


@dataclass
class Change:
    at: str
    actor: str
    action: str
    source: str
    fields: list[tuple[str, str, str]]  # label, before, after


def change_history(session: Session, rt: RecordType, record_id: int, ctx: Context,
                   show: Show) -> list[Change]:
    """The record's ChangeLog, newest first, with values as people read them."""
    _ = show.gettext
    labels = dict(columns(rt))
    logs = session.scalars(select(ChangeLog).where(
        ChangeLog.commune_code == ctx.commune.code, ChangeLog.record_type == rt.name,
        ChangeLog.record_id == record_id).order_by(ChangeLog.at.desc(), ChangeLog.id.desc()))
    history = []
    for log in logs:
        fields = []
        for key, (before, after) in json.loads(log.changes).items():
            if key not in labels:  # e.g. a person's state history, shown on its own
                continue
            fields.append((_(labels[key]), _logged(show, rt, key, before),
                           _logged(show, rt, key, after)))
        source = SOURCES.get(log.source or "")
        actor = _(ACTORS[log.actor]) if log.actor in ACTORS else log.actor
        history.append(Change(datetime_text(log.at), actor, _(ACTIONS.get(
            log.action, log.action)), _(source) if source else (log.source or ""), fields))
    return history


def _logged(show: Show, rt: RecordType, key: str, value) -> str:
    """A value as the change log holds it (JSON: ISO dates, lists) as people read it."""
    return show.cell(rt, key, tuple(value) if isinstance(value, list) else value)


def record_village(session: Session, rt: RecordType, record) -> str | None:
    """The village a record belongs to: its own, the first reached, or its referent's."""
    if getattr(record, "village_code", None):
        return record.village_code
    for f in rt.fields:
        if f.kind == "villages" and record.villages:
            return sorted(v.village_code for v in record.villages)[0]
        ident = getattr(record, writers.ATTRIBUTE.get(f.kind, ""), None)
        if f.kind in REFERENCES and ident is not None:
            return session.get(REFERENCES[f.kind], ident).village_code
    return None

