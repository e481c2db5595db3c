"""A report's Excel companion: one sheet per table (title in row 1, Vietnamese headers in
row 2, both frozen), numbers as numbers, column widths set, and the exports' header and
footer (:func:`app.records.excel.export_workbook`)."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from app.records.excel import HEADER_FILL, as_text, looks_like_formula
from app.reports.content import Report, Table

FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _escape(value: str) -> str:
    """Header and footer text: "&" starts a code there."""
    return value.replace("&", "&&")


def sheet_name(title: str, taken: set[str]) -> str:
    base = FORBIDDEN.sub("-", title)[:31]
    name, number = base, 2
    while name in taken:
        name = f"{base[:28]} {number}"
        number += 1
    taken.add(name)
    return name


def workbook_bytes(report: Report, tables: list[Table], _: Callable[[str], str], *,
                   commune: str, actor: str, now: dt.datetime) -> bytes:
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        ws = book.create_sheet(sheet_name(table.sheet, taken))
        ws.append([_nfc(table.title)])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append([_nfc(h) for h in table.headers])
        for cell in ws[2]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            ws.append([_nfc(v) if isinstance(v, str) else v for v in row])
            for cell in ws[ws.max_row]:
                if looks_like_formula(cell.value):  # "- Thôn 1": text, never a formula
                    as_text(cell)
        ws.freeze_panes = "A3"
        _widths(ws, table)
        ws.oddHeader.center.text = _escape(_("For internal circulation only"))
        ws.oddHeader.right.text = _escape(commune)
        ws.oddFooter.left.text = _escape(_("Exported on {time} by {actor}").format(
            time=now.strftime("%d/%m/%Y %H:%M"), actor=actor))
        ws.oddFooter.right.text = "&P/&N"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _widths(ws, table: Table) -> None:
    for index, header in enumerate(table.headers, start=1):
        longest = max([len(str(header))] + [len(str(r[index - 1])) for r in table.rows
                                            if r[index - 1] is not None])
        ws.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 10), 60)
