"""Search keys from a name's readings: one definition for screening's index and the persons-sought search.

Screening reads a name into `variants.readings` (titles dropped, initials, run-together words
split, every script romanised, each word reduced to phonetic keys) and posts each word's
`search_keys` — its phonetic keys, their first and last four letters (one typo leaves one of
them) and its consonant skeleton. The persons-sought search stores the same keys per name
(`stored_keys`) in an indexed table and asks for them (`query_terms`), so that a spelling screening
finds, the search box finds:

- a word of the query finds a name holding one of its phonetic keys, or, for a word of more than
  five letters, its first or last four (`Nguyeen`), or its consonant skeleton where the script
  writes no vowels (Arabic, Thai) or the word is no Vietnamese syllable, so may be one mistyped
  (`Ng0yen`; `Hung` does not find `Hong`, two names); an initial (`V.`) finds the words it
  begins, and a word finds an initial;
- a given name finds its other forms (`Sasha`, `Aleksandr`) through the groups of
  `nicknames.name_groups`, never two Vietnamese syllables (as `nicknames.same_given_name` rules);
- words written apart find them run together and back (`Xiao Hong`, `Xiaohong`);
- a patronymic or a particle (`Serikovich`, `uly`, `bin`), which screening lets a record lack
  or write another way, is not required; every other word of one reading of the query is.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from liaison.names.fold import fold
from liaison.names.nicknames import name_groups, name_groups_of
from liaison.names.phonetic import (
    arabic_consonants,
    arabic_latin_keys,
    skeleton,
    token_key,
    written_consonants,
)
from liaison.names.variants import MIDDLE, Reading, Token, readings
from liaison.names.vietnamese_cyrillic import vietnamese_syllables

TYPO_LENGTH = 5  # a key longer than this is also found by its first or last four letters
INITIAL = "!"  # an initial's key: `!v` is held by every word beginning with v
GIVEN_NAME = "="  # a given-name group: `=:name:Q123` (Vietnamese syllables store none)
# an Arabic name as either romanisation gives it: `%kadafi` (Gaddafi, Qadhafi). The search box's
# alone: screening finds such a name by its other words, and on 30,000 subjects these keys took
# its index from 29,204 keys to 41,067 and its real-time screens from 894/s to 605/s
ARABIC_LATIN = "%"
MAX_JOINED = 5  # key pairs run together per two adjacent words
# the consonants of a word as a script without vowels writes them (`_across_scripts`): `<btn` is
# held by بوتين, `>btn` by Putin
SCRIPT_WRITTEN, LATIN_WRITTEN = "<", ">"
BRIDGE_MIN = 3  # two consonants (`hn`, `kn`) are too many short names' to bridge scripts by


@lru_cache(maxsize=200_000)
def search_keys(token: Token) -> tuple[tuple[str, float], ...]:
    """A word's search keys with the share of its weight they carry: its phonetic keys (whole; an
    initial also `!v`, which every word beginning with v holds: `word_keys`), their first and
    last four letters and consonant skeleton (half: they also find near misses)."""
    found: dict[str, float] = {}
    # a word of a script without vowels is found by its consonants as much as by a guessed
    # spelling, when it has enough of them to say much
    consonants = 1.0 if token.vowelless and len(written_consonants(token.text)) >= BRIDGE_MIN else 0.5
    for key in token.keys:
        found.setdefault(key, 1.0)
        if token.is_initial:
            found.setdefault(INITIAL + key, 1.0)  # `V.` finds every word beginning with v
        if len(key) > TYPO_LENGTH:
            found.setdefault("^" + key[:4], 0.5)
            found.setdefault("$" + key[-4:], 0.5)
        skel = skeleton(key)
        if len(skel) >= 2 or token.vowelless:
            found.setdefault("~" + skel, consonants)
    for key in asked_across_scripts(token):
        found.setdefault(key, consonants)
    return tuple(found.items())


def _across_scripts(token: Token) -> tuple[frozenset[str], frozenset[str]]:
    """The consonants a word meets a word of the other kind by (Latin, or a script writing few
    vowels): what it is stored under and what it asks for. بوتين (`bwtyn`) is stored under
    `<btn` and asks for `>btn`; Putin is stored under `>btn` (no p in Arabic) and asks for `<btn`.
    No key is both stored and asked by Latin words, so a Latin name never counts its consonants
    twice against another Latin name; and a word asks only for consonants its skeleton (`~`) does
    not already find, so a name of the other kind never counts them twice either."""
    if token.is_initial:
        return frozenset(), frozenset()
    own = {skeleton(key) for key in token.keys}
    if token.vowelless:
        written = {written_consonants(token.text)}
        stored, asked = SCRIPT_WRITTEN, LATIN_WRITTEN
    else:
        written = {arabic_consonants(key) for key in token.keys}
        stored, asked = LATIN_WRITTEN, SCRIPT_WRITTEN
    written = {consonants for consonants in written if len(consonants) >= BRIDGE_MIN}
    return (
        frozenset(stored + consonants for consonants in written),
        frozenset(asked + consonants for consonants in written - own),
    )


def asked_across_scripts(token: Token) -> frozenset[str]:
    return _across_scripts(token)[1]


def _arabic_latin(token: Token) -> frozenset[str]:
    """The word's `arabic_latin_keys`, none for a Vietnamese syllable (screening's rule:
    `scoring.token_similarity` never merges two syllables by their vowels)."""
    return frozenset() if _is_syllable(token.text) else arabic_latin_keys(token.text)


def load() -> None:
    """Load the name tables the keys are read from (romanisation, Vietnamese syllables): before a
    bulk import opens its first transaction, so no write lock waits on them. The given-name
    groups are looked up per batch (`prepare_keys`), from the shared file `nicknames` keeps."""
    readings("Nguyễn Văn An")


def _is_syllable(word: str) -> bool:
    return word in vietnamese_syllables()


@lru_cache(maxsize=100_000)
def _given_name_keys(word: str, stored: bool) -> frozenset[str]:
    """The groups of a given name as keys (`=:name:Q123`). Two Vietnamese syllables never meet
    this way (rigour ties `hung` and `hong`): a syllable stores no group keys, and asks for those
    of other words; another word asks, besides its groups, for the phonetic key of each syllable
    sharing one (`_syllables_by_group`: the syllables are few, so this costs no stored rows)."""
    groups = name_groups(word)
    if not groups:
        return frozenset()
    syllable = _is_syllable(word)
    if stored:
        return frozenset() if syllable else frozenset(f"{GIVEN_NAME}:{g}" for g in groups)
    asked = {f"{GIVEN_NAME}:{g}" for g in groups}
    if not syllable:
        asked |= {key for key, its_groups in _syllables_by_group() if not its_groups.isdisjoint(groups)}
    return frozenset(asked)


@lru_cache(maxsize=1)
def _syllables_by_group() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each Vietnamese syllable that rigour or `nicknames` gives groups, as its phonetic key."""
    groups = name_groups_of(vietnamese_syllables())
    return tuple((token_key(syllable), found) for syllable, found in sorted(groups.items()) if found)


@lru_cache(maxsize=100_000)
def _joined(left: Token, right: Token) -> frozenset[str]:
    """Two words run together, as their keys and as the key of the word they make (`chao` and
    `yong` are `chaoong`, `chaoyong` is `chaong`: the key collapses the doubled letter)."""
    pairs = [(a, b) for a in left.keys[:2] for b in right.keys[:2]]
    texts = [(left.text or left.keys[0]) + (right.text or right.keys[0])]
    return frozenset({a + b for a, b in pairs} | {token_key(text) for text in texts})


@lru_cache(maxsize=200_000)
def word_keys(token: Token) -> frozenset[str]:
    """Every key a stored word is found by: its `search_keys` and its initials, which a query's
    initial finds (`!v` for `Van`); screening's index and the search box's table post the same."""
    stored, asked = _across_scripts(token)
    return frozenset(
        {
            *(key for key, _ in search_keys(token) if key not in asked),
            *stored,
            *(INITIAL + key[0] for key in token.keys),
        }
    )


@lru_cache(maxsize=100_000)
def stored_keys(name: str) -> frozenset[str]:
    """Every key a name is found by: each word's `search_keys`, its initial, its given-name
    groups, and each two adjacent words run together."""
    keys: set[str] = set()
    for reading in readings(name):
        for position, token in enumerate(reading):
            keys |= word_keys(token) | {ARABIC_LATIN + key for key in _arabic_latin(token)}
            if token.text:
                keys |= _given_name_keys(token.text, True)
            if position + 1 < len(reading):
                keys |= set(sorted(_joined(token, reading[position + 1]))[:MAX_JOINED])
    return frozenset(keys)


def prepare_keys(names: Iterable[str]) -> None:
    """Work out the keys of a batch of names before they are stored (`stored_keys` then answers
    from memory): their words' given-name groups are looked up in one go, outside the batch's
    transaction, so that reading rigour's table for a word never seen before holds no write lock."""
    distinct = list(dict.fromkeys(names))
    name_groups_of(token.text for name in distinct for reading in readings(name) for token in reading)
    for name in distinct:
        stored_keys(name)


def _term(token: Token) -> frozenset[str]:
    """The keys any one of which finds this word of a query."""
    term: set[str] = set()
    # a word that is no Vietnamese syllable may be one mistyped (`Ng0yen`): its vowels may differ
    maybe_typo = not _is_syllable(token.text)
    for key in token.keys:
        if len(key) == 1:
            term.add(INITIAL + key)
        else:
            term.add(key[0])  # a name holding only this word's initial
        term.add(key)
        if len(key) > TYPO_LENGTH:
            term.update(("^" + key[:4], "$" + key[-4:]))
        if token.vowelless or (maybe_typo and len(skeleton(key)) >= 2):
            term.add("~" + skeleton(key))
    term |= asked_across_scripts(token)
    if token.text:
        term |= _given_name_keys(token.text, False)
        term |= {ARABIC_LATIN + key for key in _arabic_latin(token)}
    return frozenset(term)


def _required(reading: Reading) -> Reading:
    """The words a name must hold: all but patronymics and particles (all, when only those).
    A middle name is kept: the search ignores word order, and which word is the middle one
    depends on it (`Hung Nguyen Van`)."""
    kept = tuple(token for token in reading if token.weight >= MIDDLE)
    return kept or reading


def _doubled_joined(query: str) -> str:
    """A word written twice joined into one (`Lin Juan Juan`, `Lin Juanjuan`): readings drop a
    repeated word, but a Chinese given name repeats a syllable (林娟娟 is `lin juanjuan`)."""
    words: list[str] = []
    for word in query.split():
        if words and fold(word) == fold(words[-1].split("+")[-1]):
            words[-1] += "+" + word
        else:
            words.append(word)
    return " ".join(word.replace("+", "").lower() if "+" in word else word for word in words)


@lru_cache(maxsize=4096)
def query_terms(query: str) -> tuple[tuple[frozenset[str], ...], ...]:
    """What a name must hold to match the query: for one of the query's readings, a key of each of
    its terms. A reading's words are also tried with two neighbours run together (`shi li`, `shili`)."""
    found: dict[tuple[frozenset[str], ...], None] = {}
    for reading in readings(query) + readings(_doubled_joined(query)):
        required = _required(reading)
        found.setdefault(tuple(_term(token) for token in required), None)
        for position in range(len(reading) - 1):
            left, right = reading[position], reading[position + 1]
            joined = frozenset(_joined(left, right))
            rest = tuple(_term(t) for t in required if t is not left and t is not right)
            found.setdefault((joined, *rest), None)
    return tuple(terms for terms in found if terms)
