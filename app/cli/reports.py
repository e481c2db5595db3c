"""``xkmt report monthly|semiannual|final|selfassessment --commune CODE … -o FILE``: a
report as .docx or .xlsx (by the file's suffix), audited as the web's (actor ``cli``)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from app import store
from app.access import DEFAULT_REPORT_ROLE
from app.db import make_engine, session_factory
from app.frame import loading
from app.i18n import gettext_for
from app.params import BadParameter
from app.reports import service
from app.reports.view import REPORT_ROLES
from app.settings import Settings

ACTOR = "cli"


def add_parsers(sub) -> None:
    report = sub.add_parser("report", help="make a report (.docx or .xlsx)")
    report.add_argument("kind", choices=service.KINDS)
    report.add_argument("--commune", required=True, help="commune code (GSO), e.g. 15178")
    report.add_argument("--month", help="monthly: the month, YYYY-MM (default: the latest "
                                        "with records)")
    report.add_argument("--from", dest="start", help="semiannual/final: first month YYYY-MM")
    report.add_argument("--to", dest="end", help="semiannual/final: last month YYYY-MM")
    report.add_argument("--year", help="selfassessment: the evaluation year (15/12–14/12)")
    report.add_argument("--date", help="the report's date, YYYY-MM-DD (default: today)")
    report.add_argument("--role", choices=REPORT_ROLES, default=DEFAULT_REPORT_ROLE,
                        help="whose version: police (with the person-code annex), admin or "
                             "leader (figures only)")
    report.add_argument("-o", "--output", type=Path, required=True,
                        help="the file to write: .docx or .xlsx")


def report(args: argparse.Namespace, settings: Settings, locale: str) -> int:
    _ = gettext_for(locale)
    fmt = args.output.suffix.lower().lstrip(".")
    sessions = session_factory(make_engine(settings.database_url))
    try:
        day = dt.date.fromisoformat(args.date) if args.date else store.today()
    except ValueError:
        print(_("“{value}” is not a date: write it as YYYY-MM-DD.").format(value=args.date),
              file=sys.stderr)
        return 2
    with sessions() as session:
        store.get_commune(session, args.commune)
        months = loading.record_months(session, args.commune, store.today())
        try:
            asked = service.read(args.kind, fmt, args.commune, month=args.month,
                                 start=args.start, end=args.end, year=args.year,
                                 latest=months[-1] if months else None)
        except BadParameter as refused:
            print(_(refused.message).format(**refused.values), file=sys.stderr)
            return 2
        content, name = service.make(sessions, session, settings, args.commune, asked,
                                     role=args.role, locale=locale, actor=ACTOR, day=day)
    args.output.write_bytes(content)
    print(_("Report written: {file} ({period}).").format(file=args.output, period=asked.period))
    return 0
