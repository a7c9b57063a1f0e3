"""Read a generated PDF back the way a reader's viewer would: its text, the fonts it embeds and
whether any glyph drawn is a missing one (.notdef, which a viewer shows as an empty box)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass
class FontUse:
    """One font of the document: its name, whether its program is embedded, the glyphs drawn."""

    name: str
    embedded: bool
    glyph_count: int
    used: set[int] = field(default_factory=set)

    @property
    def missing_glyphs(self) -> set[int]:
        """Glyphs drawn that the embedded font does not have (0 is .notdef itself)."""
        return {g for g in self.used if g == 0 or g >= self.glyph_count}


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _descriptor(font: DictionaryObject) -> DictionaryObject:
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


def _glyph_count(descriptor: DictionaryObject) -> int:
    for key in FONT_FILES:
        if key in descriptor:
            data = descriptor[key].get_object().get_data()
            try:
                return int(TTFont(io.BytesIO(data))["maxp"].numGlyphs)
            except Exception:  # a bare CFF program: trust its own glyph set
                return 2**16
    return 0


def fonts_used(pdf: bytes) -> dict[str, FontUse]:
    """Every font the pages draw with, keyed by base name, with the glyph ids they draw."""
    reader = PdfReader(io.BytesIO(pdf))
    found: dict[str, FontUse] = {}
    for page in reader.pages:
        resources = page["/Resources"]["/Font"]
        current: FontUse | None = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                font = resources[operands[0]].get_object()
                name = str(font["/BaseFont"])
                if name not in found:
                    descriptor = _descriptor(font)
                    embedded = any(key in descriptor for key in FONT_FILES)
                    found[name] = FontUse(name, embedded, _glyph_count(descriptor))
                current = found[name]
            elif operator in (b"Tj", b"TJ") and current is not None:
                pieces = operands[0] if operator == b"TJ" else [operands[0]]
                for piece in pieces:
                    if isinstance(piece, int | float):
                        continue
                    raw = getattr(piece, "original_bytes", None) or bytes(piece)
                    current.used.update(int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2))
    return found
