"""``xkmt users ...`` and ``xkmt retention``: accounts and the retention of old records."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from app import accounts, retention
from app.db import make_engine, session_factory, transaction
from app.i18n import N_, gettext_for
from app.models.users import ROLES
from app.security import password_hasher
from app.settings import Settings
from app.store import TZ


def add_parsers(sub) -> None:
    users = sub.add_parser("users", help="accounts").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="create an account; its one-time password is printed")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--commune", action="append", default=[], help="commune code (repeat)")
    add.add_argument("--province", action="append", default=[], help="province code (repeat)")
    users.add_parser("list", help="list accounts")
    users.add_parser("disable", help="disable an account").add_argument("username")
    users.add_parser("set-password", help="give an account a new one-time password") \
        .add_argument("username")
    keep = sub.add_parser("retention", help="anonymise people whose management ended long ago")
    mode = keep.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="only list who is due")
    mode.add_argument("--apply", action="store_true", help="anonymise them")


def _sessions(settings: Settings):
    return session_factory(make_engine(settings.database_url))


def users(args: argparse.Namespace, settings: Settings, locale: str) -> int:
    _ = gettext_for(locale)
    hasher = password_hasher(settings.password_hash_cost)
    try:
        with transaction(_sessions(settings)) as session:
            if args.action == "add":
                password = accounts.add(session, args.username, args.role, args.commune,
                                        args.province, hasher=hasher)
                print(_("Account {user} ({role}) created. One-time password, shown only "
                        "now: {password}").format(user=args.username, role=args.role,
                                                  password=password))
            elif args.action == "list":
                for name, role, active, scope in accounts.listing(session):
                    state = _("active") if active else _("disabled")
                    print(f"{name}\t{role}\t{state}\t{scope}")
            elif args.action == "disable":
                accounts.disable(session, args.username)
                print(_("Account {user} disabled.").format(user=args.username))
            else:
                password = accounts.reset_password(session, args.username, hasher=hasher)
                print(_("New one-time password for {user}, shown only now: {password}")
                      .format(user=args.username, password=password))
    except accounts.AccountError as exc:
        print(_(ACCOUNT_ERRORS[exc.code]).format(**exc.params), file=sys.stderr)
        return 1
    return 0


ACCOUNT_ERRORS = {
    "user_exists": N_("The account {username} exists already."),
    "unknown_user": N_("There is no account {username}."),
    "unknown_commune": N_("No commune has the code {code}."),
    "no_scope": N_("Give the account a commune (--commune) or a province (--province)."),
}


def retention_command(args: argparse.Namespace, settings: Settings, locale: str) -> int:
    _ = gettext_for(locale)
    today = dt.datetime.now(TZ).date()
    with transaction(_sessions(settings)) as session:
        result = retention.due(session, today, settings.retention_months)
        print(_("{count} person(s) whose management ended before {date}:").format(
            count=len(result.persons), date=result.cutoff.strftime("%d/%m/%Y")))
        for commune, code, end in result.persons:
            print(f"  {commune}\t{code}\t{end.strftime('%d/%m/%Y')}")
        if args.apply:
            retention.apply(session, result)
            print(_("Anonymised: their codes were replaced, their history is kept."))
    return 0


def print_new_accounts(made: list[tuple[str, str, str]], locale: str) -> None:
    """Demo or first accounts: their passwords are shown this once and stored hashed."""
    if not made:
        return
    _ = gettext_for(locale)
    print(_("Accounts created. Write the passwords down: they are shown only now, and "
            "each must be changed at the first sign-in."))
    for username, role, password in made:
        print(f"  {username:14} {role:8} {password}")
