"""The examples in the docstrings of every module of ``geo`` and ``app`` hold."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re

import pytest

import app
import geo

MODULES = sorted(m.name for pkg in (geo, app)
                 for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")
                 if ".migrations" not in m.name)


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_the_docstrings_hold(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0


def test_the_modules_with_examples_are_found():
    assert {"geo.engine.frame", "geo.join", "geo.legends", "geo.engine.context", "app.privacy",
            "geo.demo.records"} <= set(MODULES)


CRITERIA = ("geo.engine.criteria", "geo.engine.criteria_people", "geo.engine.criteria_outreach",
            "geo.engine.criteria_places")


@pytest.mark.parametrize("name", CRITERIA)
def test_the_rules_of_the_criteria_are_stated_once_in_their_module_docstring(name):
    """Each rule once, where it is read first: in the module's docstring, with an example
    that runs; a metric's docstring says what it computes, never again when its result is
    "no data" or "not applicable" (issue 10, point 9)."""
    module = importlib.import_module(name)
    [own] = [t for t in doctest.DocTestFinder().find(module) if t.name == name]
    assert own.examples, name
    for fname, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ == name:
            text = " ".join((function.__doc__ or "").lower().split())
            assert not re.search(r"no data|not applicable|no_data|not_applicable", text), \
                fname
