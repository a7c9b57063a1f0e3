"""Given names that are one name: short forms and nicknames (Alex / Alexander, Sasha / Aleksandr,
Bill / William, Kolya / Nikolai), and one name across scripts and spellings.

Two maintained data sets say so, neither written here: rigour's person-name table (each name
form tagged with the Wikidata items of the given names it writes, and its English nickname
groups) and the `nicknames` package's curated English name–nickname pairs. `name_groups` gives
the groups one folded word belongs to; two words sharing a group are the same given name written
differently. Looked up only for the word pairs screening compares (cached), not at indexing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from liaison.names.vietnamese_cyrillic import vietnamese_syllables

if TYPE_CHECKING:
    from nicknames import NickNamer

NICKNAME_SIMILARITY = 0.88  # what two forms of one given name count as, below an identical spelling


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=100_000)
def name_groups(word: str) -> frozenset[str]:
    """The given-name groups a folded word belongs to (empty for what neither data set knows)."""
    if len(word) < 2 or not word.isalpha():
        return frozenset()
    from rigour.names import NameTypeTag, analyze_names
    from rigour.names.symbol import Symbol

    groups = {
        f"{symbol.category.value}:{symbol.id}"
        for name in analyze_names(NameTypeTag.PER, [word])
        for symbol in name.symbols
        if symbol.category in (Symbol.Category.NAME, Symbol.Category.NICK)
    }
    namer = _nicknamer()
    canonical = namer.canonicals_of(word)
    if namer.nicknames_of(word):
        canonical = canonical | {word}
    groups.update(f"nick:{name}" for name in canonical)
    return frozenset(groups)


def load() -> None:
    """Load both data sets now (rigour's name table takes seconds): before a batch forks its
    workers, so that they share one copy instead of each loading its own in its first screen."""
    name_groups("ab")


def same_given_name(a: str, b: str) -> bool:
    """Whether two folded words are forms of one given name (`sasha`, `aleksandr`).

    Two Vietnamese syllables are never taken for one name this way: rigour's table ties `hung`
    and `hong` (one Chinese character's readings), which in Vietnamese are two names.
    """
    if a == b or name_groups(a).isdisjoint(name_groups(b)):
        return False
    syllables = vietnamese_syllables()
    return not (a in syllables and b in syllables)
