"""The ``xkmt`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from app import accounts, imports, store
from app.cli import pack, patrol, plans, prints, users
from app.cli import reports as report_cli
from app.db import make_engine, session_factory, transaction, upgrade
from app.i18n import LOCALES, gettext_for
from app.problem_texts import problem_text
from app.records import commands as records
from app.security import password_hasher
from app.settings import Settings
from geo.errors import InvalidBoundary, UnknownCommune


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xkmt", description="xã không ma túy: village map")
    parser.add_argument("--lang", choices=LOCALES, help="language of messages (default: vi)")
    sub = parser.add_subparsers(dest="area", required=True)
    sub.add_parser("db", help="database").add_subparsers(dest="action", required=True) \
        .add_parser("upgrade", help="create or migrate the database")
    communes = sub.add_parser("communes", help="communes").add_subparsers(
        dest="action", required=True)
    outlines = communes.add_parser("import", help="load commune outlines")
    outlines.add_argument("path", type=Path)
    outlines.add_argument("--code-field", help="the field of the GSO code (found if usual)")
    outlines.add_argument("--name-field", help="the field of the name (found if usual)")
    outlines.add_argument("--crs", help="CRS of the file, e.g. EPSG:4326")
    boundaries = sub.add_parser("boundaries", help="village boundaries").add_subparsers(
        dest="action", required=True)
    imp = boundaries.add_parser("import", help="import a village boundary file")
    imp.add_argument("path", type=Path)
    imp.add_argument("--commune", required=True, help="commune code (GSO), e.g. 15178")
    imp.add_argument("--name-field")
    imp.add_argument("--code-field")
    imp.add_argument("--crs", help="CRS of the file, e.g. EPSG:5897 (overrides the .prj)")
    demo = sub.add_parser("demo", help="demo data").add_subparsers(dest="action", required=True)
    demo.add_parser("load", help="load the demo commune").add_argument(
        "--if-empty", action="store_true", help="only when the database has no commune")
    records.add_parsers(sub)  # import, export, template
    users.add_parsers(sub)  # users, retention
    plans.add_parsers(sub)  # plans check, plans list
    patrol.add_parsers(sub)  # patrol sheet
    pack.add_parsers(sub)  # pack: the meeting pack
    report_cli.add_parsers(sub)  # report monthly|semiannual|final|selfassessment
    prints.add_parsers(sub)  # print, atlas
    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    locale = args.lang or settings.default_locale
    handler = {"db": _db, "communes": _communes, "boundaries": _boundaries,
               "demo": _demo, "serve": _serve, "import": records.import_records,
               "export": records.export_records, "template": records.template,
               "users": users.users, "retention": users.retention_command,
               "plans": plans.plans, "patrol": patrol.patrol_command,
               "pack": pack.pack_command,
               "report": report_cli.report,
               "print": prints.print_command, "atlas": prints.atlas_command,
               }[args.area]
    try:
        return handler(args, settings, locale)
    except InvalidBoundary as exc:
        _ = gettext_for(locale)
        print(_("The file {file} was not imported: nothing has been changed.").format(
            file=exc.file), file=sys.stderr)
        for problem in exc.problems:
            print("  " + problem_text(problem, locale, exc.file), file=sys.stderr)
        return 1
    except UnknownCommune as exc:
        _ = gettext_for(locale)
        print(_("No commune has the code {code}.").format(code=exc.code),
              file=sys.stderr)
        return 1


def _sessions(settings: Settings):
    return session_factory(make_engine(settings.database_url))


def _db(args, settings: Settings, locale: str) -> int:
    upgrade(settings.database_url)
    _ = gettext_for(locale)
    # A PostgreSQL URL may hold a password: never print it.
    url = make_url(settings.database_url).render_as_string(hide_password=True)
    print(_("Database ready: {url}").format(url=url))
    return 0


def _communes(args, settings: Settings, locale: str) -> int:
    outcome = imports.import_communes(
        _sessions(settings), args.path, code_field=args.code_field,
        name_field=args.name_field, crs=args.crs, limits=imports.limits_of(settings))
    _ = gettext_for(locale)
    print(_("Imported {file}: {added} commune(s) added, {updated} updated.").format(
        file=args.path.name, added=len(outcome.added), updated=len(outcome.updated)))
    for problem in outcome.read.problems:
        print("  " + problem_text(problem, locale, args.path.name))
    return 0


def _boundaries(args, settings: Settings, locale: str) -> int:
    outcome = imports.import_boundaries(
        _sessions(settings), settings, args.path, args.commune, name_field=args.name_field,
        code_field=args.code_field, crs=args.crs)
    _print_outcome(outcome, args.path.name, locale)
    return 0


def _print_outcome(outcome: imports.BoundaryImportOutcome, file: str, locale: str) -> None:
    _ = gettext_for(locale)
    s = outcome.summary
    print(_("Imported {file}: {added} village(s) added, {changed} changed, {unchanged} "
            "unchanged, {closed} retired.").format(file=file, added=s.added, changed=s.changed,
                                                   unchanged=s.unchanged, closed=s.closed))
    for problem in outcome.result.problems:
        print("  " + problem_text(problem, locale, file))


def _demo(args, settings: Settings, locale: str) -> int:
    sessions = _sessions(settings)
    _ = gettext_for(locale)
    with sessions() as session:
        if args.if_empty and store.count_communes(session):
            print(_("The database already holds data: demo not loaded."))
            return 0
    outcome = imports.load_demo(sessions, settings)
    _print_outcome(outcome, "cam_tan_15178_villages.geojson", locale)
    print(_("Demo commune loaded: its villages and all its records are synthetic."))
    with transaction(sessions) as session:
        made = accounts.demo_accounts(session, "15178",
                                      hasher=password_hasher(settings.password_hash_cost))
    users.print_new_accounts(made, locale)
    return 0


def _serve(args, settings: Settings, locale: str) -> int:
    import uvicorn

    from app.main import create_app

    host, port = args.host or settings.host, args.port or settings.port
    app = create_app(settings)
    with transaction(app.state.sessions) as session:
        first = accounts.first_admin(session,
                                     hasher=password_hasher(settings.password_hash_cost))
    if first:  # a database with communes and no account: the first administrator
        users.print_new_accounts([(first[0], "admin", first[1])], locale)
    _ = gettext_for(locale)
    print(_("Open the map at http://{host}:{port}/").format(
        host=host, port=port), flush=True)
    uvicorn.Server(server_config(app, host, port)).run()
    return 0


def server_config(app, host: str, port: int):
    """How ``xkmt serve`` runs uvicorn. Its proxy headers are off: uvicorn's default believes
    X-Forwarded-For from any local client, so the app reads them itself, and only from
    ``XKMT_TRUSTED_PROXIES`` (``create_app``)."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning",
                          proxy_headers=False)


if __name__ == "__main__":
    sys.exit(main())
