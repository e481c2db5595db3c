"""Reading record files (.xlsx, .csv) into sheets of cells, and recognising their columns.

A sheet is recognised by its title (the record type's label in Vietnamese or English, or
its name), failing that by its headers. Headers match a field by its Vietnamese label,
English label or key, folded (``values.fold``); the "*" that marks required columns is
ignored. Row numbers are those a spreadsheet shows (the header is usually row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from app.i18n import N_, gettext_for
from app.records.schema import BY_NAME, FORBIDDEN_HEADERS, RECORD_TYPES, RecordType
from app.records.values import fold, is_blank, text
from geo.readers import vnencodings

GUIDE = N_("Guide")
LISTS = N_("Lists")
HEADER_SEARCH = 10  # the header row is looked for among the first rows of a sheet
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
# Records others refer to are read first, so their codes count as known.
FIRST = ("persons", "venues", "schools")
ORDER = FIRST + tuple(rt.name for rt in RECORD_TYPES if rt.name not in FIRST)


class Unreadable(Exception):
    """The file cannot be read as records; ``code`` names the message."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass
class RawSheet:
    """The non-blank rows of one sheet: (row number, cell values)."""

    title: str
    rows: list[tuple[int, tuple]]
    is_file: bool = False  # a CSV file: its "sheet" is named by the file name


@dataclass
class Layout:
    """Where a sheet's record type, header row and columns are."""

    rt: RecordType | None
    header_row: int
    columns: dict[int, str] = field(default_factory=dict)  # column index → field key
    headers: dict[str, str] = field(default_factory=dict)  # field key → header in the file
    forbidden: list[tuple[int, str]] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required fields without a column

    def data_rows(self, sheet: RawSheet) -> list[tuple[int, dict]]:
        """The rows below the header as {field key: raw value}."""
        rows = []
        for number, cells in sheet.rows:
            if number <= self.header_row:
                continue
            rows.append((number, {key: cells[i] for i, key in self.columns.items()
                                  if i < len(cells)}))
        return rows

    def column_of(self, key: str | None) -> int:
        return next((i for i, k in self.columns.items() if k == key), 10_000)


def read_file(name: str, data: bytes, *, max_unzipped_bytes: int,
              max_rows: int) -> list[RawSheet]:
    """The sheets of an .xlsx workbook, or the one sheet of a .csv file.

    Rows are read one by one and the file refused (``too_many_rows``) as soon as it holds
    more than ``max_rows`` non-blank rows below the headers (the guide and lists not read):
    a million-row file is refused after reading ``max_rows`` rows, not all of them.
    """
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    counter = RowCounter(max_rows)
    if suffix in EXCEL_SUFFIXES:
        return read_xlsx(data, max_unzipped_bytes=max_unzipped_bytes, counter=counter)
    if suffix in CSV_SUFFIXES:
        return [read_csv(data, name, counter=counter)]
    raise Unreadable("unsupported_file", suffix=suffix or name)


class RowCounter:
    """The non-blank rows of a file so far, against the most it may hold."""

    def __init__(self, limit: int):
        self.limit, self.seen = limit, 0

    def rows(self, title: str, rows: Iterable[tuple]) -> list[tuple[int, tuple]]:
        """The non-blank rows of a sheet with their numbers, counted as they are read but
        for the first (the header)."""
        kept = []
        for number, row in enumerate(rows, start=1):
            if all(is_blank(v) for v in row):
                continue
            if kept:
                self.seen += 1
            if self.seen > self.limit:
                raise Unreadable("too_many_rows", limit=self.limit, sheet=title, row=number)
            kept.append((number, tuple(row)))
        return kept


def read_xlsx(data: bytes, *, max_unzipped_bytes: int, counter: RowCounter) -> list[RawSheet]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise Unreadable("bad_workbook") from None
    # The declared sizes are enough: Python's zipfile (and so openpyxl) never unpacks an
    # entry past its declared size (a lying entry fails its checksum: "damaged").
    if unpacked > max_unzipped_bytes:  # a small file that unpacks to gigabytes
        raise Unreadable("workbook_too_large", mb=unpacked // 1_000_000,
                         limit_mb=max_unzipped_bytes // 1_000_000)
    try:  # read-only: rows are parsed as they are asked for, never the whole sheet at once
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise Unreadable("bad_workbook") from exc
    sheets = []
    try:
        for ws in workbook.worksheets:
            if is_aside(ws.title):
                continue
            ws.reset_dimensions()  # some writers store wrong dimensions
            sheets.append(RawSheet(ws.title, counter.rows(
                ws.title, ws.iter_rows(values_only=True))))
    except Unreadable:
        raise
    except Exception as exc:  # damage further in: a sheet's XML cut off, a bad cell
        raise Unreadable("bad_workbook") from exc
    finally:
        workbook.close()
    return sheets


def read_csv(data: bytes, name: str, *, counter: RowCounter) -> RawSheet:
    """A CSV file as one sheet titled with the file name; the delimiter is guessed."""
    content = decode_text(data)
    first = content.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        return RawSheet(name, counter.rows(name, reader), is_file=True)
    except csv.Error:  # the only one a lenient reader raises: a cell past its limit
        raise Unreadable("cell_too_long", sheet=name, row=reader.line_num,
                         limit=csv.field_size_limit()) from None


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else the legacy encoding ``vnencodings`` detects."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        lines = data.splitlines()
        return vnencodings.decode(data, vnencodings.detect(lines), errors="replace")


@lru_cache
def header_keys(rt: RecordType) -> dict[str, str]:
    """Folded Vietnamese label, English label and key of each field → key."""
    vi = gettext_for("vi")
    keys = {}
    for f in rt.fields:
        for name in (f.key, f.label, vi(f.label)):
            keys.setdefault(fold(name), f.key)
    return keys


@lru_cache
def _titles() -> dict[str, str]:
    vi = gettext_for("vi")
    titles = {}
    for rt in RECORD_TYPES:
        for name in (rt.name, rt.label, vi(rt.label)):
            titles[fold(name)] = rt.name
            titles[fold(name[:31])] = rt.name
    return titles


def is_aside(title: str) -> bool:
    """The guide and the lists behind drop-down cells: not records."""
    vi = gettext_for("vi")
    return fold(title) in {fold(GUIDE), fold(LISTS), fold(vi(GUIDE)), fold(vi(LISTS))}


def clean_header(value) -> str:
    return "" if is_blank(value) else text(value).replace("*", "").strip()


def is_forbidden(header: str) -> bool:
    return fold(header) in FORBIDDEN_HEADERS


def recognise(sheet: RawSheet, type_name: str | None = None) -> Layout:
    """The record type and columns of ``sheet``; ``rt`` is None when not recognised."""
    name = _titles().get(fold(sheet.title)) or type_name
    head = sheet.rows[:HEADER_SEARCH]
    if name is not None:
        rt = BY_NAME[name]
        found = next(((n, c) for n, c in head if _matches(rt, c) >= 2), None)
        number, cells = found or (head[0] if head else (1, ()))
        return _layout(rt, number, cells)
    for number, cells in head:
        rt = _best_type(cells)
        if rt is not None:
            return _layout(rt, number, cells)
    number, cells = head[0] if head else (1, ())
    return _layout(None, number, cells)


def _matches(rt: RecordType, cells: tuple) -> int:
    keys = header_keys(rt)
    return len({keys[fold(clean_header(c))] for c in cells
                if fold(clean_header(c)) in keys})


def _best_type(cells: tuple) -> RecordType | None:
    """The type whose required columns are all in ``cells`` and which matches most."""
    scored = []
    for rt in RECORD_TYPES:
        keys = header_keys(rt)
        present = {keys[fold(clean_header(c))] for c in cells if fold(clean_header(c)) in keys}
        if all(f.key in present for f in rt.fields if f.required):
            scored.append((len(present), -len(rt.fields), rt))
    if not scored:
        return None
    scored.sort(key=lambda s: s[:2], reverse=True)
    if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
        return None  # ambiguous: better to ask than to guess
    return scored[0][2]


def _layout(rt: RecordType | None, number: int, cells: tuple) -> Layout:
    layout = Layout(rt, number)
    keys = header_keys(rt) if rt else {}
    for index, cell in enumerate(cells):
        header = clean_header(cell)
        if not header:
            continue
        key = keys.get(fold(header))
        if key is None and is_forbidden(header):  # a venue's "name" is no person's
            layout.forbidden.append((index, header))
        elif key is None or key in layout.headers:
            layout.unknown.append((index, header))
        else:
            layout.columns[index] = key
            layout.headers[key] = header
    if rt is not None:
        layout.missing = [f.key for f in rt.fields if f.required and f.key not in layout.headers]
    return layout
