"""Importing a file of records (.xlsx with one or several sheets, or .csv): all or nothing.

Every sheet and row is checked first (``service.check_rows``); if anything is wrong
nothing is written and every problem is reported at once, naming the sheet, the row as
the spreadsheet shows it, the column as headed in the file, and the value. Otherwise the
sheets are saved in dependency order (people, venues and schools first), each row
created, updated or left unchanged by its natural key (``writers.save_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.i18n import N_, gettext_for, number
from app.records.messages import cell_problem_text
from app.records.schema import BY_NAME, RecordType
from app.records.service import CellProblem, Context, check_rows
from app.records.sheets import (
    FIRST,
    ORDER,
    Layout,
    RawSheet,
    Unreadable,
    is_aside,
    read_file,
    recognise,
)
from app.records.values import is_blank, text
from app.records.writers import SaveSummary, save_rows
from app.settings import Settings

FILE_PROBLEMS = {
    "unsupported_file": N_("files ending in “{suffix}” cannot be read: use .xlsx or .csv"),
    "bad_workbook": N_("the file is damaged or is not an Excel workbook (.xlsx)"),
    "workbook_too_large": N_("the workbook unpacks to {mb} MB, more than {limit_mb} MB"),
    "too_many_rows": N_("the file holds more than {limit} rows of records (the limit is "
                        "passed at row {row} of “{sheet}”): split it into several files"),
    "more_problems": N_("… and {n} more problems"),
    "cell_too_long": N_("line {row} of “{sheet}” holds a cell longer than {limit} characters"),
    "file_too_large": N_("the file is larger than {limit_mb} MB"),
    "empty_file": N_("the file holds no records"),
    "no_file": N_("choose a file to import"),
    "unknown_type": N_("unknown record type “{name}”; the types are: {names}"),
}
COUNTS = ("limit", "n")  # parameters written as numbers are in the language: 50.000


@dataclass
class FileProblem:
    """A problem (or a note) found in a file, with where it is."""

    sheet: str | None
    problem: CellProblem
    rt: RecordType | None = None
    column: str | None = None
    order: tuple = ()
    in_file: bool = False  # ``sheet`` is the name of a CSV file

    def text(self, locale: str) -> str:
        _ = gettext_for(locale)
        if self.problem.code in FILE_PROBLEMS:
            params = {k: number(v, locale) if k in COUNTS else v
                      for k, v in self.problem.params.items()}
            return _(FILE_PROBLEMS[self.problem.code]).format(**params)
        if self.in_file:
            return f"{self.sheet}, " + cell_problem_text(self.problem, self.rt, locale,
                                                         column=self.column)
        return cell_problem_text(self.problem, self.rt, locale, sheet=self.sheet,
                                 column=self.column)


@dataclass
class SheetSummary:
    sheet: str
    rt: RecordType
    summary: SaveSummary


@dataclass
class ImportResult:
    file: str
    sheets: list[SheetSummary]
    notes: list[FileProblem] = field(default_factory=list)


@dataclass(frozen=True)
class ImportLimits:
    """How much one file may hold, and how many of its problems are listed."""

    unzipped_mb: int = 500
    rows: int = 50_000
    problems: int = 200

    @classmethod
    def of(cls, settings: Settings) -> ImportLimits:
        return cls(settings.max_unzipped_mb, settings.max_import_rows,
                   settings.max_import_problems)


class ImportRejected(Exception):
    """The file was not imported; nothing was written.

    ``problems`` lists at most ``listed`` problems in file order, then a line saying how
    many more there are; ``total`` counts them all.
    """

    def __init__(self, file: str, problems: list[FileProblem],
                 notes: list[FileProblem] | None = None, *, listed: int | None = None):
        self.file = file
        self.total = len(problems)
        if listed is not None and len(problems) > listed:
            problems = problems[:listed] + [file_problem("more_problems",
                                                         n=len(problems) - listed)]
        self.problems = problems
        self.notes = notes or []
        super().__init__(f"{file}: {self.total} problem(s)")


def file_problem(code: str, **params) -> FileProblem:
    return FileProblem(None, CellProblem(None, None, None, code, params))


def import_file(session: Session, commune_code: str, file_name: str, data: bytes, *,
                actor: str, type_name: str | None = None,
                limits: ImportLimits = ImportLimits()) -> ImportResult:
    """Check and store every record of the file, in one transaction of ``session`` (which
    must not be in a transaction already).

    Raises ``ImportRejected`` (nothing written) or ``UnknownCommune``.
    """
    if type_name is not None and type_name not in BY_NAME:
        raise ImportRejected(file_name, [file_problem(
            "unknown_type", name=type_name, names=", ".join(BY_NAME))])
    try:
        sheets = read_file(file_name, data, max_unzipped_bytes=limits.unzipped_mb * 1_000_000,
                           max_rows=limits.rows)
    except Unreadable as exc:
        raise ImportRejected(file_name, [file_problem(exc.code, **exc.params)]) from None
    with session.begin():
        ctx = Context.load(session, commune_code)
        plans, problems, notes = _plan(sheets, type_name)
        checked = [(sheet, layout, rows) for sheet, layout, rows in _check(plans, ctx, problems)
                   if rows]  # a sheet with headers only has nothing to save
        if problems or not checked:
            problems = problems or [file_problem("empty_file")]
            raise ImportRejected(file_name, sorted(problems, key=lambda p: p.order), notes,
                                 listed=limits.problems)
        summaries = [SheetSummary(sheet.title, layout.rt, save_rows(
            session, layout.rt, rows, ctx, actor=actor, source=file_name))
            for sheet, layout, rows in checked]
    return ImportResult(file_name, summaries, notes)


Plan = tuple[int, RawSheet, Layout]  # the sheet's position in the file, the sheet, its layout


def _at(index: int, sheet: RawSheet, layout: Layout, code: str, *, whole: bool = False,
        key: str | None = None, column: tuple[int, str] | None = None) -> FileProblem:
    """A problem of a sheet's header row (a column, a missing field) or of the whole sheet."""
    number = None if whole else layout.header_row
    return FileProblem(sheet.title, CellProblem(number, key, None, code), layout.rt,
                       column[1] if column else None,
                       (index, number or 0, column[0] if column else 0), sheet.is_file)


def _plan(sheets: list[RawSheet], type_name: str | None
          ) -> tuple[list[Plan], list[FileProblem], list[FileProblem]]:
    """Recognise every sheet; problems of the sheets' headers, notes of ignored columns."""
    plans, problems, notes = [], [], []
    for index, sheet in enumerate(sheets):
        if not sheet.rows or is_aside(sheet.title):
            continue
        layout = recognise(sheet, type_name)
        if layout.rt is None:
            problems.append(_at(index, sheet, layout, "unknown_sheet", whole=True))
        problems += [_at(index, sheet, layout, "forbidden_column", column=column)
                     for column in layout.forbidden]
        notes += [_at(index, sheet, layout, "unknown_column", column=column)
                  for column in layout.unknown]
        if layout.rt is None:
            continue
        problems += [_at(index, sheet, layout, "missing_column", key=key)
                     for key in layout.missing]
        plans.append((index, sheet, layout))
    plans.sort(key=lambda plan: (ORDER.index(plan[2].rt.name), plan[0]))
    return plans, problems, notes


def _pending(plans: list[Plan]) -> dict[str, list[str]]:
    """Codes of people, venues and schools defined by the file itself, in file order (the
    first spelling of a code is the one kept)."""
    pending: dict[str, list[str]] = {name.removesuffix("s"): [] for name in FIRST}
    for _index, sheet, layout in plans:
        if layout.rt.name in FIRST:
            for _number, raw in layout.data_rows(sheet):
                if not is_blank(raw.get("code")):
                    pending[layout.rt.name.removesuffix("s")].append(text(raw["code"]))
    return pending


def _check(plans: list[Plan], ctx: Context,
           problems: list[FileProblem]) -> list[tuple[RawSheet, Layout, list[dict]]]:
    pending = _pending(plans)
    checked = []
    for index, sheet, layout in plans:
        rows, found = check_rows(layout.rt, layout.data_rows(sheet), ctx, pending=pending)
        unread = {(p.row, p.field) for p in found if p.code != "duplicate_row"} | {
            (row["_row"], key) for row in rows for key in layout.missing}
        for problem in found:
            if problem.code == "required" and problem.field in layout.missing:
                continue  # reported once, as a missing column
            if problem.code == "duplicate_row" and any(
                    (problem.row, key) in unread for key in layout.rt.key):
                continue  # rows whose key could not be read are not the same record
            problems.append(FileProblem(
                sheet.title, problem, layout.rt, layout.headers.get(problem.field),
                (index, problem.row or 0, layout.column_of(problem.field)), sheet.is_file))
        checked.append((sheet, layout, rows))
    return checked
