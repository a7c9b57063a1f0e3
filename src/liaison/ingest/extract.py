"""One report in, one extraction out: every field with the character span it came from.

The lead sentence — the first that says a meeting took place (a meeting word with a person or a
country) — gives the kind, date and place; the headline and the lead give the countries taking
part, with the officials' countries; the whole text gives agencies, crime areas, mechanisms,
agreements, programmes and commitments. `to_contract` is the JSON the command prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from liaison.ingest import agreements as agreement_rules
from liaison.ingest.commitments import CommitmentHit, find_commitments
from liaison.ingest.dates import FoundDate, find_date
from liaison.ingest.gazetteer import Gazetteer, find_countries, gazetteer, key, shadow
from liaison.ingest.parties import AgencyHit, Person, find_agencies, find_persons
from liaison.ingest.sentences import Sentence, split_sentences
from liaison.ingest.text import Report, read_report
from liaison.names.fold import fold

Span = tuple[int, int]

# Meeting words, each to an engagement kind; the earliest in the lead sentence wins, and at one
# position the longest ("phone talks" before "talks").
KIND_CUES: tuple[tuple[str, str], ...] = (
    (
        "signing_ceremony",
        (
            r"signing ceremony|witnessed the signing|signed (?:a|an|the|two|three|several) |inked (?:a|"
            r"an|the) |lễ ký"
        ),
    ),
    (
        "call",
        (
            r"(?:phone|telephone|video|online|virtual) (?:call|talks?|conversation|conference|meeting)|"
            r"phone-call|held a call|spoke by (?:phone|telephone)|điện đàm|hội đàm trực tuyến"
        ),
    ),
    ("courtesy_call", r"courtesy (?:call|visit|meeting)|paid a call on|chào xã giao|thăm xã giao"),
    (
        "training_course",
        (
            r"training course|training workshop|training programme for|training program for|opened a "
            r"training|khóa đào tạo|khoá đào tạo|lớp tập huấn|tập huấn"
        ),
    ),
    ("working_session", r"working session|working meeting|worked with|làm việc với|buổi làm việc"),
    ("reception", r"received|receives|receiving|hosted a reception|reception|welcomed|tiếp(?! tục)|đã tiếp"),
    (
        "talks",
        (
            r"held talks|hold talks|holds talks|talks|met with|met|meets|meeting with|meeting between|"
            r"bilateral meeting|hội đàm|gặp"
        ),
    ),
    (
        "conference",
        (
            r"conference|annual meeting|(?:ministerial|officials'?|chiefs'?|heads'?|leaders'?) meeting|"
            r"summit|forum|seminar|symposium|workshop|general assembly|dialogue|meeting of|hội nghị|"
            r"hội thảo|diễn đàn"
        ),
    ),
    ("visit", r"official visit|state visit|working visit|paid a visit|visited|visits|visit|chuyến thăm|thăm"),
)
ATTENDED = re.compile(
    r"\b(?:for|attend(?:ed|s|ing)?|at|to|opened|chaired|co-chaired)\s+the\s+(?:\d+(?:st|nd|rd|th)\s+)?"
    r"(?:[A-Z][\w\-’']*\s+){0,6}(?:Meeting|Conference|Summit|Forum|General Assembly|Dialogue|Congress)\b"
)
KIND_PATTERN = re.compile("|".join(rf"(?P<{kind}>\b(?:{cue})\b)" for kind, cue in KIND_CUES), re.IGNORECASE)
_NOT_PLACE = frozenset(
    [
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "order",
        "particular",
        "addition",
        "response",
        "accordance",
        "terms",
        "charge",
        "which",
        "this",
        "that",
        "recent",
        "early",
        "late",
        "mid",
        "general",
    ]
)
PLACE = re.compile(
    r"\b(?:in|at|tại)\s+(?P<place>(?:[A-Z][\w’'\-]+|[A-ZĐ][^\s,.;:]+)(?:\s+[A-ZĐ][^\s,.;:]*){0,3})(?"
    r":,\s*(?P<country>[A-Z][\w ]+?))?(?=[\s,.;:]|$)"
)
DATELINE = re.compile(
    r"^\s*(?P<place>[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .'\-]{2,30}?|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?= \())\s*"
    r"(?:,\s*(?:[A-Z][a-z]{2,9}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,9}(?:\s+\d{4})?)\s*)?"
    r"(?:\([A-Za-z]+\))?\.?\s*[—–\-]{1,2}\s"
)
DATED_DATELINE = re.compile(
    r"^[^\n]{0,60}?\((?:[A-Z][A-Za-z]+)\)\s*(?:--|—|–|-)\s|^[A-Z][A-Z .]+,[^\n]{0,30}?(?:--|—|–|-)\s"
)
STAMP = re.compile(r"^\s*(?:date\s+)?\d{4}-\d\d-\d\d(?:\s+[A-Z][\w&]*(?:\s+(?:&\s+)?[A-Z][\w&]*)*)?\s+")
OUTLETS = frozenset(
    {
        "vna",
        "vns",
        "vov",
        "vov.vn",
        "vgp",
        "ndo",
        "afp",
        "reuters",
        "ap",
        "xinhua",
        "bernama",
        "kpl",
        "akp",
        "tass",
        "ria",
    }
)
MECHANISM = re.compile(
    (
        r"\b(?:the\s+)?(?P<ordinal>\d{1,3}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|"
        r"seventh|eighth|ninth|tenth)?\s*"
        r"(?P<name>(?:annual |ministerial-level |deputy-ministerial |ministerial |senior officials'? |"
        r"bilateral |joint |high-level )*"
        r"(?:meeting|conference|dialogue|session|general assembly|summit|consultation|working group|"
        r"committee meeting)"
        r"(?:\s+(?:on|of|between)\s+[^,.;]{3,80}?)?)(?=[,.;]|\s+(?:in|on|at|and|to|was|were|will|held|"
        r"which|during|,)\b)"
    ),
    re.IGNORECASE,
)
NAMED_MECHANISM = re.compile(
    r"\b(?:[A-Z][\w\-]+\s+){1,4}(?:Dialogue|Conference|Meeting|Forum|General Assembly)\b|"
    r"\b(?:AMMTC|SOMTC|AMMD|ASEANAPOL|ADSOM|ARF|SOMTC\+\d|AMMTC\+\d)\b"
)
ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
    )
}


@dataclass
class Field:
    """One extracted value and its evidence."""

    value: Any
    span: Span | None = None


@dataclass
class Extraction:
    skip: bool
    reason: str | None
    text: str = ""
    language: str | None = None
    date: Field = field(default_factory=lambda: Field(None))
    kind: Field = field(default_factory=lambda: Field(None))
    place: Field = field(default_factory=lambda: Field(None))
    countries: list[Field] = field(default_factory=list)
    agencies: list[AgencyHit] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    crime_areas: list[Field] = field(default_factory=list)
    mechanisms: list[Field] = field(default_factory=list)
    agreements: list[agreement_rules.AgreementHit] = field(default_factory=list)
    programmes: list[agreement_rules.ProgrammeHit] = field(default_factory=list)
    commitments: list[CommitmentHit] = field(default_factory=list)
    lead: Field = field(default_factory=lambda: Field(None))

    def to_contract(self) -> dict[str, Any]:
        """The machine-readable output of `liaison ingest --dry-run --format json`."""
        return {
            "skip": self.skip,
            "reason": self.reason,
            "date": self.date.value,
            "kind": self.kind.value,
            "place": self.place.value,
            "countries": [c.value for c in self.countries],
            "agencies": [{"name": a.name, "country": a.country} for a in self.agencies],
            "officials": [
                {"name": p.name, "title": p.title or None, "country": p.country}
                for p in self.persons
                if not p.is_mentioned
            ],
            "mentioned_persons": [{"name": p.name} for p in self.persons if p.is_mentioned],
            "crime_areas": [c.value for c in self.crime_areas],
            "mechanisms": [m.value for m in self.mechanisms],
            "agreements": [
                {"text": a.text, "kind": a.kind, "status_cue": a.status_cue, "year": a.year}
                for a in self.agreements
            ],
            "programmes": [{"text": p.text, "period": p.period} for p in self.programmes],
            "commitments": [
                {"kind": c.kind, "by": c.by, "text": c.text, "sentence": c.sentence} for c in self.commitments
            ],
        }


def skipped(reason: str, report: Report | None = None) -> Extraction:
    return Extraction(skip=True, reason=reason, text=report.text if report else "")


def extract_bytes(data: bytes, published: date | None) -> Extraction:
    """Read and extract a report given as bytes (a file, an upload, a download)."""
    report = read_report(data)
    if report.skip_reason is not None:
        return skipped(report.skip_reason, report)
    return extract_text(report.text, published, report.language or "en")


def extract_text(text: str, published: date | None, language: str = "en") -> Extraction:
    """Every field of one report's article text."""
    table = gazetteer()
    sentences = split_sentences(text)
    if not sentences:
        return skipped("no article text found")
    lead_index = find_lead(sentences, table)
    if lead_index is None:
        return Extraction(
            skip=True,
            reason="no meeting found: no sentence reports talks, a visit, a call or a conference",
            text=text,
            language=language,
        )
    lead = sentences[lead_index]
    result = Extraction(skip=False, reason=None, text=text, language=language)
    result.lead = Field(lead.text, (lead.start, lead.end))
    kind_match = first_kind(lead.text)
    if kind_match is not None:
        result.kind = Field(kind_match[0], (lead.start + kind_match[1], lead.start + kind_match[2]))
    result.date = meeting_date(sentences, lead_index, published)
    result.place = meeting_place(text, lead)
    result.persons = find_persons(sentences, table, lead_index)
    result.agencies = find_agencies(sentences, table)
    result.countries = taking_part(sentences, lead_index, result, table)
    assign_other_party(result)
    result.mechanisms = mechanisms_in(sentences, table)
    body = sentences[1:] if is_headline(sentences[0]) else sentences
    for sentence in body:
        for hit in agreement_rules.find_agreements(sentence.text, sentence.start):
            same = [h for h in result.agreements if h.kind == hit.kind]
            if any(h.status_cue == hit.status_cue for h in same):
                continue
            blank = next((h for h in same if h.status_cue is None), None)
            if blank is not None:  # the same document named again, now with what happens to it
                result.agreements[result.agreements.index(blank)] = hit
            elif hit.status_cue is not None or not same:
                result.agreements.append(hit)
        for programme in agreement_rules.find_programmes(sentence.text, sentence.start):
            if not any(fold(p.text) == fold(programme.text) for p in result.programmes):
                result.programmes.append(programme)
    result.crime_areas = crime_areas_in(text, table)
    result.commitments = find_commitments(body, result.persons, table)
    return result


def first_kind(text: str) -> tuple[str, int, int] | None:
    best: tuple[str, int, int] | None = None
    first = KIND_PATTERN.search(text)
    if first is not None:
        best = (first.lastgroup or "talks", first.start(), first.end())
    # meeting "for" or attending a named meeting or conference is that conference
    attended = ATTENDED.search(text)
    if (
        attended is not None
        and not re.search(r"sidelines", text, re.IGNORECASE)
        and (best is None or best[0] in ("talks", "visit"))
    ):
        best = ("conference", attended.start(), attended.end())
    # a call, a signing ceremony or a courtesy call anywhere in the lead names the meeting better
    for special in ("call", "signing_ceremony", "courtesy_call", "training_course"):
        specific = re.search(dict(KIND_CUES)[special], text, re.IGNORECASE)
        if specific is not None:
            return special, specific.start(), specific.end()
    return best


def find_lead(sentences: list[Sentence], table: Gazetteer) -> int | None:
    """The first sentence in the first dozen that reports a meeting between identified parties."""
    for index, sentence in enumerate(sentences[:15]):
        if KIND_PATTERN.search(sentence.text) is None:
            continue
        has_party = bool(find_countries(table, sentence.text, shadow(sentence.text))) or bool(
            re.search(
                (
                    r"\b(Minister|Secretary|Chairman|Director|Ambassador|General|President|Chief|"
                    r"Commissioner|delegation|counterpart|Chiefs|Police|Ministers|Interpol|INTERPOL|"
                    r"ASEANAPOL|UNODC|delegates|Bộ trưởng|Thứ trưởng|Đại sứ)\b"
                ),
                sentence.text,
            )
        )
        is_headline = index == 0 and len(sentence.text) < 140 and not sentence.text.endswith(".")
        if has_party and not is_headline and len(sentence.text.split()) >= 6:
            return index
    for index, sentence in enumerate(sentences[:3]):
        if KIND_PATTERN.search(sentence.text) and find_countries(table, sentence.text, shadow(sentence.text)):
            return index
    return None


def meeting_date(sentences: list[Sentence], lead_index: int, published: date | None) -> Field:
    """The date in the lead, else in the next sentences, else in the headline block, else publication."""
    order = [lead_index, *range(lead_index + 1, min(len(sentences), lead_index + 4)), *range(0, lead_index)]
    for index in order:
        sentence = sentences[index]
        if len(sentence.text) < 60 and re.search(r"\d{1,2}:\d\d", sentence.text):
            continue  # the page's own publication stamp ("February 26, 2025 - 11:13")
        stamp = STAMP.match(sentence.text)
        body, skip = sentence.text, stamp.end() if stamp else 0
        dateline = DATELINE.match(body[skip:]) or DATED_DATELINE.match(body[skip:])
        if dateline is not None:  # "VIENTIANE, March 15 (KPL) -": the day it was filed, not met
            skip += dateline.end()
        base = published
        if skip:
            # a dated dateline is the day of filing: "today" and "on Monday" count from it
            filed = find_date(body[:skip], sentence.start, published)
            if filed is not None and len(filed.value) == 10:
                base = date.fromisoformat(filed.value)
        found: FoundDate | None = find_date(body[skip:], sentence.start + skip, base)
        if found is None and skip:
            found = find_date(body[:skip], sentence.start, published)
        if found is not None:
            return Field(found.value, (found.start, found.end))
    return Field(published.isoformat() if published else None)


def meeting_place(text: str, lead: Sentence) -> Field:
    """ "in Hà Nội" in the lead, else the dateline ("HÀ NỘI —", "VIENTIANE, Aug 28 (VNA) -")."""
    candidates = sorted(
        PLACE.finditer(lead.text), key=lambda m: (not m.group().startswith(("in", "tại")), m.start())
    )
    dateline = dateline_place(text, lead)
    for match in candidates:
        if dateline.value is not None and not match.group().startswith(("in", "tại")):
            return dateline
        place = match.group("place")
        first = place.split()[0]
        if fold(first) in _NOT_PLACE or re.match(
            (
                r"^(January|February|March|April|May|June|July|August|September|October|November|"
                r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
            ),
            place,
        ):
            continue
        if re.search(r"\b(Ministry|Agency|Department|Secretariat|Police|Meeting|Conference|Office)\b", place):
            continue
        return Field(place.strip(), (lead.start + match.start("place"), lead.start + match.end("place")))
    return dateline


def dateline_place(text: str, lead: Sentence) -> Field:
    """The place a dateline names ("HÀ NỘI —", "VIENTIANE, Aug 28 (VNA) -", "Hanoi (VNA) –")."""
    for sentence_start in (lead.start, *[m.start() + 1 for m in re.finditer(r"\n", text[: lead.start + 1])]):
        match = DATELINE.match(text[sentence_start:])
        if match and fold(match.group("place")) not in OUTLETS and not match.group("place").strip().isdigit():
            place = match.group("place").strip().title()
            return Field(place, (sentence_start + match.start("place"), sentence_start + match.end("place")))
    return Field(None)


def taking_part(
    sentences: list[Sentence], lead_index: int, result: Extraction, table: Gazetteer
) -> list[Field]:
    """Countries in the headline and the lead, then those of officials and agencies taking part."""
    found: dict[str, Span] = {}
    scope = [*range(0, lead_index + 1)] if lead_index < 4 else [0, lead_index]
    place_span = result.place.span
    for index in scope:
        sentence = sentences[index]
        for start, end, code in find_countries(table, sentence.text, shadow(sentence.text)):
            span = (sentence.start + start, sentence.start + end)
            if place_span and place_span[0] <= span[0] < place_span[1] + 12:
                continue  # "in Beijing, China": the place, not a party
            found.setdefault(code, span)
    for person in result.persons:
        if not person.is_mentioned and person.country and person.sentence_index <= lead_index + 2:
            found.setdefault(person.country, (person.start, person.end))
    return [Field(code, span) for code, span in found.items()]


def assign_other_party(result: Extraction) -> None:
    """An official without a country belongs to the one country taking part that no one else
    stands for ("Home Secretary Priti Patel" in a report of the UK and Viet Nam)."""
    taking = [c.value for c in result.countries]
    participants = [p for p in result.persons if not p.is_mentioned]
    claimed = {p.country for p in participants if p.country}
    unclaimed = [c for c in taking if c not in claimed]
    missing = [p for p in participants if p.country is None and p.registry_ref is None]
    if len(unclaimed) == 1 and len(missing) == 1:
        missing[0].country = unclaimed[0]


def is_headline(sentence: Sentence) -> bool:
    """A short first line without a full stop: the headline, whose tense says nothing."""
    return len(sentence.text) < 160 and not sentence.text.rstrip().endswith((".", "!", "?"))


AGENCY_NAME_AFTER = re.compile(
    r"^[\w’' ]{0,30}?\b(Office|Agency|Administration|Department|Bureau|Police|Directorate|Unit|Force)\b"
)


def crime_areas_in(text: str, table: Gazetteer) -> list[Field]:
    """Crime areas the report names, not those only in an agency's name ("Office on Drugs and Crime")."""
    found: dict[str, Span] = {}
    for match in table.crime_pattern.finditer(shadow(text)):
        code = table.crime_terms.get(fold(match.group()))
        written = text[match.start() : match.end()]
        if written[:1].isupper() and AGENCY_NAME_AFTER.match(text[match.end() : match.end() + 40]):
            continue
        if code is not None:
            found.setdefault(code, (match.start(), match.end()))
    return [Field(code, span) for code, span in found.items()]


def mechanisms_in(sentences: list[Sentence], table: Gazetteer) -> list[Field]:
    """Named mechanisms (acronyms, "Strategic Security Dialogue") and numbered meetings."""
    found: dict[str, Field] = {}
    for sentence in sentences:
        for match in NAMED_MECHANISM.finditer(sentence.text):
            name = re.sub(r"^(The|A|An|At|During|In)\s+", "", match.group()).strip()
            ident = table.mechanisms.get(name) or table.mechanisms.get(key(name))
            label = ident.acronym or name if ident else name
            found.setdefault(
                fold(label),
                Field(
                    {"name": label, "ordinal": None},
                    (sentence.start + match.start(), sentence.start + match.end()),
                ),
            )
        for match in MECHANISM.finditer(sentence.text):
            ordinal_text = match.group("ordinal")
            if not ordinal_text and not re.match(
                r"(annual|ministerial|deputy|senior|joint|high-level)", match.group("name"), re.I
            ):
                continue
            ordinal = None
            if ordinal_text:
                ordinal = (
                    int(re.sub(r"\D", "", ordinal_text))
                    if ordinal_text[0].isdigit()
                    else ORDINALS.get(ordinal_text.casefold())
                )
            name = " ".join(match.group("name").split())
            label = f"the {ordinal_text} {name}" if ordinal_text else f"the {name}"
            found.setdefault(
                fold(name),
                Field(
                    {"name": label, "ordinal": ordinal},
                    (sentence.start + match.start(), sentence.start + match.end()),
                ),
            )
    return list(found.values())
