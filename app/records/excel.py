"""Excel workbooks of records: blank templates and exports, built from the schema.

A template and an export have the same sheets, columns and headers, so an export
re-imports unchanged. Each data sheet is titled with its record type's label; the
"Hướng dẫn" (guide) sheet explains every column and a hidden "Danh mục" (lists) sheet
holds the values behind the drop-down cells.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pyproj import CRS
from sqlalchemy.orm import Session

from app.i18n import N_, gettext_for
from app.records import writers
from app.records.schema import BY_NAME, CHOICES, Field, RecordType
from app.records.service import Context
from app.records.sheets import GUIDE, LISTS, ORDER
from app.records.values import visible
from geo.join import natural_key

DATE_FORMAT = "DD/MM/YYYY"
FORMULA_START = ("=", "+", "-", "@")
YES, NO = N_("yes"), N_("no")
HEADER_FILL = PatternFill("solid", fgColor="F2E6D9")
LAST_ROW = 1_048_576

PURPOSES = {
    "persons": N_("one row per person on the commune's lists, under a pseudonymous code"),
    "drug_tests": N_("one row per drug test of a person on the lists"),
    "schools": N_("one row per school in the commune, with its place"),
    "outreach": N_("one row per broadcast, post, school session, visit or meeting"),
    "pledges": N_("households of a village that have signed the pledge, as of a date"),
    "models": N_("one row per drug-prevention or reintegration model"),
    "tip_boxes": N_("one row per crime tip box, with its place"),
    "tips": N_("one row per crime tip received; never who sent it"),
    "venues": N_("one row per venue at risk (karaoke, guesthouse...), with its place"),
    "inspections": N_("one row per inspection of a venue"),
    "incidents": N_("one row per drug-law case, arrest or site found"),
    "baselines": N_("people per village and category at registration"),
}
KINDS = {
    "code": N_("a code, different on every row"),
    "text": N_("text"),
    "int": N_("a whole number"),
    "float": N_("a number"),
    "date": N_("a date dd/mm/yyyy"),
    "bool": N_("“có” or “không”"),
    "choice": N_("one value of the list"),
    "village": N_("the name of a village of the commune"),
    "villages": N_("names of villages of the commune"),
    "person": N_("a person code from the people sheet or already recorded"),
    "venue": N_("a venue code from the venues sheet or already recorded"),
    "school": N_("a school code from the schools sheet or already recorded"),
    "lat": N_("latitude"),
    "lon": N_("longitude"),
    "x": N_("a number of metres (VN-2000)"),
    "y": N_("a number of metres (VN-2000)"),
    "url": N_("a web link"),
    "year": N_("a year, e.g. 1990"),
}


def ordered(types: Sequence[RecordType]) -> list[RecordType]:
    """Record types in the order a workbook holds them: referenced types first."""
    names = {rt.name for rt in types}
    return [BY_NAME[name] for name in ORDER if name in names]


def sheet_title(rt: RecordType, locale: str) -> str:
    """The sheet's title: the type's label (Excel allows 31 characters)."""
    return gettext_for(locale)(rt.label)[:31]


def header_text(f: Field, locale: str) -> str:
    return gettext_for(locale)(f.label) + (" *" if f.required else "")


def template_workbook(ctx: Context, types: Sequence[RecordType], locale: str) -> Workbook:
    """A blank workbook to fill in: a sheet per type, the guide, the lists."""
    wb = Workbook()
    wb.remove(wb.active)
    lists = _lists(ctx, locale)
    ranges = _ranges(lists, locale)
    for rt in ordered(types):
        _data_sheet(wb, rt, ctx, locale, ranges)
    _guide_sheet(wb, ctx, ordered(types), locale)
    _lists_sheet(wb, lists, locale)
    return wb


def export_workbook(session: Session, ctx: Context, types: Sequence[RecordType], locale: str,
                    *, actor: str, now: dt.datetime) -> Workbook:
    """The commune's records of ``types``, in the template's layout."""
    wb = template_workbook(ctx, types, locale)
    _ = gettext_for(locale)
    for rt in ordered(types):
        ws = wb[sheet_title(rt, locale)]
        for number, row in enumerate(export_rows(session, rt, ctx, locale), start=2):
            ws.append(row)
            for column, value in enumerate(row, start=1):
                if looks_like_formula(value):
                    as_text(ws.cell(number, column))
        for index, f in enumerate(rt.fields, start=1):
            if f.kind == "date":
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = DATE_FORMAT
        ws.oddHeader.center.text = _escape(_("For internal circulation only"))
        ws.oddHeader.right.text = _escape(f"{ctx.commune.unit_type} {ctx.commune.name}")
        ws.oddFooter.left.text = _escape(_("Exported on {time} by {actor}").format(
            time=now.strftime("%d/%m/%Y %H:%M"), actor=actor))
        ws.oddFooter.right.text = "&P/&N"
    return wb


def export_rows(session: Session, rt: RecordType, ctx: Context, locale: str) -> list[list]:
    """Every record of ``rt`` in the commune as cell values, sorted by natural key."""
    records = writers.existing(session, rt, ctx)
    convert = _converter(ctx, locale)
    rows = []
    for key in sorted(records, key=natural_key):
        row = writers.snapshot(rt, records[key], ctx)
        rows.append([convert(f, row.get(f.key)) for f in rt.fields])
    return rows


def row_counts(wb: Workbook, types: Sequence[RecordType], locale: str) -> dict[str, int]:
    """Rows below the header of each type's sheet."""
    return {rt.name: wb[sheet_title(rt, locale)].max_row - 1 for rt in ordered(types)}


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _converter(ctx: Context, locale: str) -> Callable[[Field, object], object]:
    _ = gettext_for(locale)
    names = dict(zip(ctx.villages["code"], ctx.villages["name"], strict=True))

    def convert(f: Field, value):
        if value is None or value == () or f.key in writers.VIRTUAL:
            return None
        if isinstance(value, str):  # stored before input was checked; Excel refuses them
            value = visible(value)
        if f.kind == "choice":
            return _(CHOICES[f.choices][value])
        if f.kind == "village":
            return names.get(value, value)
        if f.kind == "villages":
            return "; ".join(names.get(code, code) for code in value)
        if f.kind == "bool":
            return _(YES) if value else _(NO)
        return value

    return convert


def looks_like_formula(value) -> bool:
    """Text Excel (or a spreadsheet reading it) would take for a formula: "=", "+", "-"
    or "@" first, maybe after spaces or a tab."""
    return isinstance(value, str) and value.lstrip()[:1] in FORMULA_START


def as_text(cell: Cell) -> None:
    """Keep ``cell``'s text as text: a string cell (not a formula) whose text Excel shows,
    and keeps when edited, as typed (the quote prefix). It re-imports unchanged."""
    cell.data_type = "s"
    cell.quotePrefix = True


def _texts_as_text(ws: Worksheet) -> None:
    """Every formula-like text of a small sheet (the guide, the lists) kept as text."""
    for row in ws.iter_rows():
        for cell in row:
            if looks_like_formula(cell.value):
                as_text(cell)


def _escape(value: str) -> str:
    """Header and footer text: "&" starts a code there."""
    return value.replace("&", "&&")


def _allowed(f: Field, ctx: Context, locale: str) -> list[str]:
    _ = gettext_for(locale)
    if f.kind == "choice":
        return [_(label) for label in CHOICES[f.choices].values()]
    if f.kind in ("village", "villages"):
        return list(ctx.villages["name"])
    if f.kind == "bool":
        return [_(YES), _(NO)]
    return []


def _lists(ctx: Context, locale: str) -> dict[str, list[str]]:
    """The values behind the drop-down cells, by list name."""
    _ = gettext_for(locale)
    lists = {"village": list(ctx.villages["name"]), "bool": [_(YES), _(NO)]}
    return lists | {name: [_(label) for label in labels.values()]
                    for name, labels in CHOICES.items()}


def _ranges(lists: dict[str, list[str]], locale: str) -> dict[str, str]:
    """Where each list will be on the lists sheet: a column per list, below its name."""
    title = quote_sheetname(gettext_for(locale)(LISTS))
    return {name: f"{title}!${get_column_letter(column)}$2:"
                  f"${get_column_letter(column)}${len(values) + 1}"
            for column, (name, values) in enumerate(lists.items(), start=1)}


def _lists_sheet(wb: Workbook, lists: dict[str, list[str]], locale: str) -> None:
    ws = wb.create_sheet(gettext_for(locale)(LISTS))
    ws.sheet_state = "hidden"
    for column, (name, values) in enumerate(lists.items(), start=1):
        ws.cell(1, column, name)
        for row, value in enumerate(values, start=2):
            ws.cell(row, column, value)
    _texts_as_text(ws)  # village names come from boundary files


def _data_sheet(wb: Workbook, rt: RecordType, ctx: Context, locale: str,
                ranges: dict[str, str]) -> Worksheet:
    _ = gettext_for(locale)
    ws = wb.create_sheet(sheet_title(rt, locale))
    for index, f in enumerate(rt.fields, start=1):
        cell = ws.cell(1, index, header_text(f, locale))
        cell.font = Font(bold=f.required)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(_field_note(f, ctx, locale), "xkmt", width=300, height=150)
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = min(max(len(cell.value) + 4, 14), 40)
        if f.kind == "date":
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        source = f.choices if f.kind == "choice" else f.kind
        if f.kind in ("choice", "village", "bool"):
            check = DataValidation(type="list", formula1=ranges[source], allow_blank=True,
                                   showErrorMessage=True, errorTitle=_(f.label),
                                   error=_("Choose a value from the list."))
            check.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(check)
    ws.freeze_panes = "A2"
    ws.print_options.gridLines = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    return ws


def _field_note(f: Field, ctx: Context, locale: str) -> str:
    _ = gettext_for(locale)
    parts = [_(KINDS[f.kind])]
    if f.help:
        parts.append(_(f.help))
    if f.required:
        parts.append(_("must be filled in"))
    allowed = _allowed(f, ctx, locale)
    if allowed:
        parts.append(_("allowed values: {values}").format(values="; ".join(allowed)))
    return "; ".join(parts)


def meridian_text(epsg: int, locale: str) -> str:
    """“EPSG:5897, central meridian 105°” for the commune's VN-2000 zone."""
    _ = gettext_for(locale)
    params = CRS.from_epsg(epsg).coordinate_operation.params
    lon = next((p.value for p in params if p.name == "Longitude of natural origin"), None)
    if lon is None:
        return f"EPSG:{epsg}"
    return _("EPSG:{epsg}, central meridian {lon}°").format(epsg=epsg, lon=f"{lon:g}")


def _guide_lines(ctx: Context, locale: str) -> list[str]:
    _ = gettext_for(locale)
    commune = f"{ctx.commune.unit_type} {ctx.commune.name}"
    return [
        _("How to fill in the record sheets of {commune}").format(commune=commune),
        _("Each sheet holds one kind of record: one row per record below the header row. "
          "Columns marked * must be filled in; a note on each header says what to write."),
        _("Never write names, ID numbers, addresses or phone numbers of people: a person is "
          "only a pseudonymous code. A file with such a column is refused."),
        _("Dates: dd/mm/yyyy, e.g. 05/11/2024. Yes/no columns: “có” or “không”."),
        _("Places: decimal latitude and longitude (WGS 84, e.g. 20.1234567 and 105.5312345), "
          "or X and Y in VN-2000 with the commune's meridian ({crs}).").format(
            crs=meridian_text(ctx.commune.metric_epsg, locale)),
        _("Codes of people, venues and schools must be on their own sheet of the same file "
          "or already recorded."),
        _("A file is imported all or nothing: if anything is wrong, nothing is saved and "
          "every problem is listed. Importing the same file again changes nothing."),
    ]


def _guide_sheet(wb: Workbook, ctx: Context, types: list[RecordType], locale: str) -> None:
    _ = gettext_for(locale)
    ws = wb.create_sheet(_(GUIDE))
    for line in _guide_lines(ctx, locale):
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    heading = [_("Column"), _("Required"), _("What to write"), _("Allowed values")]
    for rt in types:
        ws.append([])
        ws.append([f"{sheet_title(rt, locale)}: {_(PURPOSES[rt.name])}"])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        ws.append(heading)
        for cell in ws[ws.max_row]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
        for f in rt.fields:
            what = "; ".join([_(KINDS[f.kind])] + ([_(f.help)] if f.help else []))
            ws.append([header_text(f, locale), _(YES) if f.required else "", what,
                       "; ".join(_allowed(f, ctx, locale))])
    for letter, width in zip("ABCD", (34, 10, 60, 80), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _texts_as_text(ws)
