"""The layout shows the flow (issue 11, point 5): the demo, the engine, the boundary readers
and the patrol each in their package, and the README's layout section names every module of
``geo`` and ``app`` where it now lives, so that the table cannot drift from the tree."""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.parent for pkg in ("geo", "app") for p in (ROOT / pkg).rglob("__init__.py")
                  if "migrations" not in p.parts)


def _layout() -> dict[str, str]:
    """The README's layout table: folder → what the row says it holds."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([\w/]+)/` \| (.*) \|$", section, re.M))


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_package_has_a_row_naming_its_modules(package):
    rows = _layout()
    folder = str(package.relative_to(ROOT))
    if folder not in rows:  # a small package described in its parent's row (models)
        parent = str(package.parent.relative_to(ROOT))
        assert f"`{package.name}/`" in rows[parent], f"README layout: no row for {folder}/"
        return
    named = re.findall(r"`([\w*]+\.py)`", rows[folder])  # names, or patterns: `criteria*.py`
    missing = [p.name for p in sorted(package.glob("*.py")) if p.name != "__init__.py"
               and not any(fnmatch(p.name, name) for name in named)]
    if folder in ("app/records", "app/reports", "app/routes"):  # described by what they do
        missing = []
    assert not missing, f"README layout, row {folder}/ does not name {missing}"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_package_says_what_it_holds(package):
    assert ast.get_docstring(ast.parse((package / "__init__.py").read_text("utf-8"))), package


def test_the_parts_of_the_flow_live_in_their_packages():
    geo = ROOT / "geo"
    assert not [p.name for p in geo.glob("demo_*.py")], "demo generators belong in geo/demo/"
    assert {p.name for p in (geo / "engine").glob("*.py")} >= {
        "plans.py", "plan_shape.py", "plan_check.py", "frame.py", "tables.py", "criteria.py"}
    assert {p.name for p in (geo / "readers").glob("*.py")} >= {
        "boundaries.py", "communes.py", "files.py", "vnencodings.py"}
    assert not (ROOT / "app" / "compliance.py").exists()  # it loads the frame: app/frame/
