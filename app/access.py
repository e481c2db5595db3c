"""Who may use which route. Every route carries exactly one ``Rule`` (a guard test
checks), and a rule checks both the role and the commune scope (``{code}`` in the path).

Another commune's data is answered with 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.deps import SessionDep
from app.i18n import N_
from app.security import Scope, session_user
from geo.errors import UnknownCommune


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

    @property
    def is_police(self) -> bool:
        return self.role == "police"


def signed_in(request: Request, session: SessionDep) -> Viewer | None:
    sid = request.session.get("sid")
    if sid is None:  # not signed in (the session may hold just a CSRF token: keep it)
        return None
    user = session_user(session, sid)  # a live server-side session
    if user is None:
        request.session.clear()  # ended elsewhere: its CSRF token goes with it
        return None
    return Viewer(user.id, user.username, user.role, user.must_change_password,
                  Scope.of(session, user))


class Rule:
    """A route's access rule: the roles allowed (none for a public route)."""

    def __init__(self, *roles: str, public: bool = False, own_account: bool = False):
        self.roles = frozenset(roles)
        self.public = public
        self.own_account = own_account  # the password page: open before the change

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
ANYONE = Rule("admin", "police", "leader", "viewer")  # any signed-in user
POLICE = Rule("police")  # person-level records
STAFF = Rule("admin", "police")  # audit log
MARK_TASKS = POLICE  # marking a plan's manual task done: who records the work
REPORTS = Rule("admin", "police", "leader")  # reports (leaders': no person code), calendar
ADMIN = Rule("admin")
OWN_ACCOUNT = Rule("admin", "police", "leader", "viewer", own_account=True)

ViewerDep = Annotated[Viewer, Depends(ANYONE)]
