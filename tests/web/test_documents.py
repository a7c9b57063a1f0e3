"""Shared document rendering: PDF text reads back in NFC with its diacritics, every script has a
glyph in an embedded font, and a DOCX reads back with its sections."""

from __future__ import annotations

import io
import shutil

import pytest
from docx import Document

from liaison.web.documents import Section, Table, build_docx, nfc, nfc_values, render_pdf
from tests.pdf_checks import fonts_used, text_of

DECOMPOSED = "Bo\u0323\u0302 Co\u0302ng an Vie\u0323\u0302t Nam"  # "Bộ Công an Việt Nam", combining marks
SCRIPTS = "Министерство внутренних дел · Қазақстан Республикасы · 中华人民共和国公安部"

pytestmark = pytest.mark.skipif(
    shutil.which("fc-list") is None, reason="fontconfig is missing: install fonts-noto-core"
)


def test_text_is_normalised_to_nfc_through_nested_values() -> None:
    assert nfc(DECOMPOSED) == "Bộ Công an Việt Nam"
    assert nfc_values({"a": [DECOMPOSED, 3], "b": (DECOMPOSED,)}) == {
        "a": ["Bộ Công an Việt Nam", 3],
        "b": ("Bộ Công an Việt Nam",),
    }


def test_pdf_text_reads_back_with_precomposed_vietnamese() -> None:
    text = text_of(render_pdf(f"<h1>{DECOMPOSED}</h1><p>Đoàn công tác Bộ Công an</p>"))
    assert "Bộ Công an Việt Nam" in text
    assert "Đoàn công tác Bộ Công an" in text


def test_every_script_is_drawn_with_embedded_fonts_and_no_missing_glyph() -> None:
    pdf = render_pdf(f"<p>{DECOMPOSED}</p><p>{SCRIPTS}</p>")
    used = fonts_used(pdf)
    assert any("CJK" in name for name in used), used.keys()
    assert all(font.embedded for font in used.values()), [f.name for f in used.values() if not f.embedded]
    assert {name: font.missing_glyphs for name, font in used.items() if font.missing_glyphs} == {}
    assert "Қазақстан" in text_of(pdf)


def test_the_glyph_check_sees_a_character_no_font_has() -> None:
    used = fonts_used(render_pdf("<p>a\U0010fffdb</p>"))  # a private-use code point: no font draws it
    assert any(font.missing_glyphs for font in used.values())


def test_a_document_fetches_nothing_from_outside() -> None:
    pdf = render_pdf(
        '<p>ok</p><img src="http://192.0.2.1/x.png"><link rel="stylesheet" href="file:///etc/passwd">'
    )
    assert "ok" in text_of(pdf)


def test_docx_reads_back_with_headings_bullets_and_tables() -> None:
    data = build_docx(
        "Briefing",
        [
            Section(
                "Requests",
                paragraphs=[DECOMPOSED],
                bullets=["3 overdue"],
                tables=[Table(["kind", "open"], [["extradition", "2"]])],
                subsections=[Section("Overdue", bullets=["MLA 12"])],
            )
        ],
        subtitle="Moscow, 9 Dec 2026",
    )
    document = Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", "Briefing") in paragraphs
    assert ("Heading 1", "Requests") in paragraphs
    assert ("Heading 2", "Overdue") in paragraphs
    assert ("Normal", "Bộ Công an Việt Nam") in paragraphs
    assert ("List Bullet", "3 overdue") in paragraphs
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [
        ["kind", "open"],
        ["extradition", "2"],
    ]
