"""The modules of ``geo`` import each other in one direction (issue 11, point 4): no cycle,
and none hidden inside a function or behind ``TYPE_CHECKING``; the plan's shape is read
by the checker, not copied into it."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from geo.engine import hotspot, plan_check, plan_shape
from geo.engine.plans import PLANS_DIR, load_plan

GEO = Path(__file__).resolve().parents[2] / "geo"


def _is_module(dotted: str) -> bool:
    path = GEO.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports_of(path: Path, package: str = "geo") -> list[tuple[str, int, bool]]:
    """(module of ``package`` imported, line, whether at the module's top level) of one
    file; a module of a subpackage is named by its dotted path below ``package``
    (``from geo.engine import frame`` imports ``engine.frame``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    prefix = package + "."
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module == package or node.module.startswith(prefix)):
            names = [f"{node.module}.{a.name}" if _is_module(f"{node.module}.{a.name}")
                     else node.module for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith(prefix)]
        found += [(name.removeprefix(prefix), node.lineno, id(node) in top)
                  for name in dict.fromkeys(names)]
    return found


def _name(path: Path) -> str:
    """``geo/engine/frame.py`` is ``engine.frame``; a package's ``__init__`` its package."""
    parts = path.relative_to(GEO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    return {_name(p): {m for m, _, _ in imports_of(p)} - {_name(p)}
            for p in GEO.rglob("*.py")}


def test_every_import_of_geo_in_geo_is_at_the_top_of_its_module():
    hidden = [f"geo/{p.relative_to(GEO)}:{line} imports geo.{name}"
              for p in sorted(GEO.rglob("*.py")) for name, line, top in imports_of(p) if not top]
    assert not hidden, "a hidden import (in a function or an if block): " + "; ".join(hidden)


def test_the_import_graph_sees_the_modules_of_the_subpackages():
    graph = _graph()
    assert {"engine.frame", "engine.plans", "readers.boundaries", "demo.records",
            "patrol.due", "printing.mapsheet"} <= set(graph)
    assert "engine.plan_shape" in graph["engine.plan_check"]


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node], path[len(path):] = 1, [node]
        for child in sorted(graph.get(node, ())):
            if state.get(child) == 1:
                return path[path.index(child):] + [child]
            if child not in state and (found := visit(child)):
                return found
        state[node] = 2
        path.pop()
        return None

    return next((c for n in sorted(graph) if n not in state and (c := visit(n))), None)


def test_the_modules_of_geo_import_each_other_without_a_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("cls, keys", [
    (plan_shape.Plan, plan_check.TOP_KEYS), (plan_shape.Indicator, plan_check.INDICATOR_KEYS),
    (plan_shape.Task, plan_check.TASK_KEYS), (plan_shape.Reporting, plan_check.REPORTING_KEYS),
    (plan_shape.Report, plan_check.REPORT_KEYS), (plan_shape.Condition, hotspot.CONDITION_KEYS),
])
def test_the_checker_accepts_exactly_the_keys_of_the_plan_shape(cls, keys):
    in_file = {f.metadata.get(plan_shape.FILE_KEY, f.name) for f in dataclasses.fields(cls)}
    assert set(keys) == in_file - {None}


def test_every_setting_of_the_shape_has_a_check():
    assert set(plan_check.SETTINGS) == {f.name for f in dataclasses.fields(
        plan_shape.PlanSettings)}


def test_a_plan_keeps_the_source_its_file_names():
    """The file's ``source`` (the decision the plan comes from) was accepted by the
    checker but replaced by the file's name: the shape and the checker disagreed."""
    plan = load_plan(PLANS_DIR / "qd_28_2025.toml")
    assert plan.source.startswith("Quyết định số 28/2025/QĐ-TTg")
    assert plan.file == "qd_28_2025.toml"
