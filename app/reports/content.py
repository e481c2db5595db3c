"""What a report says, without a file format: a list of blocks (headings, paragraphs,
tables, images, blank sections for the officials to write) and the document's frame
(issuer, number, place and date, subject, recipients, signer). :mod:`app.reports.word`
and :mod:`app.reports.workbook` write the same content as .docx and .xlsx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from app.i18n import number
from app.settings import Settings


@dataclass
class Table:
    """A table: ``sheet`` names its Excel sheet (≤31 characters); cells are numbers
    (int/float, written as numbers), text, or None (an empty cell, "—" in Word)."""

    sheet: str
    title: str
    headers: list[str]
    rows: list[list]
    widths: list[float] | None = None  # relative widths in Word
    only: str | None = None  # "docx" or "xlsx": a table for one of the two files


@dataclass
class Block:
    kind: str  # "heading1", "heading2", "paragraph", "note", "table", "image", "blank"
    text: str = ""
    table: Table | None = None
    image: Callable[[], bytes] | None = None  # drawn only when written (not for Excel)
    width_cm: float = 15.0


@dataclass
class Letterhead:
    """The administrative frame of Nghị định 30/2020/NĐ-CP."""

    governing_body: str
    issuing_body: str
    number: str
    place: str
    date: dt.date
    document_type: str
    subject: str
    recipients: list[str]
    signer_title: str
    signer_name: str
    signer_deputy: str = ""
    archive: str = "VT"


@dataclass
class Report:
    kind: str
    period: str  # "2025-05", "2024-12..2025-05", "2025" (evaluation year)
    letterhead: Letterhead
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""  # the exports' footer: made on …, by …

    def heading1(self, text: str) -> None:
        self.blocks.append(Block("heading1", text))

    def heading2(self, text: str) -> None:
        self.blocks.append(Block("heading2", text))

    def paragraph(self, text: str) -> None:
        self.blocks.append(Block("paragraph", text))

    def note(self, text: str) -> None:
        self.blocks.append(Block("note", text))

    def blank(self, text: str) -> None:
        """A headed section left empty for the officials to write."""
        self.blocks.append(Block("blank", text))

    def add_table(self, table: Table) -> None:
        self.blocks.append(Block("table", table=table))

    def image(self, draw: Callable[[], bytes], caption: str, width_cm: float = 15.0) -> None:
        self.blocks.append(Block("image", caption, image=draw, width_cm=width_cm))

    def tables(self, fmt: str) -> list[Table]:
        """The tables of the .docx or the .xlsx."""
        return [b.table for b in self.blocks
                if b.table is not None and b.table.only in (None, fmt)]


def vi_date_line(place: str, day: dt.date) -> str:
    """"Cẩm Tân, ngày 05 tháng 6 năm 2025": days and months 1–2 (1, 2) with a leading
    zero, as Nghị định 30 writes them."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def recipients(settings: Settings, day: dt.date) -> list[str]:
    """Who receives a report dated ``day``: the district's police before the district
    level was abolished (``XKMT_DISTRICTS_ABOLISHED_ON``), the setting after it."""
    raw = (settings.report_recipients_before_abolition
           if day < settings.districts_abolished_on else settings.report_recipients)
    return [item.strip() for item in raw.split(";") if item.strip()]


def shown(value, locale: str = "vi", unit: str = "") -> str:
    """A cell as Word shows it: Vietnamese number format, "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, float):
        value = round(value, 1)
        if value.is_integer():
            value = int(value)
    if isinstance(value, int | float):
        return number(value, locale) + (" %" if unit == "percent" else "")
    return str(value)
