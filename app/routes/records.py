"""Record lists, forms and the person page, for the commune police.

A form save goes through ``check_rows`` and ``save_rows`` exactly as an Excel import
does. Editing a field of a record's natural key (a code, or the date of a test) is a
*correction of that record*: the record keeps its id and history and the change log shows
the old and new key, unless another record already has the new key (then nothing is saved
and the form says which record it is).

Forms are drawn by ``_render_form`` and read by ``_read_form`` only; every form carries
the CSRF token of ``app.web_security``. Views of person-level records and every saved
change go to the audit log. Police only (the router's rule).
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.convertors import register_url_convertor

from app import audit, store
from app.access import POLICE, actor
from app.db import transaction
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.frame import loading
from app.i18n import N_, gettext_for
from app.models import OutreachEvent, Person
from app.params import MAX_ID, IdConvertor, month_or_none, storable
from app.records import forms, writers
from app.records.schema import BY_NAME, RECORD_TYPES, RecordType
from app.records.service import (
    CellProblem,
    Context,
    check_rows,
    log_change,
    natural_key,
)
from app.records.values import BadValue
from app.rendering import render
from app.web_security import CSRF_FIELD, csrf_token

router = APIRouter(dependencies=[Depends(POLICE)])  # person-level records
register_url_convertor("id", IdConvertor())  # record ids in paths: {record_id:id}

PERSON_STATE = ("village", "category", "status", "psychosis")
PRIVACY_NOTICE = N_("No name, ID number, address or phone number is recorded here: a person "
                    "is known only by a code.")
TIP_NOTICE = N_("The sender of a tip is never recorded: do not write who sent it anywhere "
                "in this form.")
POINT_HELP = N_("To find a point: in Google Maps or another map app on a phone, press and hold "
                "on the place and copy the two numbers (latitude, longitude); both can be "
                "pasted into “Latitude”.")
STATE_NOTICE = N_("To record a change of village, category or status, enter the date it took "
                  "effect in “Since”: the previous state stays in the history. Keeping the "
                  "same date corrects the current state.")


PAGE_SIZE = 100


@dataclass(frozen=True)
class Pages:
    """Which page of a list is shown: ``number`` of ``count``, from row ``first``."""

    number: int
    count: int

    @property
    def first(self) -> int:
        return (self.number - 1) * PAGE_SIZE

    @classmethod
    def of(cls, rows: int, asked: str, saved_at: int | None) -> Pages:
        """The page asked for (clamped), else the page of the saved row, else the first.

        >>> Pages.of(250, "", None), Pages.of(250, "9", None).number, Pages.of(250, "", 120)
        (Pages(number=1, count=3), 3, Pages(number=2, count=3))
        >>> Pages.of(0, "x", None), Pages.of(250, "9" * 5000, None).number, Pages.of(250, "²", 0)
        (Pages(number=1, count=1), 1, Pages(number=1, count=3))
        """
        count = max(1, -(-rows // PAGE_SIZE))
        if re.fullmatch(r"[0-9]{1,9}", asked):
            number = int(asked)
        elif saved_at is not None:
            number = saved_at // PAGE_SIZE + 1
        else:
            number = 1
        return cls(min(max(number, 1), count), count)


class Refused(Exception):
    """A form that cannot be saved: cell problems, or another record with the same key."""

    def __init__(self, problems: list[CellProblem], other: tuple[int, str] | None = None):
        super().__init__("refused")
        self.problems = problems
        self.other = other  # (id, key text) of the record that already has the key


def _record_type(name: str) -> RecordType:
    if name not in BY_NAME:
        raise HTTPException(404)
    return BY_NAME[name]


def _url(code: str, rt: RecordType, suffix: str = "", **query) -> str:
    query = {k: v for k, v in query.items() if v not in (None, "")}
    url = f"/communes/{code}/records/{rt.name}{suffix}"
    return url + ("?" + urlencode(query) if query else "")


def _nav(code: str, current: str | None, _) -> list[dict]:
    return [{"label": _(rt.label), "href": _url(code, rt), "current": rt.name == current}
            for rt in RECORD_TYPES]


@router.get("/records", include_in_schema=False)
def records_home(settings: SettingsDep) -> RedirectResponse:
    return RedirectResponse(f"/communes/{settings.default_commune}/records", status_code=307)


@router.get("/communes/{code}/records", response_class=HTMLResponse)
def records_index(code: str, request: Request, session: SessionDep,
                  locale: LocaleDep) -> HTMLResponse:
    """Every record type with its count."""
    ctx = Context.load(session, code)
    _ = gettext_for(locale)
    types = [{"label": _(rt.label), "href": _url(code, rt), "new": _url(code, rt, "/new"),
              "count": forms.count_records(session, rt, ctx)} for rt in RECORD_TYPES]
    return render(request, "records_index.html", locale, commune=ctx.commune, types=types,
                  nav=_nav(code, None, _))


@router.get("/communes/{code}/records/{type_name}", response_class=HTMLResponse)
def records_list(code: str, type_name: str, request: Request, session: SessionDep,
                 locale: LocaleDep, village: str = "", month: str = "",
                 saved: str = "", page: str = "") -> HTMLResponse:
    """The records of one type, filtered by village (code) and month (YYYY-MM), a page
    of ``PAGE_SIZE`` at a time (``?page=``; a just-saved record's page by default)."""
    rt = _record_type(type_name)
    ctx = Context.load(session, code)
    _ = gettext_for(locale)
    village = village if village in set(ctx.villages["code"]) else ""
    dated = forms.date_field(rt) is not None
    period = forms.parse_month(month_or_none(month)) if dated else None
    records = forms.list_records(session, rt, ctx, village=village or None, month=period)
    pages = Pages.of(len(records), page, next((i for i, (ident, _row) in enumerate(records)
                                               if str(ident) == saved), None))
    shown = records[pages.first:pages.first + PAGE_SIZE]
    if rt.person_level or any(row.get(key) for _i, row in shown for key in _person_keys(rt)):
        audit.record_request(request, "view_person_list", commune_code=code,
                             object_type=rt.name, detail={
                                 "village": village, "month": month if period else "",
                                 "page": pages.number, "rows": len(shown)})
    cols = forms.columns(rt)
    show = forms.Show.of(ctx, locale)
    rows = [{"id": ident, "href": _url(code, rt, f"/{ident}"),
             "saved": str(ident) == saved,
             "cells": [_cell(rt, key, row, code, show) for key, _label in cols]}
            for ident, row in shown]
    query = {"village": village, "month": month if period else ""}
    return render(
        request, "records_list.html", locale, commune=ctx.commune, rt_label=_(rt.label),
        nav=_nav(code, rt.name, _), headers=[_(label) for _key, label in cols], rows=rows,
        total=forms.count_records(session, rt, ctx), new_href=_url(code, rt, "/new"),
        villages=list(zip(ctx.villages["code"], ctx.villages["name"], strict=True))
        if forms.has_village(rt) else [],
        village=village, dated=dated, month=month if period else "",
        months=loading.record_months(session, code, store.today()) if dated else [],
        bad_month=bool(month) and dated and period is None,
        saved=next((_title(rt, row, show) for ident, row in records
                    if str(ident) == saved), None),
        list_href=_url(code, rt), pages=pages, matching=len(records),
        page_href={n: _url(code, rt, **query, page=n if n > 1 else None)
                   for n in (pages.number - 1, pages.number + 1) if 1 <= n <= pages.count})


def _person_keys(rt: RecordType) -> list[str]:
    """The fields of ``rt`` holding a person's code (a drug test's, a visit's)."""
    return [f.key for f in rt.fields if f.kind == "person"]


def _cell(rt: RecordType, key: str, row: dict, code: str, show: forms.Show) -> dict:
    if key == "lat" and forms.needs_location(rt, row):  # shown where the point would be
        return {"text": show.gettext(forms.NEEDS_LOCATION), "href": None, "wrap": True,
                "flag": "needs-location"}
    text = show.cell(rt, key, row.get(key), row)
    href = None
    if text and (key == "person" or (rt.name == "persons" and key == "code")):
        href = f"/communes/{code}/persons/{row[key]}"
    kind = "village" if key == "village" else rt.field(key).kind
    return {"text": text, "href": href, "wrap": kind in ("choice", "text", "villages", "url")}


@router.get("/communes/{code}/records/{type_name}/new", response_class=HTMLResponse)
def records_new(code: str, type_name: str, request: Request, session: SessionDep,
                locale: LocaleDep) -> HTMLResponse:
    rt = _record_type(type_name)
    ctx = Context.load(session, code)
    return _render_form(request, session, ctx, rt, forms.initial_values(rt), locale)


@router.post("/communes/{code}/records/{type_name}/new", response_class=HTMLResponse)
async def records_create(code: str, type_name: str, request: Request,
                         locale: LocaleDep) -> Response:
    rt = _record_type(type_name)
    values = forms.posted_values(rt, await _read_form(request))
    return await run_in_threadpool(_submit, request, code, rt, values, locale, None)


@router.get("/communes/{code}/records/{type_name}/{record_id:id}",
            response_class=HTMLResponse)
def records_edit(code: str, type_name: str, record_id: int, request: Request,
                 session: SessionDep, locale: LocaleDep) -> HTMLResponse:
    rt = _record_type(type_name)
    ctx = Context.load(session, code)
    record = _record(session, rt, ctx, record_id)
    values = forms.form_values(rt, writers.snapshot(rt, record, ctx))
    return _render_form(request, session, ctx, rt, values, locale, record_id=record_id)


@router.post("/communes/{code}/records/{type_name}/{record_id:id}",
             response_class=HTMLResponse)
async def records_update(code: str, type_name: str, record_id: int, request: Request,
                         locale: LocaleDep) -> Response:
    rt = _record_type(type_name)
    values = forms.posted_values(rt, await _read_form(request))
    return await run_in_threadpool(_submit, request, code, rt, values, locale, record_id)


def _record(session: Session, rt: RecordType, ctx: Context, record_id: int):
    """The record ``record_id`` of type ``rt`` in the commune, or 404."""
    record = None if record_id > MAX_ID else session.scalar(
        writers.commune_query(rt, ctx).where(rt.model.id == record_id))
    if record is None:
        raise HTTPException(404)
    return record


async def _read_form(request: Request):
    """The submitted form (its CSRF token was checked by the middleware)."""
    return await request.form()


def _hidden_fields(request: Request) -> list[tuple[str, str]]:
    """Hidden inputs every form carries: the CSRF token."""
    return [(CSRF_FIELD, csrf_token(request.scope))]


def _submit(request: Request, code: str, rt: RecordType, values: dict, locale: str,
            record_id: int | None) -> Response:
    """Check and save in one transaction; on any problem nothing is saved (422)."""
    sessions = request.app.state.sessions
    try:
        with transaction(sessions) as session:
            target, saved = _save(session, code, rt, values, record_id, actor(request))
    except Refused as refused:
        with sessions() as session:
            ctx = Context.load(session, code)
            return _render_form(request, session, ctx, rt, values, locale,
                                record_id=record_id, refused=refused)
    audit.record_request(request, "change", commune_code=code, object_type=rt.name,
                         object_id=saved)
    return RedirectResponse(target, status_code=303)


def _save(session: Session, code: str, rt: RecordType, values: dict,
          record_id: int | None, who: str) -> tuple[str, int]:
    """Save the form's row; return the list to go back to and the record's id.
    Raises ``Refused``."""
    ctx = Context.load(session, code)
    record = _record(session, rt, ctx, record_id) if record_id is not None else None
    rows, problems = check_rows(rt, [(None, forms.raw_row(rt, values))], ctx)
    if problems:
        raise Refused(problems)
    row = rows[0]
    other = writers.existing(session, rt, ctx).get(natural_key(rt, row))
    if other is not None and record is not None and other.id != record.id:
        raise Refused([], (other.id, _key_text(rt, row)))
    if record is not None and other is None:  # a key field was edited: a correction
        before = writers.snapshot(rt, record, ctx)
        record, after = writers.write(rt, record, row, ctx)
        log_change(session, rt, record, ctx, who, "form", "update", before, after)
    else:
        summary = writers.save_rows(session, rt, rows, ctx, actor=who, source="form")
        if record is None and other is not None and summary.updated:
            raise Refused([], (other.id, _key_text(rt, row)))
        record = writers.existing(session, rt, ctx)[natural_key(rt, row)]
    village = forms.record_village(session, rt, record)
    return _url(code, rt, village=village, saved=record.id), record.id


def _key_text(rt: RecordType, row: dict) -> str:
    return natural_key(rt, row).replace("|", " ").strip()


def _render_form(request: Request, session: Session, ctx: Context, rt: RecordType,
                 values: dict, locale: str, *, record_id: int | None = None,
                 refused: Refused | None = None) -> HTMLResponse:
    """The one place a record form is drawn (new, edit, and again with its problems)."""
    _ = gettext_for(locale)
    code = ctx.commune.code
    errors = forms.field_errors(rt, refused.problems, locale, _) if refused else {}
    general = errors.pop("", [])
    other = None
    if refused and refused.other:
        labels = ", ".join(_(rt.field(key).label) for key in rt.key)
        general.append(_("Another record already has the same {fields} ({value}). Nothing "
                         "was saved.").format(fields=labels, value=refused.other[1]))
        other = _url(code, rt, f"/{refused.other[0]}")
    show = forms.Show.of(ctx, locale)
    history, title, stored = [], None, {}
    if record_id is not None:  # named as saved, whatever the form now holds
        stored = writers.snapshot(rt, _record(session, rt, ctx, record_id), ctx)
        history = forms.change_history(session, rt, record_id, ctx, show)
        title = _title(rt, stored, show)
    references = forms.reference_options(session, rt, ctx)
    _audit_form(request, code, rt, record_id, stored, len(references.get("person", [])))
    return render(
        request, "records_form.html", locale, status=422 if refused else 200,
        commune=ctx.commune, rt=rt,
        rt_label=_(rt.label), nav=_nav(code, rt.name, _), title=title,
        widgets=forms.widgets(rt, values, ctx, references, _, errors),
        hidden=_hidden_fields(request), action=request.url.path, general=general,
        other_href=other, refused=refused is not None, history=history,
        editing=record_id is not None, list_href=_url(code, rt),
        notices=[_(n) for n in _notices(rt, record_id is not None)],
        needs_location=_(forms.NEEDS_LOCATION_NOTICE)
        if stored and forms.needs_location(rt, stored) else None,
        point_help=_(POINT_HELP) if rt.point != "none" else None,
        person_href=f"/communes/{code}/persons/{stored['code']}"
        if rt.name == "persons" and stored else None)


def _audit_form(request: Request, code: str, rt: RecordType, record_id: int | None,
                stored: dict, choices: int) -> None:
    """A form showing person codes is a view of them, logged once per page: the record
    of a person or naming one ("viewed a person"), else the drop-down of every person
    code of the commune ("viewed a person list")."""
    if record_id is not None and (rt.person_level or any(
            stored.get(key) for key in _person_keys(rt))):
        audit.record_request(request, "view_person", commune_code=code, object_type=rt.name,
                             object_id=record_id,
                             detail={"choices": choices} if choices else None)
    elif choices:
        audit.record_request(request, "view_person_list", commune_code=code,
                             object_type=rt.name, object_id=record_id,
                             detail={"form": "edit" if record_id else "new",
                                     "choices": choices})


def _notices(rt: RecordType, editing: bool) -> list[str]:
    notices = [PRIVACY_NOTICE] if rt.person_level else []
    if rt.name == "tips":
        notices.append(TIP_NOTICE)
    if rt.name == "persons" and editing:
        notices.append(STATE_NOTICE)
    return notices


def _title(rt: RecordType, values: dict, show: forms.Show) -> str:
    """The record's key as people read it, e.g. "karaoke · 05/11/2024 · Thôn 1"."""
    parts = []
    for key in rt.key:
        value = values.get(key)
        value = tuple(value) if isinstance(value, list) else value
        if value:
            parts.append(show.cell(rt, key, value))
    return " · ".join(parts)


@router.get("/communes/{code}/persons/{person_code}", response_class=HTMLResponse)
def person_page(code: str, person_code: str, request: Request, session: SessionDep,
                locale: LocaleDep) -> HTMLResponse:
    """One person: current state, status history, tests, visits and change history."""
    ctx = Context.load(session, code)
    with suppress(BadValue):  # /persons/cs-08 is CS-08; an ambiguous pair: as written
        person_code = ctx.book.find("person", person_code) or person_code
    person = None if not storable(person_code) else session.scalar(select(Person).where(
        Person.commune_code == code, Person.code == person_code))
    if person is None:
        raise HTTPException(404)
    audit.record_request(request, "view_person", commune_code=code, object_type="persons",
                         object_id=person.id)
    _ = gettext_for(locale)
    rt, tests_rt, outreach_rt = BY_NAME["persons"], BY_NAME["drug_tests"], BY_NAME["outreach"]
    row, show = writers.snapshot(rt, person, ctx), forms.Show.of(ctx, locale)
    facts = [(_(label), show.cell(rt, key, row.get(key)))
             for key, label in forms.columns(rt) if key != "code"]
    states = [[show.cell(rt, "status_date", s.valid_from)] + [
        show.cell(rt, key, getattr(s, writers.ATTRIBUTE.get(key, key))) for key in PERSON_STATE]
        for s in sorted(person.states, key=lambda s: s.valid_from, reverse=True)]
    tests = [{"href": _url(code, tests_rt, f"/{t.id}"), "cells": [
        show.cell(tests_rt, k, getattr(t, k)) for k in ("date", "result")]}
        for t in sorted(person.tests, key=lambda t: t.date, reverse=True)]
    events = session.scalars(select(OutreachEvent).where(
        OutreachEvent.person_id == person.id).order_by(OutreachEvent.date.desc()))
    visits = [{"href": _url(code, outreach_rt, f"/{e.id}"), "cells": [
        show.cell(outreach_rt, k, getattr(e, k)) for k in ("date", "kind", "count")]}
        for e in events]
    return render(
        request, "person.html", locale, commune=ctx.commune, person=person, facts=facts,
        states=states, state_headers=[_(rt.field(k).label) for k in ("status_date",
                                                                      *PERSON_STATE)],
        tests=tests, visits=visits, nav=_nav(code, "persons", _),
        history=forms.change_history(session, rt, person.id, ctx, show),
        edit_href=_url(code, rt, f"/{person.id}"), tests_new=_url(code, tests_rt, "/new"))
