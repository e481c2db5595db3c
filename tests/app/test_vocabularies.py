"""Guard: each vocabulary of the records (person categories, venue, incident and outreach
kinds…) and the metric CRS are defined once, in ``geo/``, and the schema, the forms, the
engine and the map use that one definition (issue 11, point 2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app import mapview
from app.i18n import catalog
from app.records import schema
from geo import crs, vocab
from geo.engine import counts, criteria, criteria_outreach, plans

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "geo").rglob("*.py"), *(ROOT / "app").rglob("*.py")])


def _strings(nodes) -> list[str] | None:
    """The string constants of a literal's elements (pairs: their first element), or None
    when an element is anything else."""
    out = []
    for node in nodes:
        if isinstance(node, ast.Tuple) and node.elts:
            node = node.elts[0]
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None
        out.append(node.value)
    return out


def _literal_key_sets(tree: ast.AST):
    """Every tuple, list or set literal of strings and every dict literal's string keys,
    except the dicts given to :func:`geo.vocab.keyed_by` (which checks them)."""
    checked = {id(call.args[1]) for call in ast.walk(tree) if isinstance(call, ast.Call)
               and getattr(call.func, "id", getattr(call.func, "attr", None)) == "keyed_by"
               and len(call.args) == 2}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and id(node) not in checked:
            keys = _strings([k for k in node.keys if k is not None])
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            keys = _strings(node.elts)
        else:
            continue
        if keys:
            yield node.lineno, keys


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_writes_out_a_vocabulary_of_its_own(path):
    """A literal holding every key of a vocabulary is a second definition of it (it is how
    venue kinds came to be in three modules): use ``geo.vocab``, or label its keys through
    ``keyed_by``, which fails when the two disagree."""
    if path == ROOT / "geo" / "vocab.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    copies = [(line, name) for line, keys in _literal_key_sets(tree)
              for name, words in vocab.CHOICE_LISTS.items()
              if len(words) > 2 and set(keys) == set(words)]
    assert copies == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_metric_crs_is_named_only_in_geo_crs(path):
    if path == ROOT / "geo" / "crs.py":
        return
    assert crs.METRIC_CRS not in path.read_text(encoding="utf-8")


def test_the_schema_and_forms_offer_exactly_the_geo_vocabularies():
    for name, words in vocab.CHOICE_LISTS.items():
        assert tuple(schema.CHOICES[name]) == words, name
    assert schema.STATUS_CATEGORIES is vocab.STATUS_CATEGORIES
    assert set(vocab.STATUS_CATEGORIES) <= set(vocab.PERSON_CATEGORIES)


def test_the_engine_and_the_map_use_the_geo_vocabularies():
    specs = {name: m.params for name, m in criteria.METRICS.items()}
    assert specs["outreach_events"]["kind"].choices is vocab.OUTREACH_KINDS
    assert specs["incidents"]["kinds"].choices is vocab.INCIDENT_KINDS
    assert criteria.PERSON_INCIDENTS is vocab.PERSON_INCIDENTS
    assert counts.CATEGORIES is vocab.PERSON_CATEGORIES
    assert criteria_outreach.MANAGED is vocab.PERSON_CATEGORIES
    # each category's list in the counts is named by LIST_OF ("addict" -> "addicts")
    assert counts.LISTS == tuple(vocab.LIST_OF[c] for c in vocab.PERSON_CATEGORIES)
    assert set(vocab.LIST_OF) == set(vocab.PERSON_CATEGORIES)
    assert {k for k, _days in plans.DEFAULT_INTERVALS} == set(vocab.VENUE_KINDS)
    assert tuple(mapview.VENUE_LETTERS) == vocab.VENUE_KINDS


def test_every_category_the_engine_asks_for_is_a_person_category():
    """``ctx.listed("addicts")`` would silently count nobody."""
    asked = []
    for path in (ROOT / "geo").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "listed":
                asked += [(path.name, a.value) for a in node.args
                          if isinstance(a, ast.Constant)]
    assert asked, "the engine asks for people by category"
    assert [(f, c) for f, c in asked if c not in vocab.PERSON_CATEGORIES] == []


def test_every_value_of_a_vocabulary_has_a_vietnamese_label():
    translated = {m.id: m.string for m in catalog("vi") if m.id and not m.fuzzy}
    for name, words in vocab.CHOICE_LISTS.items():
        for key in words:
            assert translated.get(schema.CHOICES[name][key], "").strip(), (name, key)
    for key in vocab.VENUE_KINDS:  # the letter drawn on the map
        assert translated.get(mapview.VENUE_LETTERS[key], "").strip(), key
