"""Checks across the cells of one row: values each possible alone, impossible together.

A tip verified before it was received, more households signed than the village has, an
inspection with no violation that found drugs. Each problem sits on the cell that is
refused and names, in its message, the other column (or figure) it disagrees with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from app.records.schema import CHOICES, RecordType


class Context(Protocol):
    """What the rules need to know of the commune (``app.records.service.Context``)."""

    households: dict[str, int]

    def village_name(self, code: str) -> str: ...


# Record type → (date, the date of the same row it cannot be earlier than).
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "tips": (("verified_date", "received"), ("settled_date", "received"),
             ("unfounded_date", "received")),
    "tip_boxes": (("last_checked", "installed"),),
}

Problem = tuple[str, Any, str, dict]  # field, value quoted, message code, parameters


def row_problems(rt: RecordType, values: dict, ctx: Context) -> list[Problem]:
    """What ``values`` (a row already read cell by cell) breaks of the rules above."""
    found = _date_order(rt, values)
    if rt.name == "pledges":
        found += _pledge(values, ctx)
    if rt.name == "inspections" and values.get("result") == "ok" and values.get(
            "drug_finding"):
        found.append(("drug_finding", None, "drugs_without_violation", {
            "other": rt.field("result").label,
            "result": CHOICES["inspection_result"]["ok"]}))
    return found


def _date_order(rt: RecordType, values: dict) -> list[Problem]:
    found = []
    for later, earlier in DATE_ORDER.get(rt.name, ()):
        first: dt.date | None = values.get(earlier)
        if values.get(later) and first and values[later] < first:
            found.append((later, values[later], "earlier_than", {
                "other": rt.field(earlier).label, "date": first.strftime("%d/%m/%Y")}))
    return found


def _pledge(values: dict, ctx: Context) -> list[Problem]:
    """More households signed than the village has (by the villages page); a village
    whose figure is not known takes any number."""
    signed, village = values.get("households_signed"), values.get("village")
    households = ctx.households.get(village)
    if signed is None or households is None or signed <= households:
        return []
    return [("households_signed", signed, "more_than_households",
             {"village": ctx.village_name(village), "households": households})]
