"""From the bytes of a report to its article text: size limit, decoding, HTML, boilerplate, language.

A report arrives as plain text, HTML or a saved web page, in any encoding, sometimes with the
outlet's teasers for other articles after it. Everything here answers either the text to read or
the reason it cannot be read, never an exception: the extraction contract must answer for any
input. Spans the extraction gives are offsets into `Report.text`, the cleaned text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from charset_normalizer import from_bytes

from liaison.ingest.sentences import is_abbreviation

MAX_BYTES = 5 * 1024 * 1024
"""A press report is a few kilobytes; a saved page with its scripts a few hundred. Larger is refused."""

MAX_TEXT_CHARS = 60_000
"""Article text read: ten times a long report. Past it the text is cut (what is there is extracted)."""

Language = Literal["en", "vi"]


@dataclass(frozen=True)
class Report:
    """The article text ready for extraction, or why there is none (`skip_reason`)."""

    text: str
    language: Language | None
    skip_reason: str | None = None
    encoding: str = "utf-8"


def refused(reason: str) -> Report:
    return Report(text="", language=None, skip_reason=reason)


def read_report(data: bytes) -> Report:
    """The report's article text and language, or the reason it is skipped."""
    if len(data) > MAX_BYTES:
        return refused(f"file is {len(data) / 1_048_576:.1f} MB; the limit is {MAX_BYTES // 1_048_576} MB")
    if not data.strip():
        return refused("empty report")
    decoded = decode(data)
    if decoded is None:
        return refused("not a text file (binary content or an encoding that cannot be decoded)")
    raw, encoding = decoded
    text = article_text(raw)
    if not text.strip():
        return refused("no article text found")
    language = detect_language(text)
    if language is None:
        return Report(text=text, language=None, skip_reason=f"language not read ({script_summary(text)})")
    return Report(text=text, language=language, encoding=encoding)


def decode(data: bytes) -> tuple[str, str] | None:
    """UTF-8 when it is; else line by line (mixed files), each line UTF-8 or the detected charset."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    if data.count(b"\x00") > len(data) // 100:
        return None  # UTF-16 without a BOM or binary: refuse rather than guess
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    fallback = best.encoding if best is not None else "cp1252"
    lines = []
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode(fallback, errors="replace"))
    text = "\n".join(lines)
    if not is_readable(text):
        return None
    return text, f"utf-8+{fallback}" if fallback != "utf-8" else "utf-8"


def is_readable(text: str) -> bool:
    """Mostly letters, spaces and punctuation: not control characters or replacement marks."""
    text = text[:200_000]
    if not text:
        return False
    bad = sum(1 for c in text if c == "\ufffd" or (unicodedata.category(c) == "Cc" and c not in "\n\r\t"))
    return bad / len(text) < 0.02


_HTML = re.compile(r"<\s*(html|body|p|div|article|head|script|!doctype)\b", re.IGNORECASE)


def article_text(raw: str) -> str:
    """The article's text: HTML through trafilatura, then captions and trailing teasers dropped."""
    if not is_readable(raw):
        return ""
    text = html_text(raw) if _HTML.search(raw[:5000]) else raw[: MAX_TEXT_CHARS * 2]
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u00a0", " ")
    return strip_boilerplate(unwrap(text))[:MAX_TEXT_CHARS]


def html_text(raw: str) -> str:
    """Main text of a page without navigation, scripts or comments; a tag-stripped fallback."""
    import trafilatura

    extracted = trafilatura.extract(
        raw, include_comments=False, include_tables=False, include_images=False, favor_precision=True
    )
    title = ""
    metadata = trafilatura.extract_metadata(raw)
    if metadata is not None and metadata.title:
        title = metadata.title.strip()
    if not extracted:
        body = re.sub(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>", " ", raw)
        body = re.sub(r"(?s)<!--.*?-->", " ", body)
        body = re.sub(r"(?i)<\s*(br|/p|/div|/h\d|/li)\b[^>]*>", "\n", body)
        body = re.sub(r"<[^>]+>", " ", body)
        import html

        extracted = html.unescape(body)
        extracted = "\n".join(" ".join(line.split()) for line in extracted.split("\n"))
    if title and title not in extracted[:500]:
        extracted = f"{title}\n\n{extracted}"
    return extracted


_WRAP_WIDTH = 120
"""Hard-wrapped text (e-mail, a copy from a PDF or terminal) has lines no longer than this."""

_ENDS_SENTENCE = re.compile(r"[.!?:;][\"”’)]*\s*$")


def unwrap(text: str) -> str:
    """Hard-wrapped paragraphs joined back into one line each.

    A line break ends a sentence for the extraction, so a report wrapped at 72 columns would be read
    as halves of sentences ("…met with" / "Minister …"). A line was wrapped when it does not end a
    sentence and the next line's first word would not have fitted on it. The text is taken as
    wrapped when at least half of its long lines that go on to another line were; then each
    wrapped line is joined to the next. Headlines, labels and blank lines between paragraphs stay,
    so teasers and captions are still found.
    """
    lines = text.split("\n")
    lengths = [len(line.rstrip()) for line in lines if line.strip()]
    if not lengths or max(lengths) > _WRAP_WIDTH:
        return text
    width = max(lengths)
    followed = [
        i for i in range(len(lines) - 1) if len(lines[i].rstrip()) >= 0.6 * width and lines[i + 1].strip()
    ]
    wrapped = {i for i in followed if was_wrapped(lines[i], lines[i + 1], width)}
    if not wrapped or 2 * len(wrapped) < len(followed):
        return text  # most lines end a sentence where they stop: one sentence per line, not wrapped
    credits = {i for i in followed if is_credit(lines[i + 1])}  # a caption's "VNA/VNS Photo" wrapped off
    wrapped |= credits
    joined: list[str] = []
    for i, line in enumerate(lines):
        if i - 1 in wrapped:
            before = joined[-1].rstrip()
            glue = "" if before.endswith("-") and before[-2:-1].isalpha() else " "  # "Anti-" / "Corruption"
            joined[-1] = f"{before}{glue}{line.strip()}"
        else:
            joined.append(line)
    return "\n".join(joined)


def is_credit(line: str) -> bool:
    """A photo credit or source in brackets, which belongs to the line before it."""
    stripped = line.strip()
    return stripped.startswith("(") or (len(stripped) < 40 and bool(_CAPTION.search(stripped)))


def was_wrapped(line: str, following: str, width: int) -> bool:
    """`line` goes on in `following`: no sentence ends at the break, and the next word did not fit."""
    line, following = line.rstrip(), following.strip()
    if not following:
        return False
    rank = line.endswith(".") and is_abbreviation(line, len(line) - 1)  # "Lt. Gen." does not end one
    if _ENDS_SENTENCE.search(line) and not following[0].islower() and not rank:
        return False
    return len(line) + 1 + len(following.split()[0]) > width


_TEASER_HEADERS = re.compile(
    r"^\s*(you may also like|more from (the )?author|related (articles?|news|stories|posts)|read more|"
    r"see also|other news|more news|most read|most popular|latest news|tags?:|share this|"
    r"recommended|tin liên quan|tin khác|bài liên quan|xem thêm)\b",
    re.IGNORECASE,
)
_CAPTION = re.compile(r"(\bphoto\b\s*[:)]?[^.]{0,40}$|\bphoto\)?\s*$|^\s*\(?photo\b)", re.IGNORECASE)


def strip_boilerplate(text: str) -> str:
    """Cut the text at the first teaser block and drop photo captions.

    A teaser block starts at a heading such as "You May Also Like", or at a short section label
    that already stood above the article (outlets repeat "Politics & Law" before each teaser).
    """
    lines = text.split("\n")
    labels = {line.strip() for line in lines[:6] if is_label(line)}
    kept: list[str] = []
    seen_body = False
    for line in lines:
        stripped = line.strip()
        if seen_body and (_TEASER_HEADERS.match(stripped) or (stripped in labels and is_label(stripped))):
            break
        if len(stripped) > 200:
            seen_body = True
        if stripped and len(stripped) < 200 and _CAPTION.search(stripped) and "(Source" not in stripped:
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def is_label(line: str) -> bool:
    """A section label: a few words, no sentence punctuation."""
    words = line.split()
    return 0 < len(words) <= 4 and not re.search(r"[.!?,:;\d]", line)


_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
_ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "on",
        "with",
        "for",
        "a",
        "an",
        "is",
        "was",
        "were",
        "has",
        "have",
        "that",
        "by",
        "at",
        "as",
        "from",
        "their",
        "his",
        "her",
        "said",
        "two",
        "both",
        "will",
        "this",
        "its",
        "be",
        "are",
        "which",
        "between",
    ]
)


def detect_language(text: str) -> Language | None:
    """English or Vietnamese by letters and common words; None for other languages."""
    text = text[:20_000]
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    if latin / len(letters) < 0.6:
        return None
    words = re.findall(r"\w+", text.casefold())
    if not words:
        return None
    english = sum(1 for w in words if w in _ENGLISH) / len(words)
    vietnamese = sum(1 for w in words if _VIETNAMESE.search(w)) / len(words)
    if english >= 0.08:
        return "en"
    if vietnamese >= 0.25:
        return "vi"
    return None


def script_summary(text: str) -> str:
    """The script most letters are in, to say why a report is not read."""
    counts: dict[str, int] = {}
    for c in text[:20_000]:
        if c.isalpha():
            script = unicodedata.name(c, "UNKNOWN").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "no letters"
    script = max(counts, key=lambda k: counts[k])
    if script == "LATIN":
        return "Latin script, neither English nor Vietnamese"
    return f"{script.title()} script; English and Vietnamese are read"
