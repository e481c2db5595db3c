"""Plans as data: a commune's plan or a national rule set, read from a TOML file.

A plan file holds (see ``geo/engine/plans/cam_tan_2024_2025.toml`` for a full example):

- ``id``, ``title_vi``, ``title_en``, ``communes`` (codes, or ``["*"]`` for every
  commune), ``valid_from``, optional ``valid_to``;
- ``[settings]``: durations set by law and local counting rules (:class:`PlanSettings`);
- ``[[indicator]]``: ``id``, ``label_vi``, ``label_en``, ``level`` (``village``,
  ``commune``, ``school`` or a list of them), ``metric`` (a name registered in
  :mod:`geo.engine.criteria`), ``period`` (see :mod:`geo.engine.periods`), and either both or
  none of ``comparison`` (``>=``, ``>``, ``<=``, ``<``, ``==``) and ``target`` (a number;
  percentages as 0–100), optional ``deadline``, ``params`` and ``note_vi``/``note_en``.
  Without a target the figure is shown with no pass/fail (status "not_applicable");
- ``[[task]]``: dated tasks, ``due``, ``done_when = "indicator"`` (the ``indicator``
  reaching its target, in every village for village indicators) or ``"manual"`` (with
  ``done_on`` when done);
- ``[reporting]``: ``monthly_day`` (the monthly report is due on that day of the next
  month) and ``[[reporting.report]]`` one-off reports with their ``due`` date;
- ``[recognition]``: ``all_of``, the indicators that must all be met in every village for
  the commune to be recognised;
- ``[hotspot]``: the hotspot levels (:mod:`geo.engine.hotspot`).

:func:`load_plan` checks everything (:mod:`geo.engine.plan_check`, and the hotspot section
with :mod:`geo.engine.hotspot`) and raises :class:`geo.errors.InvalidPlan` listing every problem
with its line number. The dataclasses a file becomes, with the keys each takes, are
written once in :mod:`geo.engine.plan_shape` (imported from here too); the checker accepts their
keys, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from geo.engine.criteria import METRICS
from geo.engine.hotspot import check_hotspot
from geo.engine.plan_check import check_plan
from geo.engine.plan_shape import (
    COMPARISONS,
    DEFAULT_INTERVALS,
    LEVELS,
    Condition,
    Hotspot,
    HotspotLevel,
    Indicator,
    Plan,
    PlanSettings,
    Report,
    Reporting,
    Task,
)
from geo.errors import InvalidPlan, PlanProblem

__all__ = ["COMPARISONS", "DEFAULT_INTERVALS", "LEVELS", "PLANS_DIR", "Condition", "Hotspot",
           "HotspotLevel", "Indicator", "Plan", "PlanSettings", "Report", "Reporting", "Task",
           "load_plan", "plans_in_force", "shipped_plans"]

PLANS_DIR = Path(__file__).resolve().parent / "plans"
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
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidPlan(path.name, [_syntax_problem(exc, text)]) from exc
    problems = check_plan(data, text, sections=(check_hotspot,))
    if problems:
        raise InvalidPlan(path.name, problems)
    return _build(data, path.name)


def shipped_plans() -> list[Plan]:
    """The plans shipped with the package, in file-name order. Each file is parsed once
    (again only when it changes: same name, size and modification time)."""
    return [_parsed(Path(path), mtime_ns, size) for path, mtime_ns, size in plans_key()]


def plans_key() -> tuple:
    """What :func:`shipped_plans` returns depends on, and only that: each plan file's path,
    modification time and size (a key for what is computed from the plans)."""
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                 for p in sorted(PLANS_DIR.glob("*.toml")))


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
    found = re.search(r"at line (\d+)", str(exc))
    line = int(found.group(1)) if found else max(1, len(text.splitlines()))
    return PlanProblem("toml_syntax", line, {"detail": str(exc).split(" (at ")[0]})


def _build(data: dict, file: str) -> Plan:
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
        source=data.get("source", ""), file=file)


def _indicator(raw: dict) -> Indicator:
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
