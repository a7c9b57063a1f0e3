"""Cutting a run-together word into the syllables of a syllabary, as readers of a script do.

Chinese names in Palladius Cyrillic (`Сицзиньпин`) and Korean names in Latin (`Jeongeun`) are
written without a break between syllables; a word is read back only when it cuts wholly into
syllables its system spells. One function for every syllabary, so that each reader (`pinyin`,
`korean`) differs only in its table.
"""

from __future__ import annotations

from collections.abc import Container


def syllable_cuts(word: str, syllables: Container[str], longest: int, most: int) -> list[list[str]]:
    """Every way to cut `word` into at most `most` syllables of the table (each at most `longest`
    letters), fewest syllables first; empty when the word is not wholly made of them."""
    found: list[list[str]] = []

    def walk(rest: str, taken: list[str]) -> None:
        if not rest:
            found.append(taken)
            return
        if len(taken) == most:
            return
        for size in range(min(longest, len(rest)), 0, -1):
            if rest[:size] in syllables:
                walk(rest[size:], [*taken, rest[:size]])

    walk(word, [])
    return sorted(found, key=len)
