"""Roles as capabilities (issue 11, point 3): what a role may see inside a page is asked
of the viewer by name, from one table next to the route rules, never by comparing the
role string in a route, a module or a template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import access
from app.access import ROLE_CAPABILITIES, Rule, Viewer
from app.models.users import ROLES
from tests.conftest import client_as

ROOT = Path(__file__).resolve().parents[2]
# The table itself, and the places that create accounts of a role (not what one sees).
ROLE_HOLDERS = {"app/access.py", "app/accounts.py", "app/cli/main.py", "app/cli/users.py",
                "app/models/users.py", "app/security.py"}
COMPARISONS = (
    re.compile(r"\brole\s*(==|!=)|(==|!=)\s*\w*\.?role\b"),  # role == "police"
    re.compile(r"\brole\s+(not\s+)?in\b"),  # role in ("police", "admin"), role in X.roles
    re.compile(r"\.roles\b"),  # a rule's roles used as a test of what one sees
    re.compile(r"""["'](admin|police|leader|viewer)["']"""),  # a role named
)


def _sources() -> list[Path]:
    code = [p for p in (ROOT / "app").rglob("*.py")
            if "migrations" not in p.parts
            and p.relative_to(ROOT).as_posix() not in ROLE_HOLDERS]
    return [*code, *(ROOT / "templates").glob("*.html"), *(ROOT / "app/static").glob("*.js")]


def test_no_route_module_or_template_compares_the_role():
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(pattern.search(line) for pattern in COMPARISONS):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, ("ask the viewer by name (viewer.can(...), app/access.py "
                       "ROLE_CAPABILITIES) instead:\n" + "\n".join(found))


def test_the_guard_finds_a_comparison():
    lines = ['{% if viewer.role == "police" %}', "police = viewer.role in STAFF.roles",
             'if user.role != "viewer":', "marking=role in MARK_TASKS.roles"]
    assert all(any(p.search(line) for p in COMPARISONS) for line in lines)
    assert not any(p.search('{% if viewer.can("see_audit") %}') for p in COMPARISONS)


def _viewer(role: str) -> Viewer:
    return Viewer(1, f"u_{role}", role, False, None)


EXPECTED = {  # the policy, written out once more: a change to the table must be meant
    "see_person_codes": {"police"}, "see_tips": {"police"},
    "see_exact_counts": {"admin", "police", "leader"}, "keep_records": {"police"},
    "mark_tasks": {"police"}, "plan_patrols": {"police"}, "edit_villages": {"admin", "police"},
    "see_change_authors": {"admin", "police"}, "see_audit": {"admin", "police"},
    "make_reports": {"admin", "police", "leader"}, "take_packs": {"police", "leader"},
}


@pytest.mark.parametrize("capability", sorted(EXPECTED))
def test_each_capability_belongs_to_the_roles_meant(capability):
    assert {r for r in ROLES if _viewer(r).can(capability)} == EXPECTED[capability]


def test_every_role_has_a_row_and_an_unknown_capability_is_an_error():
    assert set(ROLE_CAPABILITIES) == set(ROLES)
    assert access.CAPABILITIES == set(EXPECTED)
    with pytest.raises(ValueError, match="see_persons_codes"):
        _viewer("police").can("see_persons_codes")  # a typo must not read as "no"


def test_the_route_rules_are_made_of_the_capabilities():
    assert access.POLICE.roles == access.roles_with("keep_records")
    assert access.MARK_TASKS.roles == access.roles_with("mark_tasks")
    assert access.PATROLS.roles == access.roles_with("plan_patrols")
    assert access.EDIT_VILLAGES.roles == access.roles_with("edit_villages")
    assert access.STAFF.roles == access.roles_with("see_audit")
    assert isinstance(Rule.needing("see_tips"), Rule)


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_follows_the_capabilities(demo, settings, role):
    client = client_as(settings, demo, role)
    page = client.get("/communes/15178/dashboard").text
    viewer = _viewer(role)
    assert ('href="/communes/15178/records"' in page) == viewer.can("keep_records")
    assert ('href="/communes/15178/audit"' in page) == viewer.can("see_audit")
    assert ('href="/communes/15178/patrol"' in page) == viewer.can("plan_patrols")
