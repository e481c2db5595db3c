"""``xkmt print`` (one map sheet) and ``xkmt atlas`` (the meeting atlas): the same prints
as the map page's "Print the map", for a view chosen with ``--view`` (default: leader,
figures per village and no person code; ``--masked``: counts of people masked)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app import store
from app.access import DEFAULT_PRINT_VIEW, PRINT_VIEWS
from app.db import make_engine, session_factory
from app.i18n import gettext_for
from app.params import BadParameter
from app.prints import map_sheets, meeting_atlas
from geo.errors import UnknownCommune

VIEWS = PRINT_VIEWS


def add_parsers(sub) -> None:
    one = sub.add_parser("print", help="print one map layer of a month (PDF or PNG)")
    _common(one)
    one.add_argument("--layer", default="score", help="layer key, e.g. score, N1, risk")
    one.add_argument("--paper", default="A4", help="A4 or A3")
    one.add_argument("--orientation", default="landscape", help="portrait or landscape")
    one.add_argument("--colour", default="colour", help="colour or bw (black and white)")
    one.add_argument("--format", default="pdf", help="pdf or png")
    one.add_argument("--dpi", default="150", help="150 or 300 (PNG)")
    one.add_argument("--signature", action="store_true", help="add the signature block")
    _common_out(one)
    atlas = sub.add_parser("atlas", help="print the meeting atlas of a month (PDF)")
    _common(atlas)
    _common_out(atlas)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--commune", required=True, help="commune code (GSO), e.g. 15178")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--view", default=DEFAULT_PRINT_VIEW, help=", ".join(VIEWS))
    parser.add_argument("--masked", action="store_true",
                        help="counts of people masked (for use outside the police)")


def _common_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")


def print_command(args: argparse.Namespace, settings, locale: str) -> int:
    return _run(args, settings, locale, atlas=False)


def atlas_command(args: argparse.Namespace, settings, locale: str) -> int:
    return _run(args, settings, locale, atlas=True)


def _run(args: argparse.Namespace, settings, locale: str, *, atlas: bool) -> int:
    _ = gettext_for(locale)
    problem = _check_paths(args, _)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    sessions = session_factory(make_engine(settings.database_url))
    try:
        if atlas:
            options = map_sheets.read_options(args.month, masked=args.masked)
        else:
            options = map_sheets.read_options(
                args.month, layer=args.layer, paper=args.paper, orientation=args.orientation,
                colour=args.colour, fmt=args.format, dpi=args.dpi, masked=args.masked,
                signature=args.signature)
        with sessions() as session:
            store.get_commune(session, args.commune)  # UnknownCommune: a clear message
            content = _make(session, sessions, settings, args, options, _, locale, atlas)
    except BadParameter as exc:
        print(_(exc.message).format(**exc.values), file=sys.stderr)
        return 2
    except UnknownCommune as exc:
        print(_("No commune has the code {code}.").format(code=exc.code), file=sys.stderr)
        return 2
    args.output.write_bytes(content)
    print(_("Written: {file} ({size} KB).").format(file=args.output,
                                                    size=max(len(content) // 1024, 1)))
    return 0


def _check_paths(args: argparse.Namespace, _) -> str | None:
    if args.view not in VIEWS:
        return _("“{value}” is not a view: choose police, leader or viewer.").format(
            value=args.view)
    folder = args.output.resolve().parent
    if not folder.is_dir():
        return _("The folder {folder} does not exist: the file cannot be written.").format(
            folder=folder)
    return None


def _make(session, sessions, settings, args, options, _, locale: str, atlas: bool) -> bytes:
    user = map_sheets.cli_user()
    if not atlas:
        return map_sheets.print_sheet(session, settings, args.commune, options,
                                    role=args.view, user=user, _=_, locale=locale,
                                    log=sessions).content

    def progress(done: int, total: int) -> None:
        print(_("Atlas: village {done} of {total} drawn…").format(done=done, total=total),
              file=sys.stderr, flush=True)

    print(_("Building the atlas of {month}: reading the last six months…").format(
        month=options.month), file=sys.stderr, flush=True)
    return meeting_atlas.atlas(session, settings, args.commune, options.month,
                             role=args.view, user=user, _=_, locale=locale, log=sessions,
                             masked=options.masked, progress=progress)
