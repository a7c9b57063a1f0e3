"""Who takes part: countries, agencies and officials, and the persons only mentioned.

Officials are found by sentence structure: a title ("Minister", "Deputy Minister", "Permanent
Secretary", "Sen. Lt. Gen.", "counterpart" ...) with its complement ("of Public Security", "of
Singapore's Ministry of Home Affairs") followed by a capitalised name; the title is kept as
written. A name already in the registry is found without a title too, and takes the registry's
country. A head of state, or anyone in a sentence recalling what leaders agreed ("reached
between"), is a mentioned person unless they are in the meeting's lead sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from liaison.ingest.gazetteer import Gazetteer, KnownAgency, find_countries, key, shadow
from liaison.ingest.sentences import Sentence
from liaison.names.fold import fold

TITLE_HEADS = frozenset(
    """minister ministers secretary-general secretary permanent chairman chairwoman chairperson chair
    president vice-president director director-general commissioner chief head ambassador governor
    counsellor inspector-general attorney-general prosecutor-general procurator procurator-general
    commander mr mrs ms madam dr sen lt lieut gen general colonel col maj major brigadier brig
    lieutenant senior police pol deputy vice undersecretary under-secretary envoy consul consul-general
    executive superintendent premier king queen prince sultan politburo justice prosecutor
    spokesperson spokesman representative coordinator adviser advisor attache attaché officer
    counterpart counterparts chief-of-staff""".replace("-", " ").split()
)
HEAD_OF_STATE = re.compile(
    r"\b(President|Prime Minister|Premier|King|Queen|Sultan|Party chief|General Secretary|Chairman "
    r"of the National Assembly|Emperor)\b"
)
MENTION_CUES = re.compile(
    r"\b(reached between|reached by|agreed upon by|agreements? between (the )?(two )?(leaders|heads)|"
    r"recall(ed|ing)|late|former|instructions? of|direction of|on behalf of|conveyed (the "
    r")?(greetings|regards))\b",
    re.IGNORECASE,
)
ORGANISATION_WORDS = frozenset(
    """ministry ministries agency department bureau office commission committee secretariat service
    directorate force forces guard police security public affairs home internal state justice
    interior national central council party assembly government people's republic federation
    kingdom union authority authorities division command academy university institute court
    procuracy administration immigration customs border coast narcotics drug control crime crimes
    investigation investigations cooperation international criminal organization organisation
    corruption anti-corruption prevention relations foreign defence defense steering general's
    the of and for on""".replace("-", " ").split()
) | {"anti corruption", "people s"}
LOWER_CONNECTORS = frozenset({"of", "the", "for", "and", "to"})
_TOKEN = re.compile(r"[^\W\d_](?:[\w’'.\-]*\w)?\.?|\S")


@dataclass
class Person:
    name: str
    title: str
    country: str | None
    start: int
    end: int
    registry_ref: str | None = None
    is_mentioned: bool = False
    sentence_index: int = 0


@dataclass
class AgencyHit:
    name: str
    country: str | None
    start: int
    end: int
    registry_ref: str | None = None
    # named only as a post someone also holds ("deputy head of the Steering Committee"): not a party
    is_post: bool = False


@dataclass
class Parties:
    persons: list[Person] = field(default_factory=list)
    agencies: list[AgencyHit] = field(default_factory=list)


def capitalised(token: str) -> bool:
    return token[:1].isupper()


def is_title_word(token: str) -> bool:
    folded = fold(token)
    return bool(folded) and (folded in TITLE_HEADS or all(part in TITLE_HEADS for part in folded.split()))


def is_name_word(token: str, table: Gazetteer) -> bool:
    """A capitalised word that can be part of a person's name."""
    if not capitalised(token) or not re.match(r"^(?:[^\W\d_][\w’'\-]*|[A-Z]\.|Jr\.|Sr\.)$", token):
        return False
    folded = fold(token)
    if (
        folded in ORGANISATION_WORDS
        or is_title_word(token)
        or (token.isalpha() and token.isupper() and len(token) > 1)
    ):
        return False
    return key(token) not in table.countries


def find_persons(sentences: list[Sentence], table: Gazetteer, lead_index: int) -> list[Person]:
    """Officials and mentioned persons, first by title patterns, then by registry names."""
    found: dict[str, Person] = {}
    for index, sentence in enumerate(sentences):
        for person in [*titled_persons(sentence, table), *appositive_persons(sentence, table)]:
            person.sentence_index = index
            remember(found, person, table)
        shadowed = shadow(sentence.text)
        for match in table.official_pattern.finditer(shadowed):
            known = table.officials.get(key(match.group()))
            if known is None:
                continue
            person = Person(
                sentence.text[match.start() : match.end()],
                "",
                known.country,
                sentence.start + match.start(),
                sentence.start + match.end(),
                known.ref,
                sentence_index=index,
            )
            remember(found, person, table)
    persons = list(found.values())
    for person in persons:
        sentence = sentences[person.sentence_index]
        in_lead = person.sentence_index == lead_index
        if (
            (MENTION_CUES.search(sentence.text) and not in_lead)
            or (HEAD_OF_STATE.search(person.title) and not in_lead and "Deputy" not in person.title)
            or (person.registry_ref and not person.title and table_head(table, person) and not in_lead)
        ):
            person.is_mentioned = True
    return persons


def table_head(table: Gazetteer, person: Person) -> bool:
    known = table.officials.get(key(person.name))
    return bool(known and known.is_head_of_state)


def remember(found: dict[str, Person], person: Person, table: Gazetteer) -> None:
    """Keep one entry per person (folded name); the first title and any country win."""
    known = table.officials.get(key(person.name))
    if known is not None:
        person.registry_ref = known.ref
        person.country = person.country or known.country
    ident = known.ref if known is not None else fold(person.name)
    for existing_key, existing in found.items():
        if existing_key == ident or same_person(existing.name, person.name):
            existing.title = existing.title or person.title
            existing.country = existing.country or person.country
            return
    found[ident] = person


def same_person(a: str, b: str) -> bool:
    """Same folded words in any order ("Kolokoltsev Vladimir" and "Vladimir Kolokoltsev")."""
    return sorted(fold(a).split()) == sorted(fold(b).split())


def titled_persons(sentence: Sentence, table: Gazetteer) -> list[Person]:
    """Title + name sequences in one sentence, with the title as written and its country.

    After a title word the run of capitalised words and connectors ("of", "the", "'s") is read;
    the name is the run's trailing words that can be a name (not an organisation word, a title or
    a country), two to five of them. "and" ends the run once a name has been read.
    """
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sentence.text)]
    persons: list[Person] = []
    i = 0
    while i < len(tokens):
        word = tokens[i][0]
        if not (is_title_word(word) and (capitalised(word) or fold(word) in ("counterpart", "minister"))):
            i += 1
            continue
        title_start = i
        while (
            title_start > 0
            and capitalised(tokens[title_start - 1][0])
            and (
                key(tokens[title_start - 1][0]) in table.countries
                or tokens[title_start - 1][0].isupper()
                or is_title_word(tokens[title_start - 1][0])
                or fold(tokens[title_start - 1][0]) in ORGANISATION_WORDS
            )
        ):
            title_start -= 1
        j = i + 1
        while j < len(tokens):
            token = tokens[j][0]
            if token == "and":
                if len(trailing_name(tokens[i + 1 : j], table)) >= 2 or not (
                    j + 1 < len(tokens) and capitalised(tokens[j + 1][0])
                ):
                    break
                j += 1
                continue
            if capitalised(token) or token in LOWER_CONNECTORS or token in ("’s", "'s", "-"):
                j += 1
                continue
            break
        run = tokens[i + 1 : j]
        name_tokens = strip_honorifics(last_name_group(run, table))
        if 2 <= len(name_tokens) <= 5:
            start, end = name_tokens[0][1], name_tokens[-1][2]
            title_text = sentence.text[tokens[title_start][1] : start].strip(" ,")
            name = sentence.text[start:end].rstrip(".")
            country = title_country(title_text, table) or vietnamese_name(name)
            persons.append(Person(name, title_text, country, sentence.start + start, sentence.start + end))
        i = max(j, i + 1)
    return persons


def last_name_group(run: list[tuple[str, int, int]], table: Gazetteer) -> list[tuple[str, int, int]]:
    """The last group of two or more name words in a run ("Hans-Georg Engelke of the Federal Ministry")."""
    groups: list[list[tuple[str, int, int]]] = [[]]
    for index, token in enumerate(run):
        inner_the = (
            token[0] == "The"
            and groups[-1]
            and index + 1 < len(run)
            and is_name_word(run[index + 1][0], table)
        )
        if is_name_word(token[0], table) or inner_the:
            groups[-1].append(token)
        elif groups[-1]:
            groups.append([])
    named = [g for g in groups if len(g) >= 2]
    return named[-1] if named else []


HONORIFICS = frozenset(
    {"tan", "sri", "datuk", "dato", "dato'", "datin", "tun", "pehin", "dr", "mr", "mrs", "ms", "h.e"}
)


def strip_honorifics(name: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    while len(name) > 2 and fold(name[0][0]) in HONORIFICS:
        name = name[1:]
    return name


def title_country(title: str, table: Gazetteer) -> str | None:
    """The country a title names, leaving out where an envoy is posted ("Ambassador to Thailand")."""
    for start, _end, code in find_countries(table, title, shadow(title)):
        if not re.search(r"\b(to|in)\s+(the\s+)?$", title[:start]):
            return code
    return None


def trailing_name(run: list[tuple[str, int, int]], table: Gazetteer) -> list[tuple[str, int, int]]:
    """The words at the end of a run that can form a person's name."""
    name: list[tuple[str, int, int]] = []
    for token in reversed(run):
        if not is_name_word(token[0], table):
            break
        name.insert(0, token)
    return name


def find_agencies(sentences: list[Sentence], table: Gazetteer) -> list[AgencyHit]:
    """Registry agencies by any of their names, then "Ministry of X"-shaped names with a country."""
    hits: list[AgencyHit] = []
    seen: set[str] = set()
    for sentence in sentences:
        shadowed = shadow(sentence.text)
        covered: list[tuple[int, int]] = []
        for match in table.agency_pattern.finditer(shadowed):
            known: KnownAgency | None = table.agencies.get(key(match.group()))
            if known is None:
                continue
            covered.append((match.start(), match.end()))
            is_post = bool(POST_HELD.search(sentence.text[: match.start()]))
            if known.ref in seen:
                for hit in hits:
                    hit.is_post = hit.is_post and (hit.registry_ref != known.ref or is_post)
                continue
            seen.add(known.ref)
            hits.append(
                AgencyHit(
                    sentence.text[match.start() : match.end()],
                    known.country,
                    sentence.start + match.start(),
                    sentence.start + match.end(),
                    known.ref,
                    is_post,
                )
            )
        for match in AGENCY_SHAPE.finditer(sentence.text):
            if any(s <= match.start() < e or s < match.end() <= e for s, e in covered):
                continue
            name = tidy_agency_name(match.group())
            found = find_countries(table, name, shadow(name))
            country = found[-1][2] if found else None
            ident = fold(name)
            if ident in seen or country is None:
                continue
            seen.add(ident)
            hits.append(
                AgencyHit(name, country, sentence.start + match.start(), sentence.start + match.end())
            )
    return hits


POST_HELD = re.compile(
    r"\b(?:deputy|vice)[\s-]+(?:head|chair(?:man|woman|person)?)\s+of\s+(?:the\s+)?$", re.IGNORECASE
)
"""A second post a person holds: the body named next is theirs, not a party to the meeting."""
_CAP = r"(?:[A-Z][\w’'\-]*|of|and|the|for|on)"
AGENCY_SHAPE = re.compile(
    r"(?:(?:[A-Z][\w\-]*(?:[’']s)?\s+){0,3})"
    r"(?:Ministry|Agency|Department|Bureau|Office|Commission|Committee|Police|Secretariat|Service|"
    r"Directorate|"
    r"Force|Guard|Authority|Procuracy|Academy|Command|Administration)"
    rf"(?:\s+{_CAP}){{0,8}}"
)


def tidy_agency_name(text: str) -> str:
    """The name without a leading article, a second agency after "and", or trailing small words."""
    name = re.split(r"\s+and\s+", text.strip())[0]
    name = re.sub(r"^(The|A|An|During|At|In|On|With|From|By)\s+", "", name)
    return re.sub(r"(\s+(of|and|the|for|on))+$", "", name).strip()


VIETNAMESE_SURNAMES = frozenset(
    [
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "luong",
        "dinh",
        "trinh",
        "truong",
        "mai",
        "cao",
        "lam",
        "doan",
        "ta",
        "ha",
        "kieu",
        "chu",
        "quach",
        "thai",
        "van",
    ]
)
_VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")


def vietnamese_name(name: str) -> str | None:
    """VN for a name written with Vietnamese letters or led by a common Vietnamese family name.

    A ministry's own officials often go unqualified in its reports ("Deputy Minister Lt. Gen.
    Nguyễn Văn Long"); other countries' officials are nearly always named with their country.
    """
    words = name.split()
    if _VIETNAMESE_LETTERS.search(name) or (len(words) >= 3 and fold(words[0]) in VIETNAMESE_SURNAMES):
        return "VN"
    return None


APPOSITIVE = re.compile(
    r"(?P<name>(?:[A-Z][\w’'\-]+\s){1,4}[A-Z][\w’'\-]+),\s+(?:the\s+)?(?P<title>(?:Deputy |Vice |"
    r"Acting |First )?"
    r"(?:Minister|Secretary|Chairman|Chairwoman|Director|Chief|Commissioner|Ambassador|Head|Inspector|Consul|"
    r"Permanent Secretary|Deputy Chief|Commander|Governor|Prosecutor|Attorney)[^,.;]{0,90})"
)
VIETNAMESE_TITLED = re.compile(
    r"(?P<title>(?:Đại tướng|Thượng tướng|Trung tướng|Thiếu tướng|Đại tá|Bộ trưởng|Thứ trưởng|Đại "
    r"sứ|Chủ tịch|"
    r"Tổng Thư ký|Giám đốc|Cục trưởng|Tổng cục trưởng|Ngài|Ông|Bà))\s+"
    r"(?P<name>(?:[A-ZĐ][^\s,.;:()]*\s+){1,4}[A-ZĐ][^\s,.;:()]*)"
)


def appositive_persons(sentence: Sentence, table: Gazetteer) -> list[Person]:
    """A name followed by its title ("Matthew Donahue, Deputy Chief of Operations of the DEA"),
    and Vietnamese title-name pairs ("Đại tướng Lương Tam Quang")."""
    persons = []
    for match in APPOSITIVE.finditer(sentence.text):
        words = match.group("name").split()
        while words and not is_name_word(words[0], table):
            words = words[1:]
        if len(words) < 2 or not all(is_name_word(w, table) for w in words):
            continue
        name = " ".join(words)
        start = sentence.start + match.start("name") + match.group("name").index(words[0])
        title = match.group("title").strip()
        country = title_country(title, table) or vietnamese_name(name)
        persons.append(Person(name, title, country, start, start + len(name)))
    for match in VIETNAMESE_TITLED.finditer(sentence.text):
        words = match.group("name").split()
        if any(fold(w) in ("bo", "cong", "an", "cuc") for w in words[:1]):
            continue
        name = " ".join(words)
        start = sentence.start + match.start("name")
        persons.append(Person(name, match.group("title"), vietnamese_name(name), start, start + len(name)))
    return persons
