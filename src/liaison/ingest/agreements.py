"""Agreements and programmes a report refers to, with a kind, a status cue and a year or period.

An agreement is a document noun (agreement, treaty, memorandum of understanding, MoU, protocol)
— not "reached agreement on", which is consensus. One phrase may name several ("the agreements
on extradition, and the transfer of sentenced persons"): each subject named becomes one
agreement. The status cue is the first verb of its life the sentence puts on it: to negotiate,
to sign, to amend, to implement (proposed), or signed, in force (a fact).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOCUMENT = re.compile(
    r"\b(memorand(?:um|a) of understanding|MoUs?|MOUs?|agreements?|treaty|treaties|protocols?|accords?|"
    r"conventions?|hiệp định|bản ghi nhớ|thỏa thuận|thoả thuận)\b",
    re.IGNORECASE,
)
NOT_A_DOCUMENT = re.compile(
    (
        r"(reached|reach|reaching|in|of|high-level|common|broad|full)\s+(an\s+)?agreements?\b(?!\s+(on|"
        r"between)\s+(extradition|the transfer|mutual|cooperation))"
    ),
    re.IGNORECASE,
)
SUBJECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("extradition", re.compile(r"\bextradition\b|\bdẫn độ\b", re.IGNORECASE)),
    (
        "transfer_of_sentenced_persons",
        re.compile(
            r"\btransfer of (sentenced persons|prisoners)|\bprisoner transfer|chuyển giao người",
            re.IGNORECASE,
        ),
    ),
    (
        "mutual_legal_assistance",
        re.compile(r"\bmutual legal assistance\b|\bMLA\b|tương trợ tư pháp", re.IGNORECASE),
    ),
)
CRIME_PREVENTION = re.compile(
    (
        r"\b(police cooperation|security cooperation|cooperation in combating crime|crime prevention|"
        r"preventing and combating|prevention and control|combating (transnational |cross-border "
        r")?crime|"
        r"(transnational|cross-border) crime|fight(ing)? against crime|law enforcement cooperation|"
        r"phòng, chống tội phạm|phòng chống tội phạm)"
    ),
    re.IGNORECASE,
)
MOU = re.compile(r"memorand(um|a) of understanding|\bMoUs?\b|\bMOUs?\b|bản ghi nhớ", re.IGNORECASE)
STATUS_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("to_negotiate", re.compile(r"\bnegotiat(e|ing|ion|ions)\b|đàm phán", re.IGNORECASE)),
    (
        "to_amend",
        re.compile(
            r"\b(amend(ing|ment)?|supplement(ing)?|revis(e|ing|ion)|update|updating)\b|sửa đổi", re.IGNORECASE
        ),
    ),
    (
        "to_implement",
        re.compile(
            (
                r"\b(implement(ing|ation)?|carry(ing)? out|put into practice|realis(e|ing)|realiz(e|"
                r"ing))\b|triển khai|thực hiện"
            ),
            re.IGNORECASE,
        ),
    ),
    (
        "to_sign",
        re.compile(
            (
                r"\b(to sign|sign|signing|early signing|conclude|concluding|finali[sz]e|finali[sz]ing|"
                r"ink)\b|ký kết|ký"
            ),
            re.IGNORECASE,
        ),
    ),
)
FACT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "in_force",
        re.compile(
            (
                r"\b(in force|in effect|took effect|entered into force|remains? (a |the )?(crucial |"
                r"important |key )?(legal )?(framework|basis)|effective)\b|có hiệu lực"
            ),
            re.IGNORECASE,
        ),
    ),
    ("signed", re.compile(r"\b(signed|inked|concluded)\b|đã ký", re.IGNORECASE)),
)
PROPOSAL = re.compile(
    (
        r"\b(propos|suggest|recommend|urg|call|agree|concur|pledg|vow|ask|request|hop|wish|look "
        r"forward|need|should|will|to)\w*"
    ),
    re.IGNORECASE,
)
BARE_REFERENCE = re.compile(
    r"(the|this|that|these|those|such|its|their)\s+(memorand(um|a)( of understanding)?|mous?|"
    r"agreements?|treaty|treaties|"
    r"protocols?|accords?|conventions?|documents?)",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|—|to|and|until)\s*((?:19|20)\d\d)\b")
PROGRAMME = re.compile(
    r"(?:[\"“]?(?:[A-Z][\w\-]*\s+){0,4}(?:Program(?:me)?|Plan|Action Plan|Roadmap)\b[\"”]?|"
    r"\b(?:programmes?|programs?|plan of action|action plan|roadmap|kế hoạch|chương trình)\b)",
)


@dataclass(frozen=True)
class AgreementHit:
    text: str
    kind: str
    status_cue: str | None
    year: int | None
    start: int
    end: int


@dataclass(frozen=True)
class ProgrammeHit:
    text: str
    period: str | None
    start: int
    end: int


def find_agreements(sentence: str, offset: int) -> list[AgreementHit]:
    """The agreements a sentence names: kind per subject, status cue, year."""
    hits: list[AgreementHit] = []
    for match in DOCUMENT.finditer(sentence):
        before = sentence[max(0, match.start() - 30) : match.end()]
        if NOT_A_DOCUMENT.search(before) and not MOU.match(match.group()):
            continue
        phrase_start = max(0, noun_phrase_start(sentence, match.start()))
        phrase_end = noun_phrase_end(sentence, match.end())
        phrase = sentence[phrase_start:phrase_end]
        if BARE_REFERENCE.fullmatch(phrase.strip()):
            continue  # "the MoU", "the agreement": a reference back to one already named
        if any(h.start <= offset + match.start() < h.end for h in hits):
            continue
        scope = phrase
        if match.group().casefold().endswith(("ments", "ties", "cols", "ords", "tions")):
            # a plural lists its subjects up to the next document noun: "the agreements on
            # extradition, and the transfer of sentenced persons"
            following = DOCUMENT.search(sentence, match.end())
            scope = sentence[match.start() : following.start() if following else match.end() + 120]
        kinds = [kind for kind, pattern in SUBJECTS if pattern.search(scope)]
        if not kinds:  # "Hiệp định dẫn độ", "extradition treaty": the subject right beside the noun
            beside = sentence[max(0, match.start() - 30) : match.end() + 25]
            kinds = [kind for kind, pattern in SUBJECTS if pattern.search(beside)]
        if not kinds:
            if MOU.search(phrase):
                kinds = ["memorandum_of_understanding"]
            elif CRIME_PREVENTION.search(phrase) or re.search(
                r"cooperation agreement|agreement on cooperation", phrase, re.I
            ):
                kinds = ["crime_prevention"]
            else:
                kinds = ["other"]
        cue = status_cue(sentence, match.start())
        years = YEAR.findall(sentence[max(0, phrase_start - 40) : phrase_end + 20])
        year = int(years[0]) if years else None
        for kind in kinds:
            hits.append(
                AgreementHit(phrase.strip(), kind, cue, year, offset + phrase_start, offset + phrase_end)
            )
    return hits


def noun_phrase_start(sentence: str, position: int) -> int:
    """Back to the start of the noun phrase: over adjectives, a year, a possessive, not over verbs."""
    words = list(re.finditer(r"[\w’'\-]+", sentence[:position]))
    start = position
    for word in reversed(words[-5:]):
        text = word.group().casefold()
        if (
            text
            in (
                "the",
                "a",
                "an",
                "their",
                "its",
                "this",
                "these",
                "existing",
                "bilateral",
                "cooperation",
                "new",
                "two",
                "both",
            )
            or YEAR.fullmatch(text)
            or text.endswith(("’s", "'s"))
        ):
            start = word.start()
            continue
        break
    return start


def noun_phrase_end(sentence: str, position: int) -> int:
    """Forward over "on/between/of ..." complements up to a verb, a clause mark or 160 characters."""
    rest = sentence[position : position + 160]
    match = re.match(
        (
            r"(\s*\(?[\w.]*\)?)?(\s+(on|between|of|in|for|to|with|concerning|"
            r"regarding)\s+[^;:.]*?)?(?=\s+(remains?|is|was|were|are|has|have|will|would|which|that|to "
            r"provide|so as|in order|providing|contributing|signed in|during|at the|helping)\b|"
            r"\s+and\s+\w+ed\b|[;:.]|$|,\s+(and|which|as|contributing|helping|so))"
        ),
        rest,
    )
    if match is None:
        return position
    return position + len(match.group().rstrip(" ,"))


def status_cue(sentence: str, position: int) -> str | None:
    """The life-cycle verb nearest before the document noun, else a fact about it in the sentence."""
    window = sentence[max(0, position - 120) : position]
    verbs = sorted(
        (m.start(), m.end(), cue) for cue, pattern in STATUS_CUES for m in pattern.finditer(window)
    )
    if verbs:
        # the nearest verb, then back along a coordinated list ("negotiate and sign", "signing,
        # amending and supplementing"): its first verb names the next step
        index = len(verbs) - 1
        while index > 0 and re.fullmatch(
            r"\s*(,|and|or|,\s*and)\s*", window[verbs[index - 1][1] : verbs[index][0]]
        ):
            index -= 1
        start, _end, cue = verbs[index]
        if not re.search(r"\b(signed|inked)\b", window[start:], re.IGNORECASE):
            return cue
    for cue, pattern in FACT_CUES:
        if pattern.search(sentence):
            return cue
    after = sentence[position : position + 160]
    for cue, pattern in STATUS_CUES:
        if pattern.search(after) and PROPOSAL.search(sentence[:position]):
            return cue
    return None


def find_programmes(sentence: str, offset: int) -> list[ProgrammeHit]:
    """Programmes and plans with a period ("for the 2022 to 2024 period", "2025-2027")."""
    hits: list[ProgrammeHit] = []
    for match in PROGRAMME.finditer(sentence):
        tail = sentence[match.end() : match.end() + 160]
        period_match = PERIOD.search(sentence[max(0, match.start() - 20) : match.end()] + tail)
        period = f"{period_match.group(1)}-{period_match.group(2)}" if period_match else None
        named = match.group().strip(' "“”')
        if not named[:1].isupper() and period is None:
            continue  # "training programmes" without a name or period is not a plan on record
        end = noun_phrase_end(sentence, match.end())
        text = sentence[match.start() : end].strip(' "“”')
        if any(abs(h.start - (offset + match.start())) < 5 for h in hits):
            continue
        hits.append(ProgrammeHit(text, period, offset + match.start(), offset + end))
    return hits
