"""``xkmt pack``: the meeting pack (``app/prints/pack.py``) written to a file.

Every argument is checked here, with a message in the user's language (argparse's own
messages are English only): a refused command writes nothing. Every pack made is written
to the audit log as the web's are (actor ``cli``, the operating-system user noted).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from app import audit, store
from app.access import is_pack_role
from app.db import make_engine, session_factory
from app.i18n import LOCALES, N_, gettext_for, month_label, number
from app.params import BadParameter, read_month
from app.prints.pack import DEFAULT_ROLE, ROLES, PackError, build_pack
from app.records.commands import ACTOR, _os_user
from app.settings import Settings

MISSING = N_("The option {option} is needed: {hint}.")
HINTS = {"--commune": N_("the commune's code (GSO), for example 15178"),
         "--month": N_("the month as YYYY-MM, for example 2025-10"),
         "--output": N_("the file to write, for example hop_giao_ban.html")}


def add_parsers(sub) -> None:
    parser = sub.add_parser("pack", help="write the meeting pack: the map as one HTML "
                                         "file that opens with no server and no internet")
    parser.add_argument("--commune", help="commune code (GSO), e.g. 15178")
    parser.add_argument("--month", help="month YYYY-MM, e.g. 2025-10")
    parser.add_argument("--role", default=DEFAULT_ROLE,
                        help=f"whose view: {', '.join(ROLES)} (default: {DEFAULT_ROLE}; "
                             "police: for the police only, with person codes)")
    parser.add_argument("--layer", help="layer coloured first (default: overall score)")
    parser.add_argument("-o", "--output", help="the .html file to write")
    parser.add_argument("--lang", choices=LOCALES, default=argparse.SUPPRESS,
                        help="language of the pack and messages (default: vi)")


class Refused(Exception):
    def __init__(self, message: str, **values: str):
        super().__init__(message)
        self.message, self.values = message, values


def _checked(args, _) -> tuple[str, str, Path]:
    """The month, role and output of ``args``, or Refused with the first problem."""
    for option, value in (("--commune", args.commune), ("--month", args.month),
                          ("--output", args.output)):
        if not value:
            raise Refused(MISSING, option=option, hint=_(HINTS[option]))
    try:
        month = read_month(args.month)
    except BadParameter as exc:
        raise Refused(exc.message, **exc.values) from exc
    if not is_pack_role(args.role):
        raise Refused(N_("“{role}” is not a role a pack is made for: choose one of "
                         "{roles}."), role=args.role, roles=", ".join(ROLES))
    output = Path(args.output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise Refused(N_("The pack is an HTML file: name it with .html (not “{file}”)."),
                      file=output.name)
    if not output.parent.is_dir():
        raise Refused(N_("The folder {folder} does not exist."), folder=str(output.parent))
    if output.is_dir():
        raise Refused(N_("{file} is a folder, not a file."), file=str(output))
    return month, args.role, output


def pack_command(args, settings: Settings, locale: str) -> int:
    _ = gettext_for(locale)
    try:
        month, role, output = _checked(args, _)
    except Refused as exc:
        print(_(exc.message).format(**exc.values), file=sys.stderr)
        print(_("Nothing has been written."), file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            commune = store.get_commune(session, args.commune)  # UnknownCommune: main says
            pack = build_pack(session, settings, commune.code, month, role=role,
                              locale=locale, layer=args.layer, made_by=_os_user() or ACTOR)
        _write(output, pack.html)
        audit.record(session_factory(engine), "print", username=None,
                     commune_code=commune.code, object_type="meeting_pack", object_id=month,
                     detail={"actor": ACTOR, "os_user": _os_user(), "file": output.name,
                             "layer": pack.layer, "role": role,
                             "bytes": len(pack.html.encode()), "persons": pack.persons})
    except PackError as exc:
        print(_(exc.message).format(**exc.values), file=sys.stderr)
        print(_("Nothing has been written."), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    size = number(round(len(pack.html.encode()) / 1024), locale)
    print(_("Wrote the meeting pack {file} ({size} KB): {unit} {name}, month {month}.")
          .format(file=output, size=size, unit=commune.unit_type, name=commune.name,
                  month=month_label(month)))
    return 0


def _write(output: Path, html: str) -> None:
    """All or nothing: a half-written file never takes the name."""
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=".xkmt-pack-",
                                         suffix=".html")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(html)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
