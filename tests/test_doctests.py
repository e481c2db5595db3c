"""The examples in the docstrings of every module of ``geo`` and ``app`` hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

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
    assert {"geo.frame", "geo.join", "geo.legends", "geo.context", "app.privacy",
            "geo.demo_records"} <= set(MODULES)
