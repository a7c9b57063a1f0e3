"""Interchange formats for persons sought: each module reads a file's text into `ParsedRow`s
(one subject each, as a plain dict in the shape of `schemas.SubjectIn`) and, where it can, writes
subjects back. `read_text` refuses files that are not UTF-8 with a message naming what they look
like; a format refuses a file that is not that format before anything is stored."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from charset_normalizer import from_bytes

from liaison.core.errors import Invalid, Phrase
from liaison.subjects.schemas import SubjectOut

# What partners' lists that are not UTF-8 are usually written in: Cyrillic, Vietnamese, Chinese,
# Western, Thai, Japanese and Korean code pages, and UTF-16. Guessing among these only is far more
# reliable on short files than guessing among every encoding.
LIKELY_ENCODINGS = [
    "cp1251", "koi8_r", "iso8859_5", "mac_cyrillic", "cp1258", "gb18030", "big5", "cp1252", "cp874",
    "shift_jis", "euc_kr", "utf_16",
]  # fmt: skip


@dataclass
class ParsedRow:
    """One record of a file: where it was, the source's own id, and the subject or why not."""

    line: int
    source_id: str
    payload: dict[str, Any] = field(default_factory=dict)
    error: str = ""


class Reader(Protocol):
    def estimate(self, text: str) -> int | None: ...
    def read(self, text: str) -> Iterator[ParsedRow]: ...


class Writer(Protocol):
    def write(self, subjects: Iterable[SubjectOut], out: TextIO) -> int: ...


def read_text(path: Path) -> str:
    """The file as text, when it is UTF-8 (with or without BOM); otherwise a clear refusal."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise Invalid("{file}: cannot read the file: {reason}.", file=path, reason=error.strerror) from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        guess = from_bytes(raw[:200_000], cp_isolation=LIKELY_ENCODINGS).best()
        source_encoding = guess.encoding if guess else "<encoding>"
        if guess is None:
            looks = Phrase("its encoding could not be recognised")
        else:
            language = f" ({guess.language})" if guess.language != "Unknown" else ""
            looks = Phrase("it looks like {encoding}", {"encoding": f"{guess.encoding}{language}"})
        raise Invalid(
            "{file} is not UTF-8 text (first bad byte on line {line}); {looks}. "
            "Save it as UTF-8 (e.g. `iconv -f {source_encoding} -t utf-8`) and import it again.",
            file=path.name,
            line=line,
            looks=looks,
            source_encoding=source_encoding,
            encoding=guess.encoding if guess else None,
        ) from error


def not_this_format(path_or_name: str, expected: str, found: str) -> Invalid:
    return Invalid(
        "{file} does not look like {expected}: {found}.", file=path_or_name, expected=expected, found=found
    )
