"""``xkmt plans check FILE`` and ``xkmt plans list``: plan files checked line by line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.i18n import gettext_for
from app.plan_problem_texts import plan_problem_text
from geo.engine.plans import PLANS_DIR, Plan, load_plan
from geo.errors import InvalidPlan


def add_parsers(sub) -> None:
    plans = sub.add_parser("plans", help="plan files").add_subparsers(
        dest="action", required=True)
    plans.add_parser("check", help="check a plan file; every problem with its line") \
        .add_argument("path", type=Path)
    plans.add_parser("list", help="list the shipped plans and whether they are valid")


def plans(args: argparse.Namespace, settings, locale: str) -> int:
    if args.action == "check":
        return _check(args.path, locale)
    return _list(locale)


def _check(path: Path, locale: str) -> int:
    _ = gettext_for(locale)
    if not path.is_file():
        print(_("The file {file} does not exist.").format(file=path), file=sys.stderr)
        return 1
    try:
        plan = load_plan(path)
    except InvalidPlan as exc:
        print(_("The plan file {file} has {count} problem(s):").format(
            file=exc.file, count=len(exc.problems)))
        for problem in exc.problems:
            print("  " + plan_problem_text(problem, locale, exc.file))
        return 1
    print("ok: " + summary(plan, locale))
    return 0


def _list(locale: str) -> int:
    _ = gettext_for(locale)
    for path in sorted(PLANS_DIR.glob("*.toml")):
        try:
            plan = load_plan(path)
        except InvalidPlan as exc:
            print(f"{path.name}\t" + _("invalid: {count} problem(s); run xkmt plans check "
                                       "{path}").format(count=len(exc.problems), path=path))
            continue
        print(f"{path.name}\tok\t{summary(plan, locale)}")
    return 0


def summary(plan: Plan, locale: str) -> str:
    """The plan's id, title, dates, communes and how many indicators and tasks it holds."""
    _ = gettext_for(locale)
    title = plan.title_vi if locale == "vi" else plan.title_en
    start = plan.valid_from.strftime("%d/%m/%Y")
    dates = _("in force from {start} to {end}").format(
        start=start, end=plan.valid_to.strftime("%d/%m/%Y")) if plan.valid_to else _(
        "in force from {start}, with no end date").format(start=start)
    communes = _("every commune") if "*" in plan.communes else _("commune(s) {codes}").format(
        codes=", ".join(plan.communes))
    return _("{id}: {title}; {dates}; {communes}; {indicators} indicator(s), {tasks} "
             "task(s)").format(id=plan.id, title=title, dates=dates, communes=communes,
                               indicators=len(plan.indicators), tasks=len(plan.tasks))
