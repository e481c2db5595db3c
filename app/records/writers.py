"""Writing one clean row into its model, and reading a record back as a row.

A row and a snapshot have the same shape (field key → value, references by code), so
"unchanged" is a plain comparison and re-importing the same file changes nothing.

New records are built outside the session and stored together by ``insert_new``: the
unit of work would send one INSERT per row on SQLite (no insert sentinel to match
RETURNING rows to objects), a bulk INSERT sends one per thousand rows. Changes to stored
records are flushed by the unit of work, which batches UPDATEs; a new state of a stored
person joins its loaded ``states``, so on SQLite each is still an INSERT of its own.

:func:`save_rows` writes the clean rows of a check (``app.records.service.check_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import UniqueConstraint, insert, inspect, select
from sqlalchemy.orm import Session, selectinload

from app.models import ChangeLog, OutreachEvent, OutreachVillage, Person, PersonState
from app.records.schema import RecordType
from app.records.service import REFERENCES, Context, change_values, natural_key

VIRTUAL = {"x", "y"}  # read from files, stored as lat/lon
ATTRIBUTE = {"village": "village_code", "person": "person_id", "venue": "venue_id",
             "school": "school_id"}
PERSON_STATE = ("village_code", "category", "status", "psychosis")
# Rows written with their parent: record type → (relationship, child model, foreign key)
CHILDREN = {"persons": ("states", PersonState, "person_id"),
            "outreach": ("villages", OutreachVillage, "event_id")}
# Every row of a bulk INSERT has the same columns (None as NULL): one statement for all.
BULK = {"render_nulls": True}


def commune_query(rt: RecordType, ctx: Context):
    """SELECT of the commune's records of this type. Drug tests and inspections belong
    to a person or venue of the commune: a subquery, not a list of ids (which would
    outgrow the database's limit on parameters in a large commune)."""
    model = rt.model
    if hasattr(model, "commune_code"):
        return select(model).where(model.commune_code == ctx.commune.code)
    kind = next(f.kind for f in rt.fields if f.kind in REFERENCES)
    parent = REFERENCES[kind]
    return select(model).where(getattr(model, ATTRIBUTE[kind]).in_(
        select(parent.id).where(parent.commune_code == ctx.commune.code)))


def existing(session: Session, rt: RecordType, ctx: Context) -> dict[str, Any]:
    """Every record of this type in the commune, by natural key."""
    query = commune_query(rt, ctx)
    if rt.name == "persons":
        query = query.options(selectinload(Person.states))
    if rt.name == "outreach":
        query = query.options(selectinload(OutreachEvent.villages))
    return {natural_key(rt, snapshot(rt, r, ctx)): r for r in session.scalars(query)}


def snapshot(rt: RecordType, record, ctx: Context) -> dict[str, Any]:
    """The record as a row: field key → value, references as codes."""
    row = {}
    for f in rt.fields:
        if f.key in VIRTUAL:
            continue
        if f.kind in REFERENCES:
            ident = getattr(record, ATTRIBUTE[f.kind])
            row[f.key] = _code_of(ctx, f.kind, ident)
        elif f.kind == "villages":
            row[f.key] = tuple(sorted(v.village_code for v in record.villages))
        else:
            row[f.key] = getattr(record, ATTRIBUTE.get(f.key, f.key))
    if _derived_village(rt):
        row["village"] = record.village_code
    if rt.name == "persons":
        row["history"] = tuple((s.valid_from, *(getattr(s, a) for a in PERSON_STATE))
                               for s in record.states)
    return row


def _derived_village(rt: RecordType) -> bool:
    """Located records without a village column get the village their point lies in."""
    return rt.point != "none" and all(f.key != "village" for f in rt.fields)


def _code_of(ctx: Context, kind: str, ident: int | None) -> str | None:
    return None if ident is None else ctx.codes[kind].get(ident)


def write(rt: RecordType, record, row: dict, ctx: Context):
    """Set the record's fields from ``row``; return the record and its snapshot after
    the write. Nothing is flushed.

    If ``record`` is None a new one is made, outside any session: the caller stores the
    new records of a batch together with ``insert_new``.
    """
    if record is None:  # outside the session, its collections start empty without a query
        record = rt.model()
        if hasattr(record, "commune_code"):
            record.commune_code = ctx.commune.code
    for f in rt.fields:
        if f.key in VIRTUAL or f.kind == "villages":
            continue
        value = row.get(f.key)
        if f.kind in REFERENCES:
            value = ctx.known[f.kind].get(value) if value else None
        setattr(record, ATTRIBUTE.get(f.key, f.key), value)
    if _derived_village(rt):
        record.village_code = row.get("village")
    if rt.name == "outreach":
        _write_outreach(record, row, natural_key(rt, row))
    if rt.name == "persons":
        _write_person_state(record, row)
    return record, snapshot(rt, record, ctx)


def insert_new(session: Session, rt: RecordType, records: list) -> None:
    """Insert records made by ``write``, and their children, a few statements for all;
    give each record its id.

    RETURNING gives each id with the columns of the table's unique constraint, which tell
    the records apart: the order of RETURNING rows is not guaranteed.
    """
    if not records:
        return
    model = rt.model
    constraint = next(c for c in model.__table__.constraints
                      if isinstance(c, UniqueConstraint))
    keys = [column.key for column in constraint.columns]
    by_key = {tuple(getattr(record, k) for k in keys): record for record in records}
    statement = insert(model).returning(model.id, *(getattr(model, k) for k in keys))
    returned = session.execute(statement, [_values(record) for record in records],
                               execution_options=BULK)
    for ident, *key in returned:
        by_key[tuple(key)].id = ident
    if rt.name in CHILDREN:
        relationship, child, foreign_key = CHILDREN[rt.name]
        rows = [{**_values(item), foreign_key: record.id}
                for record in records for item in getattr(record, relationship)]
        if rows:
            session.execute(insert(child), rows, execution_options=BULK)


def _values(record) -> dict[str, Any]:
    """The columns ``write`` set, as a flush would insert them: None becomes the column's
    default value, if it has one (the record models have no callable defaults)."""
    state = inspect(record)
    values = {}
    for attribute in state.mapper.column_attrs:
        if attribute.key in state.dict:
            value, default = state.dict[attribute.key], attribute.columns[0].default
            if value is None and default is not None and default.is_scalar:
                value = default.arg
            values[attribute.key] = value
    return values


def remember(rt: RecordType, records: list, ctx: Context) -> None:
    """Let later rows refer to stored people, venues or schools by their code."""
    if rt.name in ("persons", "venues", "schools"):
        for record in records:
            ctx.remember(rt.name.removesuffix("s"), record.code, record.id)


def _write_outreach(record, row: dict, key: str) -> None:
    record.key = key
    villages = row.get("villages") or ()
    record.all_villages = row["kind"] == "broadcast" and not villages
    current = {v.village_code for v in record.villages}
    if current != set(villages):
        record.villages = [OutreachVillage(village_code=code) for code in villages]


def _write_person_state(person: Person, row: dict) -> None:
    """Keep the state from ``status_date`` on; the person's current fields follow the
    latest state."""
    state = next((s for s in person.states if s.valid_from == row["status_date"]), None)
    if state is None:
        state = PersonState(valid_from=row["status_date"])
        person.states.append(state)
    for attribute in PERSON_STATE:
        setattr(state, attribute, getattr(person, attribute))
    latest = max(person.states, key=lambda s: s.valid_from)
    for attribute in PERSON_STATE:
        setattr(person, attribute, getattr(latest, attribute))
    person.status_date = latest.valid_from


@dataclass
class SaveSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def save_rows(session: Session, rt: RecordType, rows: list[dict], ctx: Context, *,
              actor: str, source: str) -> SaveSummary:
    """Create or update each clean row, by natural key; log what changed.

    Every row is written in memory first; then the updates are flushed, the new records
    inserted and the change log written, each in a few statements whatever the number
    of rows.
    """
    summary = SaveSummary()
    stored = existing(session, rt, ctx)
    new: list = []
    changed: list[tuple[Any, str, dict, dict]] = []  # (record, action, before, after)
    for row in rows:
        key = natural_key(rt, row)
        record = stored.get(key)
        before = None if record is None else snapshot(rt, record, ctx)
        record, after = write(rt, record, row, ctx)
        if before is None:
            summary.created += 1
            new.append(record)
            changed.append((record, "create", {}, after))
            stored[key] = record  # a person's later state in the same rows updates it
        elif before != after:
            summary.updated += 1
            changed.append((record, "update", before, after))
        else:
            summary.unchanged += 1
    session.flush()
    insert_new(session, rt, new)
    remember(rt, new, ctx)
    if changed:
        session.execute(insert(ChangeLog), [
            change_values(rt, record, ctx, actor, source, action, before, after)
            for record, action, before, after in changed])
    return summary
