"""Who may use which route, and what a role may see and do inside a page.

:data:`ROLE_CAPABILITIES` is the one table of it: each role's capabilities, by name.
Routes and templates ask the viewer by name (``viewer.can("see_person_codes")``), never
compare the role (a guard test checks), and the route rules below are made of the same
capabilities. Every route carries exactly one ``Rule`` (a guard test checks), and a rule
checks both the role and the commune scope (``{code}`` in the path).

Another commune's data is answered with 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.deps import SessionDep
from app.i18n import N_
from app.security import Scope, session_account
from geo.errors import UnknownCommune

# What each capability lets a role see or do inside the pages:
# see_person_codes   the person codes behind a figure, links to persons and their records
# see_tips           the heat of tips on the map
# see_exact_counts   counts of people as they are (without it: banded, "≤n", and no
#                    figure from which a small count could be worked out)
# keep_records       the person-level records: list, entry, import and export
# mark_tasks         mark a plan's manual task done (who records the work)
# plan_patrols       the venue patrol plan: due list, route, sheet
# edit_villages      correct a village's households and residents
# see_change_authors the account behind a change (village list, audit)
# see_audit          the audit log
# make_reports       the reports and the calendar (leaders': aggregates, no person code)
# take_packs         take the map away as a file: the meeting pack
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    "admin": frozenset({"see_exact_counts", "edit_villages", "see_change_authors",
                        "see_audit", "make_reports"}),
    "police": frozenset({"see_person_codes", "see_tips", "see_exact_counts",
                         "keep_records", "mark_tasks", "plan_patrols", "edit_villages",
                         "see_change_authors", "see_audit", "make_reports",
                         "take_packs"}),
    "leader": frozenset({"see_exact_counts", "make_reports", "take_packs"}),
    "viewer": frozenset(),
}
CAPABILITIES = frozenset().union(*ROLE_CAPABILITIES.values())

# The views a print, a pack or a report is made for without a signed-in user (the command
# line's --view / --role, the pack form's choice), and their defaults.
MASKED_ROLE = "viewer"  # what a print or a pack that leaves the police shows
PRINT_VIEWS = ("police", "leader", "viewer")
DEFAULT_PRINT_VIEW = "leader"
PACK_ROLES = ("leader", "viewer", "police")
DEFAULT_PACK_ROLE = "leader"
DEFAULT_REPORT_ROLE = "police"


def roles_with(capability: str) -> frozenset[str]:
    """The roles that have ``capability``.

    >>> sorted(roles_with("see_audit"))
    ['admin', 'police']
    """
    _known(capability)
    return frozenset(r for r, granted in ROLE_CAPABILITIES.items() if capability in granted)


def _known(capability: str) -> None:
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}: see app/access.py "
                         f"ROLE_CAPABILITIES")


def role_can(role: str, capability: str) -> bool:
    """Whether ``role`` has ``capability`` (an unknown name is an error, not a no).

    >>> role_can("leader", "see_person_codes"), role_can("police", "see_person_codes")
    (False, True)
    """
    _known(capability)
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


@dataclass(frozen=True)
class AsRole:
    """A role's capabilities without a signed-in user: what a cached view, a print, a
    pack or a report made for ``role`` may show."""

    role: str

    def can(self, capability: str) -> bool:
        return role_can(self.role, capability)


def is_pack_role(name: str) -> bool:
    """Whether a meeting pack is made for the role ``name`` (:data:`PACK_ROLES`)."""
    return name in PACK_ROLES


def may_make_for(viewer, role: str) -> bool:
    """Whether ``viewer`` may make a print or pack carrying ``role``'s view: one that
    shows nothing the viewer may not see (the police a leader's, not a leader the
    police's)."""
    return ROLE_CAPABILITIES.get(role, CAPABILITIES) <= ROLE_CAPABILITIES[viewer.role]


class NotSignedIn(Exception):
    """The route needs a signed-in user and there is none."""


class MustChangePassword(Exception):
    """The user signed in with a password made by the system and must change it first."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in user and the communes they may see: plain values, read once per
    request, so that using them never touches the database again."""

    id: int
    username: str
    role: str
    must_change_password: bool
    scope: Scope

    def can(self, capability: str) -> bool:
        """Whether the viewer's role has ``capability`` (:data:`ROLE_CAPABILITIES`)."""
        return role_can(self.role, capability)


def signed_in(request: Request, session: SessionDep) -> Viewer | None:
    sid = request.session.get("sid")
    if sid is None:  # not signed in (the session may hold just a CSRF token: keep it)
        return None
    account = session_account(session, sid)  # a live server-side session
    if account is None:
        request.session.clear()  # ended elsewhere: its CSRF token goes with it
        return None
    return Viewer(account.id, account.username, account.role, account.must_change_password,
                  account.scope)


class Rule:
    """A route's access rule: the roles allowed (none for a public route)."""

    def __init__(self, *roles: str, public: bool = False, own_account: bool = False):
        self.roles = frozenset(roles)
        self.public = public
        self.own_account = own_account  # the password page: open before the change

    @classmethod
    def needing(cls, capability: str, **options) -> Rule:
        """The rule of a route for the roles that have ``capability``."""
        return cls(*roles_with(capability), **options)

    def __repr__(self) -> str:
        return "Rule(public)" if self.public else f"Rule({', '.join(sorted(self.roles))})"

    def __call__(self, request: Request, session: SessionDep) -> Viewer | None:
        viewer = signed_in(request, session)
        request.state.user = viewer
        if self.public:
            return viewer
        if viewer is None:
            raise NotSignedIn()
        if viewer.must_change_password and not self.own_account:
            raise MustChangePassword()
        if viewer.role not in self.roles:
            raise HTTPException(status_code=403)
        code = request.path_params.get("code")
        if code is not None and not viewer.scope.allows(code):
            raise UnknownCommune(code)
        return viewer


def actor(request: Request) -> str:
    """The name written in change logs and exports: the signed-in account."""
    viewer = getattr(request.state, "user", None)
    return viewer.username if viewer else "web"


ROLE_LABELS = {"admin": N_("admin"), "police": N_("police"), "leader": N_("leader"),
               "viewer": N_("viewer")}

PUBLIC = Rule(public=True)
ANYONE = Rule(*ROLE_CAPABILITIES)  # any signed-in user
POLICE = Rule.needing("keep_records")  # person-level records
STAFF = Rule.needing("see_audit")  # audit log
EDIT_VILLAGES = Rule.needing("edit_villages")
MARK_TASKS = Rule.needing("mark_tasks")  # marking a plan's manual task done
PATROLS = Rule.needing("plan_patrols")
REPORTS = Rule.needing("make_reports")  # reports (leaders': no person code), calendar
ADMIN = Rule("admin")
OWN_ACCOUNT = Rule(*ROLE_CAPABILITIES, own_account=True)

ViewerDep = Annotated[Viewer, Depends(ANYONE)]
