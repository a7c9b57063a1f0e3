"""Sentences with their character spans, without splitting at ranks and titles ("Sen. Lt. Gen.")."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    [
        "sen",
        "lt",
        "lieut",
        "gen",
        "maj",
        "col",
        "brig",
        "cdr",
        "capt",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "pol",
        "adm",
        "no",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "dep",
        "u.s",
        "u.k",
        "inc",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "aug",
        "sept",
        "sep",
        "oct",
        "nov",
        "dec",
    ]
)
_END = re.compile(r"[.!?]+[\"”’)]*(?=\s)|\n\s*\n|\n")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Each sentence and where it stands in `text`; a line break always ends one."""
    sentences: list[Sentence] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if match.group().startswith((".", "!", "?")) and is_abbreviation(text, match.start()):
            continue
        if match.group().startswith(".") and not starts_sentence(text, end):
            continue
        add(sentences, text, start, end)
        start = end
    add(sentences, text, start, len(text))
    return sentences


def add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    offset = start + chunk.index(stripped)
    sentences.append(Sentence(stripped, offset, offset + len(stripped)))


def is_abbreviation(text: str, dot: int) -> bool:
    """The word before the dot is a rank or title abbreviation, or a single initial."""
    word = re.search(r"([\w.]+)$", text[max(0, dot - 12) : dot])
    if word is None:
        return False
    token = word.group(1).casefold().strip(".")
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def starts_sentence(text: str, position: int) -> bool:
    """What follows the full stop looks like a new sentence (capital, digit, quote or end)."""
    rest = text[position:].lstrip()
    return not rest or not rest[0].islower()
