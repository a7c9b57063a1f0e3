"""Commitments: what a side agreed, pledged, proposed, suggested, urged or requested.

A commitment is a sentence with a commitment verb; who made it is the verb's subject — a name,
a surname, a demonym ("the Vietnamese minister"), a country, or "he"/"she" for the last speaker
named — and "both sides", "they" or "the two ministries" make it joint (`by` is null). The text is
what follows the verb; a list separated by semicolons gives one commitment per item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from liaison.ingest.gazetteer import Gazetteer, find_countries, shadow
from liaison.ingest.parties import Person
from liaison.ingest.sentences import Sentence
from liaison.names.fold import fold

VERBS: tuple[tuple[str, str], ...] = (
    (
        "agreed",
        r"agreed|agreeing|agree|concurred|consented|reached (?:a )?consensus|(?:underlined|underscored|"
        r"emphasi[sz]ed|stressed|highlighted) the need|thống nhất|nhất trí",
    ),
    (
        "pledged",
        r"pledged|pledging|pledge|vowed|vowing|vow|committed themselves|committed|commit|promised|"
        r"stands? ready|stood ready|(?:are|is|was|were) ready|"
        r"affirmed (?:his|her|its|their) (?:readiness|commitment)|cam kết|sẵn sàng",
    ),
    ("suggested", r"suggested|suggesting|suggest"),
    (
        "proposed",
        r"proposed|proposing|propose|recommended|recommend|advocated|put forward|hoped for|"
        r"hoped that|hopes that|hoped to|expressed (?:his|her|the) hope|đề xuất",
    ),
    (
        "urged",
        r"urged|urging|urge|called on|called upon|called for|calling on|calling for|call on|"
        r"encouraged|kêu gọi|đề nghị",
    ),
    ("requested", r"requested|requesting|asked|asking|sought|wishe[sd] that|wishe[sd] for|appealed|yêu cầu"),
)
VERB = re.compile("|".join(rf"(?P<{kind}>\b(?:{pattern})\b)" for kind, pattern in VERBS), re.IGNORECASE)
NOT_A_COMMITMENT = re.compile(
    r"\b(as agreed|the agreed|previously agreed|had agreed|been agreed|agreed upon by)\b", re.IGNORECASE
)
JOINT = re.compile(
    (
        r"\b(both sides|the two sides|the sides|both ministers|the two ministers|the two ministries|"
        r"both ministries|both countries|"
        r"the two countries|both parties|the parties|the two delegations|both delegations|they|the two "
        r"leaders|both leaders|hai bên|hai bộ)\b"
    ),
    re.IGNORECASE,
)
PRONOUN = re.compile(
    (
        r"\b(he|she|the minister|the official|the host|the guest|the deputy minister|his part|her part|"
        r"the general|the chief|the secretary-general|the ambassador|ông|bà)\b"
    ),
    re.IGNORECASE,
)
LEADING = re.compile(
    (
        r"^(?:\s|,|(?:that|to|the two sides|both sides|the sides|both|they|he|she|it|its|their|on|for|"
        r"with|in|would|will|should|must)\b)+"
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CommitmentHit:
    kind: str
    by: str | None
    text: str
    sentence: str
    start: int
    end: int


def find_commitments(
    sentences: list[Sentence], persons: list[Person], table: Gazetteer
) -> list[CommitmentHit]:
    """Each commitment, who made it, its text and its sentence; repeated ones once."""
    hits: list[CommitmentHit] = []
    seen: set[tuple[str, str]] = set()
    speaker: Person | None = None
    for whole in sentences:
        named = person_named(whole.text, persons)
        for sentence in clauses(whole):
            speaker = commitments_of(sentence, whole.text, persons, speaker, table, hits, seen)
        if named is not None:
            speaker = named
    return hits


CLAUSE_BREAK = re.compile(
    r",?\s+(?:while|whereas|and|but)\s+(?=(?:[A-Z][\w’'\-]+|he|she|they)\s+(?:\w+\s+)?(?:"
    + "|".join(p for _k, p in VERBS)
    + r")\b)"
)


def clauses(sentence: Sentence) -> list[Sentence]:
    """A sentence split where a second subject commits ("X urged ..., while Y pledged ...")."""
    parts: list[Sentence] = []
    start = 0
    for match in CLAUSE_BREAK.finditer(sentence.text):
        parts.append(
            Sentence(
                sentence.text[start : match.start()], sentence.start + start, sentence.start + match.start()
            )
        )
        start = match.end()
    parts.append(Sentence(sentence.text[start:], sentence.start + start, sentence.end))
    return [p for p in parts if p.text.strip()]


def commitments_of(
    sentence: Sentence,
    whole: str,
    persons: list[Person],
    speaker: Person | None,
    table: Gazetteer,
    hits: list[CommitmentHit],
    seen: set[tuple[str, str]],
) -> Person | None:
    """The commitment of one clause, added to `hits`; answers who speaks next."""
    for match in VERB.finditer(sentence.text):
        kind = match.lastgroup or "proposed"
        if NOT_A_COMMITMENT.search(sentence.text[max(0, match.start() - 15) : match.end() + 6]):
            continue
        subject = sentence.text[: match.start()]
        body, body_start = sentence.text[match.end() :], match.end()
        trailing = TRAILING_SUBJECT.search(subject)
        if trailing is not None and not body.strip(" .;"):
            # "The ministries should also continue supporting ..., he suggested."
            by, who = maker(trailing.group(1), persons, speaker, table)
            body, body_start = subject[: trailing.start()], 0
        else:
            by, who = maker(subject, persons, speaker, table)
        if who is not None:
            speaker = who
        for part, part_start in items(body):
            text = LEADING.sub("", part).strip(" ,;.")
            if len(text.split()) < 3:
                continue
            ident = (kind, fold(text)[:60])
            if ident in seen:
                continue
            seen.add(ident)
            start = sentence.start + body_start + part_start
            hits.append(CommitmentHit(kind, by, text[:300], whole, start, start + len(part)))
        break  # one verb per clause: later verbs are inside the first one's object
    return speaker


TRAILING_SUBJECT = re.compile(
    r",\s+((?:he|she|they|the [a-z]+|[A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+){0,2})(?: also)?)\s*$"
)
COORDINATED = re.compile(
    r",?\s+(?:as well as|and)\s+(?=(?:to\s+)?(?:closely\s+|further\s+|actively\s+|"
    r"jointly\s+)?(?:strengthen|share|increase|promote|"
    r"maintain|boost|continue|create|exchange|enhance|step up|coordinate|implement|build|sign|"
    r"negotiate|study|hold|"
    r"establish|expand|support|facilitate|consider|carry out|bolster|foster|research|add|set up|"
    r"launch|tighten|"
    r"speed up|protect|prevent|combat|fight|organise|organize|review|extend|deploy|train|provide|"
    r"develop|intensify)\b)"
)


def items(body: str) -> list[tuple[str, int]]:
    """The object of the verb split at semicolons, each with its offset."""
    parts: list[tuple[str, int]] = []
    position = 0
    for piece in re.split(r"(;\s*(?:and\s+)?|" + COORDINATED.pattern + ")", body):
        if piece is None:
            continue
        if piece.startswith(";") or COORDINATED.fullmatch(piece):
            position += len(piece)
            continue
        parts.append((piece, position))
        position += len(piece)
    return parts


def maker(
    subject: str, persons: list[Person], speaker: Person | None, table: Gazetteer
) -> tuple[str | None, Person | None]:
    """The country that made a commitment, and the person when one is named.

    Read from the clause nearest the verb ("..., during which he affirmed that Việt Nam" → Việt
    Nam): a pronoun is the last speaker, then a named person, "both sides" (joint), a country.
    """
    parts = re.split(r"[,;:]|\b(?:during which|that|which|while|after|when)\b", subject)
    clause = next((p for p in reversed(parts) if p.strip()), "")
    for scope in (clause, subject):
        if PRONOUN.match(scope.strip()) and speaker is not None:
            return speaker.country, speaker
        person = person_named(scope, persons)
        if person is not None:
            return person.country, person
        if JOINT.search(scope):
            return None, None
        found = find_countries(table, scope, shadow(scope))
        if found:
            return found[0][2], None
    if PRONOUN.search(subject) and speaker is not None:
        return speaker.country, speaker
    return None, None


def person_named(text: str, persons: list[Person]) -> Person | None:
    """The last person in `text` by full name or by any word of the name (a surname reference)."""
    best: tuple[int, Person] | None = None
    folded = fold(text)
    words = set(folded.split())
    for person in persons:
        if person.is_mentioned:
            continue
        name_words = fold(person.name).split()
        position = folded.rfind(fold(person.name))
        if position < 0:
            hits = [w for w in name_words if w in words and len(w) > 2]
            if not hits:
                continue
            position = max(folded.rfind(w) for w in hits)
        if best is None or position > best[0]:
            best = (position, person)
    return best[1] if best else None
