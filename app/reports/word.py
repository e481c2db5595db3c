"""A report as a Word document written into the template ``templates/reports/bao_cao.docx``
(its page set-up, styles and page numbers; see :mod:`app.reports.make_template`)."""

from __future__ import annotations

import io
import unicodedata
import weakref
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app.reports.content import Block, Letterhead, Report, Table, shown, vi_date_line
from app.reports.make_template import TEMPLATE

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TEXT_WIDTH_CM = 16.5  # A4 less the margins of the template (30 + 15 mm)
# per document being written (its main part), paragraph style name -> id
_STYLE_IDS: weakref.WeakKeyDictionary[object, dict[str, str | None]] = \
    weakref.WeakKeyDictionary()


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def document_bytes(report: Report, locale: str = "vi", template: Path = TEMPLATE) -> bytes:
    document = Document(str(template))
    _letterhead(document, report.letterhead)
    for block in report.blocks:
        _block(document, block, locale)
    _closing(document, report.letterhead)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraph(container, text: str, style: str, **run):
    paragraph = _styled(container.add_paragraph(), style)
    if text:
        added = paragraph.add_run(nfc(text))
        for key, value in run.items():
            setattr(added, key, value)
    return paragraph


def _styled(paragraph, name: str):
    """``paragraph`` in the paragraph style ``name`` (:func:`_style_id`)."""
    paragraph._p.style = _style_id(paragraph.part, name)
    return paragraph


def _style_id(part, name: str) -> str | None:
    """The id of the paragraph style ``name`` in the document of ``part``, looked up once
    per document: python-docx's ``paragraph.style = name`` scans every style of the
    template twice (the name, then the default style) on each assignment, most of a
    report's time."""
    ids = _STYLE_IDS.get(part)
    if ids is None:  # every paragraph style at once (the default's id is None)
        styles = part.styles
        default = styles.default(WD_STYLE_TYPE.PARAGRAPH)
        ids = _STYLE_IDS[part] = {
            style.name: None if style == default else style.style_id
            for style in styles if style.type == WD_STYLE_TYPE.PARAGRAPH}
    if name not in ids:  # python-docx's own message for a style not there
        ids[name] = part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
    return ids[name]


def _rule(container, width_cm: float, after: float = 0) -> None:
    """A short horizontal line under a heading (a bottom border on an empty, narrow
    paragraph), as Nghị định 30 draws under the issuing body, the motto, the subject."""
    paragraph = _styled(container.add_paragraph(), "Xkmt Rule")
    cell_width = TEXT_WIDTH_CM if container.__class__.__name__ == "Document" else \
        container.width.cm
    side = max((cell_width - width_cm) / 2, 0)
    paragraph.paragraph_format.left_indent = Cm(side)
    paragraph.paragraph_format.right_indent = Cm(side)
    paragraph.paragraph_format.space_after = Pt(after)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


# A table's properties (w:tblPr) in the order of the schema (ECMA-376, CT_TblPr): Word
# refuses a file whose properties are out of it.
TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
               "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _put_property(table, element) -> None:
    """``element`` into the table's properties, in its place in :data:`TBLPR_ORDER`."""
    properties = table._tbl.tblPr
    later = TBLPR_ORDER[TBLPR_ORDER.index(element.tag.rsplit("}", 1)[1]) + 1:]
    follower = next((c for c in properties if c.tag.rsplit("}", 1)[1] in later), None)
    if follower is None:
        properties.append(element)
    else:
        follower.addprevious(element)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _put_property(table, borders)


def _letterhead(document, head: Letterhead) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _set_widths(table, [6.5, 10.0])
    left, right = table.rows[0].cells
    _styled(left.paragraphs[0], "Xkmt Governing Body")
    left.paragraphs[0].add_run(nfc(head.governing_body.upper()))
    _paragraph(left, head.issuing_body.upper(), "Xkmt Issuing Body")
    _rule(left, 2.5)
    _paragraph(left, f"Số:       /{head.number}", "Xkmt Number")
    _styled(right.paragraphs[0], "Xkmt National Name")
    right.paragraphs[0].add_run(NATIONAL_NAME)
    _paragraph(right, MOTTO, "Xkmt Motto")
    _rule(right, 5.8)
    _paragraph(right, vi_date_line(head.place, head.date), "Xkmt Place Date")
    _styled(document.add_paragraph(), "Xkmt Rule")
    _paragraph(document, head.document_type.upper(), "Xkmt Document Type")
    _paragraph(document, head.subject, "Xkmt Subject")
    _rule(document, 3.0, after=12)


def _block(document, block: Block, locale: str) -> None:
    if block.kind == "heading1":
        _paragraph(document, block.text, "Xkmt Heading 1")
    elif block.kind == "heading2":
        _paragraph(document, block.text, "Xkmt Heading 2")
    elif block.kind == "paragraph":
        _paragraph(document, block.text, "Xkmt Body")
    elif block.kind == "note":
        _paragraph(document, block.text, "Xkmt Note")
    elif block.kind == "blank":  # a headed section for the officials to write
        _paragraph(document, block.text, "Xkmt Heading 2")
        _paragraph(document, "", "Xkmt Body")
    elif block.kind == "table" and block.table.only in (None, "docx"):
        _table(document, block.table, locale)
    elif block.kind == "image":
        paragraph = _styled(document.add_paragraph(), "Xkmt Figure")
        paragraph.add_run().add_picture(io.BytesIO(block.image()), width=Cm(block.width_cm))
        _paragraph(document, block.text, "Xkmt Note").alignment = 1


def _table(document, table: Table, locale: str) -> None:
    """The table, its rows made at once and filled through their XML (python-docx's
    ``add_row`` and ``row.cells`` walk the whole grid for each row)."""
    _paragraph(document, table.title, "Xkmt Table Title")
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.headers))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, *rows = grid._tbl.tr_lst
    _repeat_header(header)
    styles = {name: _style_id(document.part, name)
              for name in ("Xkmt Table Header", "Xkmt Table Number", "Xkmt Table Text")}
    for cell, text in zip(header.tc_lst, table.headers, strict=True):
        _cell_text(cell, styles["Xkmt Table Header"], nfc(text))
    for tr, row in zip(rows, table.rows, strict=True):
        for cell, value in zip(tr.tc_lst, row, strict=True):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            _cell_text(cell, styles["Xkmt Table Number" if number else "Xkmt Table Text"],
                       nfc(shown(value, locale)))
    _widths(grid, table, locale)
    _styled(document.add_paragraph(), "Xkmt Rule").paragraph_format.space_after = Pt(6)


def _cell_text(cell, style_id: str | None, text: str) -> None:
    """One run of ``text`` in the first paragraph of the cell (``w:tc``), in the style."""
    paragraph = cell.p_lst[0]
    paragraph.style = style_id
    paragraph.add_r().text = text


def _repeat_header(row) -> None:
    properties = row.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _widths(grid, table: Table, locale: str) -> None:
    widths, margin = column_widths(table, locale=locale)
    _set_widths(grid, widths)
    if margin != CELL_MARGIN_CM:
        _cell_margins(grid, margin)


CELL_MARGIN_CM = 0.19  # each side of a cell, as in the template's "Table Grid" (108 twips)
NARROW_MARGIN_CM = 0.08
TABLE_PT = 11  # the size of the table styles (make_template: "Xkmt Table …")


WIDE = frozenset("MWmw%")  # about 1 em


def word_cm(word: str, pt: float = TABLE_PT, bold: bool = True) -> float:
    """About how wide ``word`` prints (cm), on the wide side: the template asks for Times
    New Roman, which LibreOffice replaces where it is missing, by Noto Serif on Debian
    (wider: "không" 1.22 cm in bold at 11 pt against about 1.0 cm in Times). Per letter,
    as measured in Noto Serif Bold: M, W, m, w and % 1 em, ư and ơ 0.78 em, other capitals
    0.75 em, the rest 0.62 em; 6 % less in regular, and 5 % more for safety.

    >>> [round(word_cm(w), 2) for w in ("Thôn", "không", "Mức")]
    [1.06, 1.26, 0.98]
    """
    em = 0.0
    for char in word:
        decomposed = unicodedata.normalize("NFD", char)
        if char in WIDE:
            em += 1.0
        elif "\u031b" in decomposed:  # the horn of ư and ơ, whatever their tone mark
            em += 0.78
        elif decomposed[:1].isupper():
            em += 0.75
        else:
            em += 0.62
    return em * (1.0 if bold else 0.94) * 1.05 * pt * 2.54 / 72


def column_widths(table: Table, width_cm: float = TEXT_WIDTH_CM, locale: str = "vi",
                  ) -> tuple[list[float], float]:
    """Each column's width (cm) and the cells' side margin: the table's relative
    ``widths`` over the page, each column at least as wide as its longest word (a header
    in bold, or a cell as it is shown), so that no word is broken across lines, the room
    taken from the wider columns. Where the words cannot all fit with the usual margins,
    narrower margins; where not even then, the relative widths as they are.

    >>> from app.reports.content import Table
    >>> table = Table("s", "t", ["Mã", "Chỉ tiêu", "Thôn không đạt"], [["P01", "x", 1]],
    ...               widths=[1, 10, 1])
    >>> widths, margin = column_widths(table, 12.0)
    >>> [round(w, 2) for w in widths], margin
    ([1.14, 9.21, 1.64], 0.19)
    """
    weights = table.widths or [1.0] * len(table.headers)
    wanted = [width_cm * w / sum(weights) for w in weights]
    longest = [max([word_cm(w) for w in str(header).split()] + [
        word_cm(w, bold=False) for row in table.rows for w in
        shown(row[i], locale).split()], default=0.0)
        for i, header in enumerate(table.headers)]
    for margin in (CELL_MARGIN_CM, NARROW_MARGIN_CM):
        least = [w + 2 * margin for w in longest]
        if sum(least) > width_cm:
            continue
        widths = [max(w, m) for w, m in zip(wanted, least, strict=True)]
        while sum(widths) > width_cm + 1e-9:  # take the excess from the columns with room
            room = [w - m for w, m in zip(widths, least, strict=True)]
            scale = min(1.0, (sum(widths) - width_cm) / sum(room))
            widths = [w - r * scale for w, r in zip(widths, room, strict=True)]
        return widths, margin
    return wanted, CELL_MARGIN_CM


def _cell_margins(grid, margin_cm: float) -> None:
    """The left and right margin of every cell of the table (``w:tblCellMar``)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(round(margin_cm / 2.54 * 1440)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _put_property(grid, margins)


def _set_widths(grid, widths_cm: list[float]) -> None:
    """Fixed column widths: Word reads the cells', LibreOffice the grid's."""
    grid.autofit = False
    for column, width in zip(grid._tbl.tblGrid.gridCol_lst, widths_cm, strict=True):
        column.w = Cm(width)
    for row in grid._tbl.tr_lst:
        for cell, width in zip(row.tc_lst, widths_cm, strict=True):
            cell.width = Cm(width)


def _closing(document, head: Letterhead) -> None:
    """"Nơi nhận" at the bottom left, the signature block at the bottom right."""
    _styled(document.add_paragraph(), "Xkmt Rule")
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _set_widths(table, [8.0, 8.5])
    left, right = table.rows[0].cells
    _styled(left.paragraphs[0], "Xkmt Recipients Title")
    left.paragraphs[0].add_run("Nơi nhận:")
    for name in head.recipients:
        _paragraph(left, f"- {name};", "Xkmt Recipient")
    _paragraph(left, f"- Lưu: {head.archive}.", "Xkmt Recipient")
    first = right.paragraphs[0]
    _styled(first, "Xkmt Signer Title")
    if head.signer_deputy:
        first.add_run(nfc(head.signer_deputy.upper()))
        _paragraph(right, head.signer_title.upper(), "Xkmt Signer Title")
    else:
        first.add_run(nfc(head.signer_title.upper()))
    for _i in range(4):  # room for the signature and the seal
        _paragraph(right, "", "Xkmt Signer Name")
    _paragraph(right, head.signer_name, "Xkmt Signer Name")
