"""Printable documents shared by every capability: HTML laid out as PDF by WeasyPrint, and DOCX
built by python-docx from a plain structure of sections.

Why here: a briefing, a monthly report and any later export print the same way, with the same
fonts and the same rule for text. Everything a document shows is normalised to NFC first, so
Vietnamese typed with combining marks (``e`` + U+0302 + U+0301) shapes and extracts exactly like
the precomposed letters (``ế``). Fonts come from Debian packages (`fonts-noto-core` for Latin,
Vietnamese and Cyrillic, `fonts-noto-cjk` for Chinese), never from the network: the CSS names a
fallback list and Pango picks, glyph by glyph, the first font of that list that has the glyph;
the URL fetcher allows inline `data:` URLs only, so a document can never reach out.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import Environment

FONT_FAMILIES: tuple[str, ...] = (
    "Noto Sans",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "DejaVu Sans",
    "sans-serif",
)
"""The print font stack, first choice first: Noto Sans covers Latin with Vietnamese and Cyrillic
(Russian, Kazakh); Noto Sans CJK covers Chinese; DejaVu is Debian's default last resort."""

FONT_STACK = ", ".join(f'"{name}"' if " " in name else name for name in FONT_FAMILIES)

PRINT_CSS = f"""
@page {{ size: A4; margin: 18mm 16mm 20mm 16mm;
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }} }}
html {{ font-family: {FONT_STACK}; font-size: 10pt; line-height: 1.35; color: #111; }}
h1 {{ font-size: 16pt; margin: 0 0 4pt; }}
h2 {{ font-size: 12pt; margin: 12pt 0 4pt; border-bottom: 0.5pt solid #999; break-after: avoid; }}
h3 {{ font-size: 10.5pt; margin: 8pt 0 2pt; break-after: avoid; }}
table {{ border-collapse: collapse; width: 100%; margin: 2pt 0 6pt; table-layout: fixed; }}
thead th:first-child {{ width: 40%; }}
th, td {{ border: 0.5pt solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
tr {{ break-inside: avoid; }}
a {{ color: inherit; text-decoration: none; }}
.muted {{ color: #555; }}
.note {{ border-left: 2pt solid #888; padding-left: 6pt; white-space: pre-wrap; }}
nav, button, form, .no-print {{ display: none; }}
"""
"""The stylesheet every PDF gets, after the document's own. Tables use the fixed layout (the first
column 40 %, the others share the rest): WeasyPrint's automatic layout measures every cell's
minimum and maximum width first, which cost about 15 % of a briefing's layout time."""


class DocumentError(RuntimeError):
    """The layout engine could not produce the document (a bug or a missing system library)."""


def nfc(text: str) -> str:
    """The text in Unicode NFC: combining marks composed into the letters that have them."""
    return unicodedata.normalize("NFC", text)


def nfc_values(value: Any) -> Any:
    """`nfc` through strings inside mappings, lists and tuples (dates and numbers unchanged)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Mapping):
        return {key: nfc_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(nfc_values(item) for item in value)
    return value


@lru_cache
def _print_stylesheet() -> Any:
    from weasyprint import CSS

    return CSS(string=PRINT_CSS)


def render_pdf(html: str) -> bytes:
    """The HTML laid out on A4 pages as PDF, fonts embedded (subsets), text in NFC."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=nfc(html), url_fetcher=fetcher, base_url="data:,")
    pdf = document.write_pdf(stylesheets=[_print_stylesheet()])
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when given no target
        raise DocumentError("WeasyPrint produced no PDF")
    return bytes(pdf)


def render_template_pdf(environment: Environment, template: str, context: Mapping[str, Any]) -> bytes:
    """A Jinja template rendered with NFC values, then laid out as PDF."""
    return render_pdf(environment.get_template(template).render(nfc_values(dict(context))))


@dataclass
class Table:
    """A table of a DOCX section: a header row and rows of cell texts."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass
class Section:
    """One heading of a DOCX document with its paragraphs, bullet points and tables, in that order,
    then its subsections one level deeper."""

    heading: str
    paragraphs: Sequence[str] = ()
    bullets: Sequence[str] = ()
    tables: Sequence[Table] = ()
    subsections: Sequence[Section] = field(default_factory=list)


def build_docx(title: str, sections: Sequence[Section], *, subtitle: str = "") -> bytes:
    """A Word document: the title, an optional subtitle, then each section; all text in NFC and
    set in the first font of the print stack (Word falls back per glyph like the PDF does)."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT_FAMILIES[0]
    normal.font.size = Pt(10)
    document.core_properties.title = nfc(title)
    document.add_heading(nfc(title), level=0)
    if subtitle:
        document.add_paragraph(nfc(subtitle))
    for section in sections:
        _add_section(document, section, level=1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_section(document: Any, section: Section, level: int) -> None:
    document.add_heading(nfc(section.heading), level=min(level, 9))
    for paragraph in section.paragraphs:
        document.add_paragraph(nfc(paragraph))
    for bullet in section.bullets:
        document.add_paragraph(nfc(bullet), style="List Bullet")
    for table in section.tables:
        grid = document.add_table(rows=1, cols=len(table.header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
            cell.text = nfc(text)
        for row in table.rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = nfc(str(text))
    for subsection in section.subsections:
        _add_section(document, subsection, level + 1)


PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment_headers(filename: str) -> dict[str, str]:
    """Download headers for a generated document (ASCII file name, no caching of its content)."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in filename)
    return {"Content-Disposition": f'attachment; filename="{safe}"', "Cache-Control": "no-store"}
