"""Make the Word template of reports, ``templates/reports/bao_cao.docx``, once.

The template carries the page set-up and the styles of Nghị định 30/2020/NĐ-CP (Phụ lục
I): A4, margins, Times New Roman, the body's indent and spacing, headings, tables, the
"Nơi nhận" and signature styles, and page numbers centred in the header from page 2. A
commune restyles it in Word (fonts, sizes, spacing) and keeps the style names; reports
are written into it. Run ``python -m app.reports.make_template`` to make it again.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "reports" / "bao_cao.docx"
FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)

# style name -> (size pt, bold, italic, alignment, first-line indent cm, space after pt)
CENTER, LEFT, JUSTIFY, RIGHT = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.RIGHT)
PARAGRAPH_STYLES = {
    "Xkmt Governing Body": (13, False, False, CENTER, 0, 0),
    "Xkmt Issuing Body": (13, True, False, CENTER, 0, 0),
    "Xkmt Number": (13, False, False, CENTER, 0, 0),
    "Xkmt National Name": (12, True, False, CENTER, 0, 0),
    "Xkmt Motto": (13, True, False, CENTER, 0, 0),
    "Xkmt Place Date": (13, False, True, CENTER, 0, 0),
    "Xkmt Rule": (2, False, False, CENTER, 0, 0),
    "Xkmt Document Type": (14, True, False, CENTER, 0, 0),
    "Xkmt Subject": (14, True, False, CENTER, 0, 0),
    "Xkmt Body": (14, False, False, JUSTIFY, 1.27, 6),
    "Xkmt Heading 1": (14, True, False, JUSTIFY, 1.27, 6),
    "Xkmt Heading 2": (14, True, False, JUSTIFY, 1.27, 6),
    "Xkmt Table Title": (13, True, False, CENTER, 0, 3),
    "Xkmt Table Text": (11, False, False, LEFT, 0, 0),
    "Xkmt Table Number": (11, False, False, RIGHT, 0, 0),
    "Xkmt Table Header": (11, True, False, CENTER, 0, 0),
    "Xkmt Note": (12, False, True, JUSTIFY, 0, 6),
    "Xkmt Figure": (12, False, False, CENTER, 0, 6),
    "Xkmt Recipients Title": (12, True, True, LEFT, 0, 0),
    "Xkmt Recipient": (11, False, False, LEFT, 0, 0),
    "Xkmt Signer Title": (13, True, False, CENTER, 0, 0),
    "Xkmt Signer Name": (13, True, False, CENTER, 0, 0),
    "Xkmt Page Number": (13, False, False, CENTER, 0, 0),
}


def _font(style, size: float, bold: bool, italic: bool) -> None:
    font = style.font
    font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
    font.color.rgb = BLACK
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):  # Vietnamese is hAnsi
        fonts.set(qn(attribute), FONT)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True  # no number on page 1
    paragraph = section.header.paragraphs[0]
    paragraph.style = document.styles["Xkmt Page Number"]
    _field(paragraph, "PAGE")


def _field(paragraph, instruction: str) -> None:
    """A Word field (``PAGE``) in a paragraph."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None),
                       (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def make(path: Path = TEMPLATE) -> Path:
    document = Document()
    _font(document.styles["Normal"], 14, False, False)
    for name, (size, bold, italic, align, indent, after) in PARAGRAPH_STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        _font(style, size, bold, italic)
        form = style.paragraph_format
        form.alignment, form.first_line_indent = align, Cm(indent) if indent else None
        form.space_before, form.space_after = Pt(0), Pt(after)
        form.line_spacing = 1.15 if name in ("Xkmt Body", "Xkmt Heading 1",
                                             "Xkmt Heading 2") else 1.0
        if name in ("Xkmt Heading 1", "Xkmt Heading 2", "Xkmt Table Title"):
            form.keep_with_next = True
    _page(document)
    body = document.element.body
    for paragraph in list(document.paragraphs):  # an empty body: reports are written in
        body.remove(paragraph._p)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


if __name__ == "__main__":
    print(make())
