"""``xkmt patrol --commune CODE --date YYYY-MM-DD [--venues C1,C2,…] -o sheet.pdf``: the
patrol sheet of the due venues (or the ones named) in route order, as PDF or ``.xlsx``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app import patrol
from app.db import make_engine, session_factory
from app.i18n import N_, gettext_for
from app.params import BadParameter, read_day
from app.routes.patrol import read_end
from geo.patrol.sheet import sheet_pdf, sheet_xlsx

WRITERS = {".pdf": sheet_pdf, ".xlsx": sheet_xlsx}
BAD_SUFFIX = N_("The sheet {file} must end in .pdf or .xlsx.")
NO_FOLDER = N_("The folder of {file} does not exist.")
NOTHING_DUE = N_("No venue is due on {day}: name the venues with --venues.")
WRITTEN = N_("Patrol sheet written to {file}: {count} stops in route order, {km} km in a "
             "straight line.")
UNLOCATED = N_("Not routed (needs a location): {venues}")


def add_parsers(sub) -> None:
    cmd = sub.add_parser("patrol", help="write the patrol sheet of a commune's venues")
    cmd.add_argument("--commune", required=True, help="commune code (GSO), e.g. 15178")
    cmd.add_argument("--date", required=True, help="day of the patrol, YYYY-MM-DD")
    cmd.add_argument("--venues", help="venue codes separated by commas (default: the due)")
    cmd.add_argument("--end", help="end point 'lat,lon' (default: back to the station)")
    cmd.add_argument("--team", default="", help="the team's name, printed on the sheet")
    cmd.add_argument("-o", "--output", required=True, type=Path, help="sheet.pdf or .xlsx")


def patrol_command(args: argparse.Namespace, settings, locale: str) -> int:
    _ = gettext_for(locale)
    out: Path = args.output
    writer = WRITERS.get(out.suffix.lower())
    try:
        if writer is None:
            raise BadParameter(BAD_SUFFIX, file=str(out))
        if not out.resolve().parent.is_dir():
            raise BadParameter(NO_FOLDER, file=str(out))
        day = read_day(args.date)
        end = read_end(args.end)
        codes = [c.strip() for c in (args.venues or "").split(",") if c.strip()] or None
        with session_factory(make_engine(settings.database_url))() as session:
            plan = patrol.plan(session, settings, args.commune, day, codes=codes, end=end)
            if plan.stops.empty and plan.unlocated.empty:
                raise BadParameter(NOTHING_DUE, day=day.strftime("%d/%m/%Y"))
            sheet = patrol.sheet(session, settings, args.commune, day, plan, locale,
                                 patrol.team_text(args.team))
    except BadParameter as exc:
        print(_(exc.message).format(**exc.values), file=sys.stderr)
        return 2
    out.write_bytes(writer(sheet))
    km = patrol.km_text(plan.route.total_m if plan.route else 0, locale)
    print(_(WRITTEN).format(file=out, count=len(plan.stops), km=km))
    if not plan.unlocated.empty:
        print(_(UNLOCATED).format(venues=", ".join(plan.unlocated["code"])))
    return 0
