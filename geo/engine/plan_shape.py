"""The shape of a plan, written once: the dataclasses a plan file becomes.

Each field is a key of the plan file (TOML) of the same name, unless its metadata says
otherwise: :data:`IN_FILE` ``"level"`` for a field read from another key, :data:`NOT_IN_FILE`
for one the loader fills (the file's name, what a metric declares). The checker
(:mod:`geo.engine.plan_check`) takes the keys it accepts from here, so a field added to a
dataclass is a key the checker knows, and a key the checker knows is a field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from geo.vocab import VENUE_KINDS, keyed_by

FILE_KEY = "plan_file_key"
NOT_IN_FILE = {FILE_KEY: None}


def IN_FILE(key: str) -> dict:  # noqa: N802 (reads as a constant in a field's metadata)
    """Field metadata: the field is read from the file's ``key``."""
    return {FILE_KEY: key}


def file_keys(cls: type) -> frozenset[str]:
    """The keys of a plan file's table that become a ``cls``.

    >>> sorted(file_keys(Report))
    ['due', 'id', 'label_en', 'label_vi']
    >>> "level" in file_keys(Indicator), "levels" in file_keys(Indicator)
    (True, False)
    """
    keys = (f.metadata.get(FILE_KEY, f.name) for f in fields(cls))
    return frozenset(k for k in keys if k is not None)


LEVELS = ("village", "commune", "school")
COMPARISONS = (">=", ">", "<=", "<", "==")
DEFAULT_INTERVALS = tuple(sorted(keyed_by(VENUE_KINDS, {
    "bar": 30, "guesthouse": 90, "hotel": 90, "internet_cafe": 90, "karaoke": 30, "massage": 30,
    "other": 180}).items()))  # days between inspections, by venue kind


@dataclass(frozen=True)
class PlanSettings:
    """Durations and counting rules; each has a default so a plan sets only what differs.

    ``inspection_interval_days``: days allowed between two inspections of a venue, by kind.
    ``held_count_as_residing``: whether people in a compulsory rehab centre or prison count
    as residing in their village. ``on_drug_route``: the commune lies on a drug route
    (QĐ 28 hotspot rule); ``drug_route_villages`` narrows that to some villages for the
    per-village risk layer (empty: all of them). ``report_recipient_*``: who receives the
    monthly report.
    """

    tip_deadline_days: int = 20
    user_management_months: int = 12
    post_rehab_months: int = 12
    post_rehab_months_after_compulsory: int = 24
    adult_age: int = 18
    held_count_as_residing: bool = False
    on_drug_route: bool = False
    drug_route_villages: tuple[str, ...] = ()
    inspection_interval_days: tuple[tuple[str, int], ...] = DEFAULT_INTERVALS
    report_recipient_vi: str = ""
    report_recipient_en: str = ""

    @property
    def intervals(self) -> dict[str, int]:
        return dict(self.inspection_interval_days)


@dataclass(frozen=True)
class Indicator:
    id: str
    label_vi: str
    label_en: str
    levels: tuple[str, ...] = field(metadata=IN_FILE("level"))
    metric: str
    period: str
    comparison: str | None = None
    target: float | None = None
    deadline: dt.date | None = None
    params: tuple[tuple[str, Any], ...] = ()
    note_vi: str = ""
    note_en: str = ""
    # its figures count people (the metric's declaration)
    people: bool = field(default=False, metadata=NOT_IN_FILE)

    @property
    def param(self) -> dict[str, Any]:
        return dict(self.params)


@dataclass(frozen=True)
class Task:
    id: str
    label_vi: str
    label_en: str
    due: dt.date
    done_when: str  # "indicator" or "manual"
    indicator: str | None = None
    done_on: dt.date | None = None


@dataclass(frozen=True)
class Report:
    id: str
    label_vi: str
    label_en: str
    due: dt.date


@dataclass(frozen=True)
class Reporting:
    monthly_day: int | None = None
    monthly_label_vi: str = "Báo cáo tháng"
    monthly_label_en: str = "Monthly report"
    reports: tuple[Report, ...] = field(default=(), metadata=IN_FILE("report"))


@dataclass(frozen=True)
class Condition:
    """One hotspot indicator: a measure within bounds, any of several, or "meets
    ``lower_at_least`` indicators of level ``lower_level`` and lies on a drug route"."""

    id: str
    measure: str | None = None
    ge: float | None = None
    gt: float | None = None
    lt: float | None = None
    any: tuple[Condition, ...] = ()
    lower_level: str | None = None
    lower_at_least: int = 0


@dataclass(frozen=True)
class HotspotLevel:
    id: str
    label_vi: str
    label_en: str
    at_least: int
    conditions: tuple[Condition, ...] = field(metadata=IN_FILE("condition"))


@dataclass(frozen=True)
class Hotspot:
    """Levels in order (highest first). ``fallback``: the level given to a place with
    some drug presence (a measure above zero) that meets no level's rule, or None."""

    period: str
    levels: tuple[HotspotLevel, ...] = field(metadata=IN_FILE("level"))
    fallback: str | None = None


@dataclass(frozen=True)
class Plan:
    id: str
    title_vi: str
    title_en: str
    communes: tuple[str, ...]
    valid_from: dt.date
    valid_to: dt.date | None = None
    settings: PlanSettings = field(default_factory=PlanSettings)
    indicators: tuple[Indicator, ...] = field(default=(), metadata=IN_FILE("indicator"))
    tasks: tuple[Task, ...] = field(default=(), metadata=IN_FILE("task"))
    reporting: Reporting = field(default_factory=Reporting)
    recognition: tuple[str, ...] = ()  # the file's [recognition] all_of
    hotspot: Hotspot | None = None
    source: str = ""  # the document the plan comes from (a decision, a plan of the UBND)
    file: str = field(default="", metadata=NOT_IN_FILE)  # the plan file's name

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def applies_to(self, commune: str) -> bool:
        return "*" in self.communes or commune in self.communes

    def indicator(self, ident: str) -> Indicator:
        return next(i for i in self.indicators if i.id == ident)


