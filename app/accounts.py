"""Account administration for the command line: add, list, disable, set a password;
the first administrator and the demo accounts."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Commune, User
from app.security import create_user, end_sessions, new_password, set_password

DEMO_ACCOUNTS = (("demo_admin", "admin"), ("demo_police", "police"),
                 ("demo_leader", "leader"), ("demo_viewer", "viewer"))


class AccountError(Exception):
    """A request about accounts that cannot be done; ``code`` names the message."""

    def __init__(self, problem: str, /, **params):
        self.code, self.params = problem, params
        super().__init__(problem)


def add(session: Session, username: str, role: str, communes: list[str],
        provinces: list[str], *, hasher: PasswordHasher) -> str:
    """Create an account; returns its one-time password."""
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError("user_exists", username=username)
    for code in communes:
        if session.get(Commune, code) is None:
            raise AccountError("unknown_commune", code=code)
    if not communes and not provinces:
        raise AccountError("no_scope")
    _user, password = create_user(session, username, role, hasher=hasher,
                                  communes=communes, provinces=provinces)
    return password


def _get(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError("unknown_user", username=username)
    return user


def disable(session: Session, username: str) -> None:
    """The account can no longer sign in, and its open sessions end at once."""
    user = _get(session, username)
    user.active = False
    end_sessions(session, user.id)


def reset_password(session: Session, username: str, *, hasher: PasswordHasher) -> str:
    """A new one-time password; the user must change it at the next sign-in."""
    user = _get(session, username)
    password = new_password()
    set_password(user, password, hasher)
    user.must_change_password = True
    end_sessions(session, user.id)  # whoever knew the old password is signed out
    return password


def listing(session: Session) -> list[tuple[str, str, bool, str]]:
    rows = []
    for user in session.scalars(select(User).order_by(User.username)):
        scope = ", ".join(s.commune_code or f"province {s.province_code}" for s in user.scopes)
        rows.append((user.username, user.role, user.active, scope))
    return rows


def first_admin(session: Session, *, hasher: PasswordHasher) -> tuple[str, str] | None:
    """With no account at all, make ``admin`` for every commune there is."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    communes = list(session.scalars(select(Commune.code)))
    if not communes:
        return None
    return "admin", add(session, "admin", "admin", communes, [], hasher=hasher)


def demo_accounts(session: Session, commune: str, *,
                  hasher: PasswordHasher) -> list[tuple[str, str, str]]:
    """One account per role for the demo commune, made once; (name, role, password).
    Like every password the system makes, each must be changed at the first sign-in."""
    made = []
    for username, role in DEMO_ACCOUNTS:
        if session.scalar(select(User).where(User.username == username)) is None:
            made.append((username, role, add(session, username, role, [commune], [],
                                             hasher=hasher)))
    return made
