"""Checking a parsed plan file, every problem at once, each with its line number.

``tomllib`` gives no positions, so :class:`Lines` finds them in the text: the n-th
``[[indicator]]`` header, and a ``key =`` line inside that block. A problem whose key is
missing points at its block's header.

The keys each table may hold are those of the plan's shape (:mod:`geo.engine.plan_shape`), and
the kind of each setting is read from the type of its field there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any

from geo.engine.criteria import METRICS
from geo.engine.periods import PERIODS
from geo.engine.plan_shape import (
    COMPARISONS,
    DEFAULT_INTERVALS,
    LEVELS,
    Indicator,
    Plan,
    PlanSettings,
    Report,
    Reporting,
    Task,
    file_keys,
)
from geo.errors import PlanProblem

HEADER = re.compile(r'^\s*(\[\[?)\s*([A-Za-z0-9_."-]+)\s*\]\]?\s*(#.*)?$')
TOP_KEYS = file_keys(Plan)
INDICATOR_KEYS = file_keys(Indicator)
TASK_KEYS = file_keys(Task)
REPORTING_KEYS = file_keys(Reporting)
REPORT_KEYS = file_keys(Report)
# the kind of value a setting holds, by the type of its field in PlanSettings
KINDS = {"int": "count", "bool": "bool", "str": "text", "tuple[str, ...]": "codes",
         "tuple[tuple[str, int], ...]": "intervals"}


def _setting_kinds() -> dict[str, str]:
    unknown = [f"{f.name}: {f.type}" for f in fields(PlanSettings) if f.type not in KINDS]
    if unknown:  # a new type of setting needs a check written for it here
        raise TypeError(f"no check for the settings {unknown} (geo/engine/plan_check.py KINDS)")
    return {f.name: KINDS[f.type] for f in fields(PlanSettings)}


SETTINGS = _setting_kinds()


class Lines:
    """Where tables and keys are in a TOML text (1-based line numbers)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str]] = []
        for number, line in enumerate(self.lines, 1):
            found = HEADER.match(line)
            if found:
                self.headers.append((number, found.group(2).replace('"', "")))

    def table(self, name: str, n: int = 0) -> int | None:
        """Line of the n-th ``[name]`` or ``[[name]]`` header."""
        hits = [line for line, header in self.headers if header == name]
        return hits[n] if n < len(hits) else None

    def subtable(self, name: str, parent: str, n: int) -> int | None:
        """Line of ``[parent.name]`` belonging to the n-th ``[[parent]]``."""
        start = self.table(parent, n)
        if start is None:
            return None
        end = self._block_end(start, True, parent)
        return next((line for line, header in self.headers
                     if start < line < end and header == f"{parent}.{name}"), None)

    def _block_end(self, start: int, children: bool, name: str) -> int:
        for line, header in self.headers:
            if line > start and not (children and header.startswith(name + ".")):
                return line
        return len(self.lines) + 1

    def key(self, key: str, table: str | None = None, n: int = 0, *,
            children: bool = False) -> int | None:
        """Line of ``key =`` in a table (the top level when None), else the table's line.

        ``children`` searches the table's sub-tables too (``[indicator.params]``).
        """
        if table is None:
            start, fallback = 0, None
        else:
            start = fallback = self.table(table, n)
            if start is None:
                return None
        end = self._block_end(start, children, table or "")
        pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
        for line in range(start + 1, end):
            if pattern.match(self.lines[line - 1]):
                return line
        return fallback


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


class Checker:
    """Collects the problems of one parsed plan file."""

    def __init__(self, data: dict, text: str):
        self.data = data
        self.at = Lines(text)
        self.problems: list[PlanProblem] = []

    def add(self, code: str, line: int | None, **params: Any) -> None:
        self.problems.append(PlanProblem(code, line, params))

    def unknown_keys(self, raw: dict, allowed: set[str], table: str | None, n: int = 0,
                     ) -> None:
        for key in sorted(set(raw) - allowed):
            self.add("unknown_key", self.at.key(key, table, n), section=table or "plan",
                     key=key)

    def required_text(self, raw: dict, keys: tuple[str, ...], table: str | None, n: int,
                      code: str, **params: Any) -> None:
        for key in keys:
            if not is_text(raw.get(key)):
                self.add(code, self.at.key(key, table, n), key=key, **params)

    def top(self) -> None:
        data = self.data
        self.unknown_keys(data, TOP_KEYS, None)
        self.required_text(data, ("id", "title_vi", "title_en"), None, 0, "missing_key",
                           section="plan")
        communes = data.get("communes")
        if not (isinstance(communes, list) and communes and all(map(is_text, communes))):
            self.add("bad_communes", self.at.key("communes"), value=str(communes))
        if not is_date(data.get("valid_from")):
            self.add("bad_date", self.at.key("valid_from"), key="valid_from",
                     value=str(data.get("valid_from")))
        valid_to = data.get("valid_to")
        if valid_to is not None and not is_date(valid_to):
            self.add("bad_date", self.at.key("valid_to"), key="valid_to", value=str(valid_to))
        elif valid_to is not None and is_date(data.get("valid_from")) and (
                valid_to < data["valid_from"]):
            self.add("ends_before_start", self.at.key("valid_to"), start=str(
                data["valid_from"]), end=str(valid_to))

    def settings(self) -> None:
        raw = self.data.get("settings", {})
        if not isinstance(raw, dict):
            self.add("bad_section", self.at.key("settings"), section="settings")
            return
        self.unknown_keys(raw, set(SETTINGS), "settings")
        for key, kind in SETTINGS.items():
            if key not in raw:
                continue
            if kind == "intervals" and isinstance(raw[key], dict):
                self._intervals(raw[key])
            elif not _setting_ok(kind, raw[key]):
                self.add("bad_setting", self.at.key(key, "settings"), key=key,
                         value=str(raw[key]))

    def _intervals(self, raw: dict) -> None:
        table = "settings.inspection_interval_days"
        for kind, days in raw.items():
            if not _setting_ok("intervals", {kind: days}):
                line = self.at.key(kind, table) if self.at.table(table) else self.at.key(
                    "inspection_interval_days", "settings")
                self.add("bad_setting", line, key=f"inspection_interval_days.{kind}",
                         value=str(days))


def _setting_ok(kind: str, value: Any) -> bool:
    if kind == "count":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "text":
        return isinstance(value, str)
    if kind == "codes":
        return isinstance(value, list) and all(map(is_text, value))
    kinds = dict(DEFAULT_INTERVALS)
    return isinstance(value, dict) and all(
        k in kinds and isinstance(v, int) and not isinstance(v, bool) and v > 0
        for k, v in value.items())


def check_plan(data: dict, text: str,
               sections: Iterable[Callable[[Checker], None]] = ()) -> list[PlanProblem]:
    """Every problem of a parsed plan file (empty when it is valid). ``sections``: the
    checks of the sections the engine defines (the hotspot rules: :mod:`geo.engine.hotspot`)."""
    checker = Checker(data, text)
    checker.top()
    checker.settings()
    ids = _indicators(checker)
    _tasks(checker, ids)
    _reporting(checker)
    _recognition(checker, ids)
    for section in sections:
        section(checker)
    return checker.problems


def array(checker: Checker, name: str, data: dict) -> list:
    raw = data.get(name.rsplit(".", 1)[-1], [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        checker.add("bad_section", checker.at.table(name), section=name)
        return []
    return raw


def _indicators(checker: Checker) -> set[str]:
    seen: dict[str, int | None] = {}
    for n, raw in enumerate(array(checker, "indicator", checker.data)):
        _indicator(checker, raw, n, seen)
    return set(seen)


def _indicator(checker: Checker, raw: dict, n: int, seen: dict[str, int | None]) -> None:
    at = checker.at
    ident = raw.get("id")
    if not is_text(ident):
        checker.add("missing_key", at.key("id", "indicator", n), section="indicator",
                    key="id")
        ident = f"#{n + 1}"
    elif ident in seen:
        checker.add("duplicate_id", at.key("id", "indicator", n), id=ident,
                    first_line=seen[ident])
    else:
        seen[ident] = at.key("id", "indicator", n)
    checker.unknown_keys(raw, INDICATOR_KEYS, "indicator", n)
    checker.required_text(raw, ("label_vi", "label_en"), "indicator", n, "missing_label",
                          id=ident)
    metric = METRICS.get(raw.get("metric"))
    if metric is None:
        checker.add("unknown_metric", at.key("metric", "indicator", n), id=ident,
                    metric=str(raw.get("metric")), known=", ".join(sorted(METRICS)))
    _levels(checker, raw, n, ident, metric)
    _period(checker, raw, n, ident, metric)
    _target(checker, raw, n, ident, metric)
    if "deadline" in raw and not is_date(raw["deadline"]):
        checker.add("bad_date", at.key("deadline", "indicator", n), key="deadline",
                    value=str(raw["deadline"]))
    _params(checker, raw, n, ident, metric)


def _levels(checker: Checker, raw: dict, n: int, ident: str, metric) -> None:
    line = checker.at.key("level", "indicator", n)
    levels = raw.get("level")
    levels = [levels] if isinstance(levels, str) else levels
    if not isinstance(levels, list) or not levels or any(v not in LEVELS for v in levels):
        checker.add("bad_level", line, id=ident, value=str(raw.get("level")),
                    allowed=", ".join(LEVELS))
        return
    for level in levels:
        if metric is not None and level not in metric.levels:
            checker.add("level_not_supported", line, id=ident, level=level,
                        metric=metric.name, allowed=", ".join(metric.levels))


def _period(checker: Checker, raw: dict, n: int, ident: str, metric) -> None:
    line = checker.at.key("period", "indicator", n)
    period = raw.get("period")
    if period not in PERIODS:
        checker.add("bad_period", line, id=ident, value=str(period),
                    allowed=", ".join(PERIODS))
    elif metric is not None and period not in metric.periods:
        checker.add("period_not_supported", line, id=ident, period=period,
                    metric=metric.name, allowed=", ".join(metric.periods))


def _target(checker: Checker, raw: dict, n: int, ident: str, metric) -> None:
    at = checker.at
    comparison, target = raw.get("comparison"), raw.get("target")
    if (comparison is None) != (target is None):
        missing = "target" if target is None else "comparison"
        checker.add("missing_key", at.key("id", "indicator", n), section=ident, key=missing)
    if comparison is not None and comparison not in COMPARISONS:
        checker.add("bad_comparison", at.key("comparison", "indicator", n), id=ident,
                    value=str(comparison), allowed=" ".join(COMPARISONS))
    if target is None:
        return
    line = at.key("target", "indicator", n)
    if not is_number(target):
        checker.add("target_not_number", line, id=ident, value=str(target))
    elif target < 0:
        checker.add("target_negative", line, id=ident, value=target)
    elif metric is not None and metric.unit == "percent" and target > 100:
        checker.add("target_over_100", line, id=ident, value=target)


def _params(checker: Checker, raw: dict, n: int, ident: str, metric) -> None:
    params = raw.get("params", {})
    at = checker.at
    line = (at.subtable("params", "indicator", n) or at.key("params", "indicator", n))
    if not isinstance(params, dict):
        checker.add("bad_section", line, section=f"{ident}.params")
        return
    if metric is None:
        return
    for name, spec in metric.params.items():
        if spec.required and name not in params:
            checker.add("missing_param", line, id=ident, param=name, metric=metric.name)
    for name, value in params.items():
        where = checker.at.key(name, "indicator", n, children=True) or line
        spec = metric.params.get(name)
        if spec is None:
            checker.add("unknown_param", where, id=ident, param=name, metric=metric.name)
        elif not spec.accepts(value):
            checker.add("bad_param", where, id=ident, param=name, value=str(value),
                        allowed=", ".join(spec.choices or ()))


def _tasks(checker: Checker, indicators: set[str]) -> None:
    at, seen = checker.at, set()
    for n, raw in enumerate(array(checker, "task", checker.data)):
        ident = raw.get("id") if is_text(raw.get("id")) else f"#{n + 1}"
        if not is_text(raw.get("id")):
            checker.add("missing_key", at.key("id", "task", n), section="task", key="id")
        elif ident in seen:
            checker.add("duplicate_id", at.key("id", "task", n), id=ident, first_line=None)
        seen.add(ident)
        checker.unknown_keys(raw, TASK_KEYS, "task", n)
        checker.required_text(raw, ("label_vi", "label_en"), "task", n, "missing_label",
                              id=ident)
        for key in ("due", "done_on"):
            if (key == "due" or key in raw) and not is_date(raw.get(key)):
                checker.add("bad_date", at.key(key, "task", n), key=key, value=str(raw.get(key)))
        done_when = raw.get("done_when")
        if done_when not in ("indicator", "manual"):
            checker.add("bad_done_when", at.key("done_when", "task", n), id=ident,
                        value=str(done_when))
        elif done_when == "indicator" and raw.get("indicator") not in indicators:
            checker.add("unknown_indicator", at.key("indicator", "task", n), id=ident,
                        value=str(raw.get("indicator")))


def _reporting(checker: Checker) -> None:
    raw = checker.data.get("reporting", {})
    at = checker.at
    if not isinstance(raw, dict):
        checker.add("bad_section", at.key("reporting"), section="reporting")
        return
    checker.unknown_keys(raw, REPORTING_KEYS, "reporting")
    day = raw.get("monthly_day")
    if day is not None and not (isinstance(day, int) and not isinstance(day, bool)
                                and 1 <= day <= 28):
        checker.add("bad_setting", at.key("monthly_day", "reporting"), key="monthly_day",
                    value=str(day))
    for n, report in enumerate(array(checker, "reporting.report", raw)):
        ident = report.get("id", f"#{n + 1}")
        checker.unknown_keys(report, REPORT_KEYS, "reporting.report", n)
        checker.required_text(report, ("id",), "reporting.report", n, "missing_key",
                              section="reporting.report")
        checker.required_text(report, ("label_vi", "label_en"), "reporting.report", n,
                              "missing_label", id=ident)
        if not is_date(report.get("due")):
            checker.add("bad_date", at.key("due", "reporting.report", n), key="due",
                        value=str(report.get("due")))


def _recognition(checker: Checker, indicators: set[str]) -> None:
    raw = checker.data.get("recognition", {})
    all_of = raw.get("all_of", []) if isinstance(raw, dict) else None
    line = checker.at.key("all_of", "recognition")
    if not isinstance(all_of, list):
        checker.add("bad_section", line, section="recognition")
        return
    for ident in all_of:
        if ident not in indicators:
            checker.add("unknown_indicator", line, id="recognition", value=str(ident))
