"""No import of the application hidden inside a function to dodge a cycle (issue 11,
point 4): every module of ``app`` imports the others at its top."""

from __future__ import annotations

from pathlib import Path

from tests.geo.test_imports import imports_of

APP = Path(__file__).resolve().parents[2] / "app"
# Deliberately late, and no cycle: the command line loads the web application only for
# the command that serves it.
LATE = {("cli/main.py", "main")}


def test_every_import_of_app_in_app_is_at_the_top_of_its_module():
    hidden = []
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = path.relative_to(APP).as_posix()
        hidden += [f"app/{name}:{line} imports app.{module}"
                   for module, line, top in imports_of(path, "app")
                   if not top and (name, module) not in LATE]
    assert not hidden, "a hidden import (in a function or an if block): " + "; ".join(hidden)
