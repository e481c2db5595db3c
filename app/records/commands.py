"""The ``xkmt import``, ``xkmt export`` and ``xkmt template`` commands."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from app import audit, store
from app.db import make_engine, session_factory
from app.i18n import LOCALES, gettext_for
from app.records import excel
from app.records.importer import (
    ImportLimits,
    ImportRejected,
    ImportResult,
    file_problem,
    import_file,
)
from app.records.schema import BY_NAME, RECORD_TYPES
from app.records.service import Context
from app.settings import Settings

ACTOR = "cli"


def add_parsers(sub) -> None:
    """Add the three commands to the ``xkmt`` sub-command parsers."""
    imp = sub.add_parser("import", help="import records from an .xlsx or .csv file")
    imp.add_argument("path", type=Path)
    imp.add_argument("--type", dest="record_type", choices=list(BY_NAME),
                     help="record type of a .csv file (default: from its headers)")
    for name, text in (("export", "export records to an .xlsx file"),
                       ("template", "write a blank .xlsx template to fill in")):
        parser = sub.add_parser(name, help=text)
        parser.add_argument("--type", dest="record_type", choices=list(BY_NAME),
                            help="one record type (default: every type)")
        parser.add_argument("-o", "--output", type=Path, required=True)
    for parser in (imp, sub.choices["export"], sub.choices["template"]):
        parser.add_argument("--commune", required=True, help="commune code (GSO), e.g. 15178")
        parser.add_argument("--lang", choices=LOCALES, default=argparse.SUPPRESS,
                            help="language of messages and headers (default: vi)")


def import_records(args, settings: Settings, locale: str) -> int:
    _ = gettext_for(locale)
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            result = import_file(
                session, args.commune, args.path.name, _read(args.path, settings),
                actor=ACTOR, type_name=args.record_type, limits=ImportLimits.of(settings))
    except ImportRejected as exc:
        _audit_import(engine, args, {"accepted": False, "problems": exc.total})
        print(_("The file {file} was not imported: nothing has been changed.").format(
            file=exc.file), file=sys.stderr)
        for problem in exc.problems:
            print("  " + problem.text(locale), file=sys.stderr)
        for note in exc.notes:
            print("  " + _("Note: {text}").format(text=note.text(locale)), file=sys.stderr)
        return 1
    else:
        _audit_import(engine, args, {"accepted": True, **{
            s.rt.name: vars(s.summary) for s in result.sheets}})
    finally:
        engine.dispose()
    print_result(result, locale)
    return 0


def _read(path: Path, settings: Settings) -> bytes:
    """The file's bytes, at most ``max_upload_mb`` of them, as on the web: a larger file is
    refused before it is read whole."""
    limit = settings.max_upload_mb * 1_000_000
    with path.open("rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise ImportRejected(path.name, [file_problem("file_too_large",
                                                      limit_mb=settings.max_upload_mb)])
    return data


def _audit_import(engine, args, detail: dict) -> None:
    """Every import, accepted or refused, goes to the audit log as the web's does; no
    account signs in here: the actor is ``cli`` and the operating-system user is noted."""
    audit.record(session_factory(engine), "import", username=None, commune_code=args.commune,
                 object_type="file", object_id=args.path.name,
                 detail={"actor": ACTOR, "os_user": _os_user(), **detail})


def _os_user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return None


def print_result(result: ImportResult, locale: str) -> None:
    _ = gettext_for(locale)
    print(_("Imported {file}:").format(file=result.file))
    for sheet in result.sheets:
        s = sheet.summary
        print("  " + _("sheet “{sheet}”: {created} created, {updated} updated, {unchanged} "
                       "unchanged").format(sheet=sheet.sheet, created=s.created,
                                           updated=s.updated, unchanged=s.unchanged))
    for note in result.notes:
        print("  " + _("Note: {text}").format(text=note.text(locale)))


def export_records(args, settings: Settings, locale: str) -> int:
    return _write_workbook(args, settings, locale, export=True)


def template(args, settings: Settings, locale: str) -> int:
    return _write_workbook(args, settings, locale, export=False)


def _write_workbook(args, settings: Settings, locale: str, *, export: bool) -> int:
    _ = gettext_for(locale)
    types = [BY_NAME[args.record_type]] if args.record_type else list(RECORD_TYPES)
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            ctx = Context.load(session, args.commune)
            if export:
                wb = excel.export_workbook(session, ctx, types, locale, actor=ACTOR,
                                           now=dt.datetime.now(store.TZ))
            else:
                wb = excel.template_workbook(ctx, types, locale)
        args.output.write_bytes(excel.workbook_bytes(wb))
        counts = excel.row_counts(wb, types, locale)
        if export:  # every export of records is logged
            audit.record(session_factory(engine), "export", username=None,
                         commune_code=args.commune, object_type="records",
                         object_id=args.record_type or "all",
                         detail={"actor": ACTOR, "file": args.output.name, "rows": counts})
    finally:
        engine.dispose()
    for rt in excel.ordered(types):
        print(_("{file}: sheet “{sheet}”, {rows} row(s)").format(
            file=args.output.name, sheet=excel.sheet_title(rt, locale), rows=counts[rt.name]))
    return 0
