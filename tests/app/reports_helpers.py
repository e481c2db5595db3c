"""Helpers of the report tests: a copy of the full demo (records included) per module, and
readers of the generated files (python-docx, openpyxl) that know nothing of how they were
written."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
from babel.numbers import format_decimal
from docx import Document


def full_demo_file(full_database: Path, folder: Path) -> Path:
    """A copy of the session's full demo (``tests.conftest.full_database``)."""
    path = folder / "full.db"
    shutil.copy(full_database, path)
    return path


def vi(value) -> str:
    """A figure as the report must print it: Vietnamese format, one decimal, "—" none."""
    if value is None or value != value:
        return "—"
    value = round(float(value), 1)
    return format_decimal(int(value) if value.is_integer() else value, locale="vi_VN")


def docx_of(content: bytes):
    return Document(io.BytesIO(content))


def docx_text(document) -> str:
    """Every paragraph of the body, the tables (nested ones too) and the headers."""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    for section in document.sections:
        for header in (section.header, section.first_page_header):
            parts += [p.text for p in header.paragraphs]
    return "\n".join(parts)


def docx_table(document, first_headers: list[str]) -> list[list[str]]:
    """The rows (header row first) of the table whose header row starts so."""
    for table in document.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if rows and rows[0][:len(first_headers)] == first_headers:
            return rows
    raise AssertionError(f"no table headed {first_headers}")


def xlsx_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def xlsx_text(book) -> str:
    return " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row
                    if c.value is not None)
