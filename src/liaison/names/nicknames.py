"""Given names that are one name: short forms and nicknames (Alex / Alexander, Sasha / Aleksandr,
Bill / William, Kolya / Nikolai), and one name across scripts and spellings.

Two maintained data sets say so, neither written here: rigour's person-name table (each name
form tagged with the Wikidata items of the given names it writes, and its English nickname
groups) and the `nicknames` package's curated English name–nickname pairs. `name_groups` gives
the groups one folded word belongs to; two words sharing a group are the same given name written
differently.

Reading rigour's table builds its whole name tagger: about ten seconds of CPU, in every process
that asks. So each word's groups, once looked up, are kept in a small SQLite file in the data
folder (`<home>/cache/`, or `LIAISON_CACHE_DIR`), named for both packages' versions so that an
upgrade starts afresh, which every process reads: a list imported again, a second import of the
same names, a web worker answering a search, find their words there and never build the tagger.
`name_groups_of` looks up a whole batch of words in one query (what an import calls before each
batch's transaction); only the words no process has seen before are read from rigour. The file
is only a cache: when it cannot be opened or written the groups are read from rigour as before
(and a warning logged).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from liaison.names.pinyin import chinese_syllables
from liaison.names.vietnamese_cyrillic import vietnamese_syllables

if TYPE_CHECKING:
    from nicknames import NickNamer

log = logging.getLogger(__name__)

NICKNAME_SIMILARITY = 0.88  # what two forms of one given name count as, below an identical spelling
RULES_VERSION = 1  # raise when `_read_groups` changes what it gives: the cache file is then a new one
MAX_REMEMBERED = 200_000  # words kept in a process's memory (a search box sees unbounded words)
_SEPARATOR = "\t"

_remembered: dict[str, frozenset[str]] = {}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    from nicknames import NickNamer

    return NickNamer()


def _read_groups(word: str) -> frozenset[str]:
    """The groups of one word from both data sets (builds rigour's tagger on first use)."""
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


def _has_groups(word: str) -> bool:
    return len(word) >= 2 and word.isalpha()


class _GroupFile:
    """The words' groups every process shares: one SQLite file, one connection per process."""

    def __init__(self) -> None:
        self._connection: sqlite3.Connection | None = None
        self._failed = False
        self._pid = 0  # a connection is never used across a fork: a forked worker opens its own

    def path(self) -> Path:
        from liaison.core.settings import get_settings

        versions = f"rigour-{version('rigour')}-nicknames-{version('nicknames')}-{RULES_VERSION}"
        return get_settings().resolved_cache_dir / f"given-names-{versions}.sqlite3"

    def _open(self) -> sqlite3.Connection | None:
        if self._pid != os.getpid():
            self._connection, self._pid = None, os.getpid()
        if self._connection is None and not self._failed:
            try:
                path = self.path()
                path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS word_groups (word TEXT PRIMARY KEY, groups TEXT NOT NULL)"
                )
                connection.commit()
                self._connection = connection
            except (OSError, sqlite3.Error) as error:
                self._give_up(error)
        return self._connection

    def _give_up(self, error: Exception) -> None:
        log.warning("given-name cache not used (%s): groups are read from rigour in each process", error)
        self._failed, self._connection = True, None

    def get(self, words: list[str]) -> dict[str, frozenset[str]]:
        connection = self._open()
        found: dict[str, frozenset[str]] = {}
        if connection is None:
            return found
        try:
            for start in range(0, len(words), 500):
                chunk = words[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT word, groups FROM word_groups WHERE word IN ({marks})", chunk
                )
                for word, groups in rows:
                    found[word] = frozenset(groups.split(_SEPARATOR)) if groups else frozenset()
        except sqlite3.Error as error:
            self._give_up(error)
        return found

    def put(self, groups_of: dict[str, frozenset[str]]) -> None:
        connection = self._open()
        if connection is None or not groups_of:
            return
        rows = [(word, _SEPARATOR.join(sorted(groups))) for word, groups in groups_of.items()]
        try:
            with connection:
                connection.executemany("INSERT OR IGNORE INTO word_groups (word, groups) VALUES (?, ?)", rows)
        except sqlite3.Error as error:
            self._give_up(error)


_file = _GroupFile()


def name_groups_of(words: Iterable[str]) -> dict[str, frozenset[str]]:
    """The given-name groups of each folded word (empty for what neither data set knows), in one
    look-up of the shared file; words it lacks are read from rigour and added to it."""
    wanted = {word for word in words if _has_groups(word)}
    with _lock:
        found = {word: _remembered[word] for word in wanted if word in _remembered}
        missing = sorted(wanted - found.keys())
        if missing:
            stored = _file.get(missing)
            new = {word: _read_groups(word) for word in missing if word not in stored}
            _file.put(new)
            if len(_remembered) > MAX_REMEMBERED:
                _remembered.clear()
            _remembered.update(stored)
            _remembered.update(new)
            found.update(stored)
            found.update(new)
    return found


def name_groups(word: str) -> frozenset[str]:
    """The given-name groups a folded word belongs to (empty for what neither data set knows)."""
    if not _has_groups(word):
        return frozenset()
    known = _remembered.get(word)
    if known is not None:
        return known
    return name_groups_of([word]).get(word, frozenset())


def load() -> None:
    """Build rigour's tagger now (it takes seconds): before a batch forks its workers, so that
    they share one copy instead of each building its own at its first unknown word."""
    _read_groups("ab")


def same_given_name(a: str, b: str) -> bool:
    """Whether two folded words are forms of one given name (`sasha`, `aleksandr`).

    Two Vietnamese syllables, or two Chinese ones, are never taken for one name this way:
    rigour's table ties `hung` and `hong` (one Chinese character's readings), which in
    Vietnamese are two names, and `jian` and `gang`, two characters' pinyin.
    """
    if a == b or name_groups(a).isdisjoint(name_groups(b)):
        return False
    syllabaries = (vietnamese_syllables(), chinese_syllables())
    return not any(a in syllables and b in syllables for syllables in syllabaries)
