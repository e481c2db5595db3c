"""Plans as data: a commune's plan or a national rule set, read from a TOML file.

A plan file holds (see ``geo/plans/cam_tan_2024_2025.toml`` for a full example):

- ``id``, ``title_vi``, ``title_en``, ``communes`` (codes, or ``["*"]`` for every
  commune), ``valid_from``, optional ``valid_to``;
- ``[settings]``: durations set by law and local counting rules (:class:`PlanSettings`);
- ``[[indicator]]``: ``id``, ``label_vi``, ``label_en``, ``level`` (``village``,
  ``commune``, ``school`` or a list of them), ``metric`` (a name registered in
  :mod:`geo.criteria`), ``period`` (see :mod:`geo.periods`), and either both or none of
  ``comparison`` (``>=``, ``>``, ``<=``, ``<``, ``==``) and ``target`` (a number;
  percentages as 0–100), optional ``deadline``, ``params`` and ``note_vi``/``note_en``.
  Without a target the figure is shown with no pass/fail (status "not_applicable");
- ``[[task]]``: dated tasks, ``due``, ``done_when = "indicator"`` (the ``indicator``
  reaching its target, in every village for village indicators) or ``"manual"`` (with
  ``done_on`` when done);
- ``[reporting]``: ``monthly_day`` (the monthly report is due on that day of the next
  month) and ``[[reporting.report]]`` one-off reports with their ``due`` date;
- ``[recognition]``: ``all_of``, the indicators that must all be met in every village for
  the commune to be recognised;
- ``[hotspot]``: the hotspot levels (:mod:`geo.hotspot`).

:func:`load_plan` checks everything and raises :class:`geo.errors.InvalidPlan` listing
every problem with its line number.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from geo.errors import InvalidPlan, PlanProblem
from geo.vocab import VENUE_KINDS, keyed_by

PLANS_DIR = Path(__file__).resolve().parent / "plans"
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
    levels: tuple[str, ...]
    metric: str
    period: str
    comparison: str | None = None
    target: float | None = None
    deadline: dt.date | None = None
    params: tuple[tuple[str, Any], ...] = ()
    note_vi: str = ""
    note_en: str = ""
    people: bool = False  # its figures count people (the metric's declaration)

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
    reports: tuple[Report, ...] = ()


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
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Hotspot:
    """Levels in order (highest first). ``fallback``: the level given to a place with
    some drug presence (a measure above zero) that meets no level's rule, or None."""

    period: str
    levels: tuple[HotspotLevel, ...]
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
    indicators: tuple[Indicator, ...] = ()
    tasks: tuple[Task, ...] = ()
    reporting: Reporting = field(default_factory=Reporting)
    recognition: tuple[str, ...] = ()
    hotspot: Hotspot | None = None
    source: str = ""

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def applies_to(self, commune: str) -> bool:
        return "*" in self.communes or commune in self.communes

    def indicator(self, ident: str) -> Indicator:
        return next(i for i in self.indicators if i.id == ident)


def load_plan(path: str | Path) -> Plan:
    """Read and check one plan file.

    Raises
    ------
    InvalidPlan
        With every problem found, each with its line number.

    Examples
    --------
    >>> load_plan(PLANS_DIR / "qd_28_2025.toml").id
    'qd-28-2025'
    """
    from geo.plan_check import check_plan

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidPlan(path.name, [_syntax_problem(exc, text)]) from exc
    problems = check_plan(data, text)
    if problems:
        raise InvalidPlan(path.name, problems)
    return _build(data, path.name)


def shipped_plans() -> list[Plan]:
    """The plans shipped with the package, in file-name order. Each file is parsed once
    (again only when it changes: same name, size and modification time)."""
    return [_parsed(p, p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(PLANS_DIR.glob("*.toml"))]


@lru_cache(maxsize=64)
def _parsed(path: Path, _mtime_ns: int, _size: int) -> Plan:
    return load_plan(path)  # the plans are frozen: shared safely


def plans_in_force(plans: Iterable[Plan], commune: str, day: dt.date) -> list[Plan]:
    """The plans that apply to ``commune`` and are in force on ``day``.

    >>> [p.id for p in plans_in_force(shipped_plans(), "15178", dt.date(2025, 9, 30))]
    ['cam-tan-2024-2025', 'qd-28-2025']
    """
    return [p for p in plans if p.applies_to(commune) and p.in_force(day)]


def _syntax_problem(exc: tomllib.TOMLDecodeError, text: str) -> PlanProblem:
    import re

    found = re.search(r"at line (\d+)", str(exc))
    line = int(found.group(1)) if found else max(1, len(text.splitlines()))
    return PlanProblem("toml_syntax", line, {"detail": str(exc).split(" (at ")[0]})


def _build(data: dict, source: str) -> Plan:
    settings = dict(data.get("settings", {}))
    if "inspection_interval_days" in settings:
        merged = dict(DEFAULT_INTERVALS) | settings["inspection_interval_days"]
        settings["inspection_interval_days"] = tuple(sorted(merged.items()))
    if "drug_route_villages" in settings:
        settings["drug_route_villages"] = tuple(settings["drug_route_villages"])
    reporting = data.get("reporting", {})
    hotspot = data.get("hotspot")
    return Plan(
        id=data["id"], title_vi=data["title_vi"], title_en=data["title_en"],
        communes=tuple(data["communes"]), valid_from=data["valid_from"],
        valid_to=data.get("valid_to"), settings=PlanSettings(**settings),
        indicators=tuple(_indicator(i) for i in data.get("indicator", [])),
        tasks=tuple(Task(**t) for t in data.get("task", [])),
        reporting=Reporting(
            **{k: v for k, v in reporting.items() if k != "report"},
            reports=tuple(Report(**r) for r in reporting.get("report", []))),
        recognition=tuple(data.get("recognition", {}).get("all_of", [])),
        hotspot=None if hotspot is None else Hotspot(
            period=hotspot["period"], fallback=hotspot.get("fallback"),
            levels=tuple(_level(level) for level in hotspot["level"])),
        source=source)


def _indicator(raw: dict) -> Indicator:
    from geo.criteria import METRICS

    metric = METRICS[raw["metric"]]
    params = {name: spec.default for name, spec in metric.params.items()}
    params |= raw.get("params", {})
    levels = raw["level"]
    target = raw.get("target")
    return Indicator(
        id=raw["id"], label_vi=raw["label_vi"], label_en=raw["label_en"],
        levels=(levels,) if isinstance(levels, str) else tuple(levels),
        metric=raw["metric"], period=raw["period"], comparison=raw.get("comparison"),
        target=None if target is None else float(target), deadline=raw.get("deadline"),
        params=tuple((k, tuple(v) if isinstance(v, list) else v)
                     for k, v in sorted(params.items())),
        note_vi=raw.get("note_vi", ""), note_en=raw.get("note_en", ""),
        people=metric.counts_people(params))


def _condition(raw: dict) -> Condition:
    return Condition(
        id=raw.get("id", ""), measure=raw.get("measure"), ge=raw.get("ge"), gt=raw.get("gt"),
        lt=raw.get("lt"), any=tuple(_condition(c) for c in raw.get("any", [])),
        lower_level=raw.get("lower_level"), lower_at_least=raw.get("lower_at_least", 0))


def _level(raw: dict) -> HotspotLevel:
    return HotspotLevel(id=raw["id"], label_vi=raw["label_vi"], label_en=raw["label_en"],
                        at_least=raw["at_least"],
                        conditions=tuple(_condition(c) for c in raw.get("condition", [])))
