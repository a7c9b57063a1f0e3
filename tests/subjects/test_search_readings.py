"""The persons-sought search box reads a name as screening does: a spelling screening finds, the
search finds, through the record-access gate, in the service, the API and the list page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.screening.engine import ScreeningIndex, ScreenRecord, SubjectEntry
from liaison.subjects import service
from liaison.subjects.schemas import SubjectIn
from liaison.subjects.service import SubjectQuery
from tests.conftest import make_account
from tests.subjects.factories import actor, subject_payload

OFFICER = actor("officer", unit="international-cooperation")
HUNG = subject_payload(
    "Nguyễn Văn Hùng",
    names=[
        {"full_name": "Nguyễn Văn Hùng"},
        {"full_name": "Нгуен Ван Хунг", "kind": "alias"},
        {"full_name": "阮文雄", "kind": "alias"},
    ],
)
SPELLINGS_OF_HUNG = [
    "NGUYEN VAN HUNG",
    "Nguyen V. Hung",
    "NGUYEN, Van Hung",
    "Hung Nguyen Van",
    "Нгуен Ван Хунг",
    "NguyenVanHung",
    "Đại tá Nguyễn Văn Hùng",
    "Mr Nguyen Van Hung",
    "阮文雄",
    "Nguyen Hung",
    "Ng0yen Van Hung",
]


def create(units, payload, who=OFFICER) -> int:  # type: ignore[no-untyped-def]
    with units() as session:
        return service.create_subject(session, who, SubjectIn.model_validate(payload)).id


def found(units, q: str, who=OFFICER) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    with units() as session:
        subjects, total = service.search_subjects(session, who, SubjectQuery(q=q))
        return [s.primary_name for s in subjects], total


@pytest.mark.parametrize("spelling", SPELLINGS_OF_HUNG)
def test_every_spelling_of_a_vietnamese_name_finds_the_subject(sqlite_units, spelling: str) -> None:
    create(sqlite_units, HUNG)
    create(sqlite_units, subject_payload("Trần Văn Hùng"))
    assert found(sqlite_units, spelling) == (["Nguyễn Văn Hùng"], 1)


def test_a_family_name_written_first_with_a_comma_finds_the_subject(units) -> None:
    create(units, subject_payload("Trần Văn Hùng"))
    create(units, HUNG)
    assert found(units, "TRAN, Van Hung") == (["Trần Văn Hùng"], 1)
    assert found(units, "NGUYEN VAN HUNG") == (["Nguyễn Văn Hùng"], 1)


def test_a_nickname_finds_the_given_name_it_shortens(units) -> None:
    create(units, subject_payload("Aleksandr Ivanov"))
    create(units, subject_payload("Nikolai Ivanov"))
    assert found(units, "Sasha Ivanov") == (["Aleksandr Ivanov"], 1)
    assert found(units, "Kolya Ivanov") == (["Nikolai Ivanov"], 1)
    assert found(units, "Александр Иванов") == (["Aleksandr Ivanov"], 1)


@pytest.mark.parametrize("spelling", ["Moammar Qadhafi", "Muammar al-Qaddafi", "Moamar Kadhafi"])
def test_every_romanisation_of_an_arabic_name_finds_the_subject(sqlite_units, spelling: str) -> None:
    create(sqlite_units, subject_payload("Muammar Gaddafi"))
    create(sqlite_units, subject_payload("Muammar Haddad"))
    assert found(sqlite_units, spelling) == (["Muammar Gaddafi"], 1)


@pytest.mark.parametrize(
    ("stored", "spelling"), [("Vladimir Putin", "فلاديمير بوتين"), ("فلاديمير بوتين", "Vladimir Putin")]
)
def test_a_western_name_in_arabic_script_finds_the_subject_and_back(
    units, stored: str, spelling: str
) -> None:
    create(units, subject_payload(stored))
    create(units, subject_payload("Pavel Petrov"))
    assert found(units, spelling) == ([stored], 1)


def test_two_vietnamese_names_are_not_taken_for_nicknames_of_each_other(units) -> None:
    """rigour's table ties `hung` and `hong` (readings of one Chinese character): not in Vietnamese."""
    create(units, subject_payload("Nguyễn Văn Hồng"))
    assert found(units, "Nguyen Van Hung") == ([], 0)


def test_a_hidden_subject_is_not_found_and_not_counted(units) -> None:
    create(units, HUNG | {"handling_code": "H3", "owning_unit": "fugitives"})
    create(units, subject_payload("Nguyễn Văn Hùng", birth_dates=["1990-02-02"]))
    outsider = actor("officer", unit="other-unit")
    insider = actor("analyst", unit="fugitives")
    assert found(units, "Нгуен Ван Хунг", who=outsider) == (["Nguyễn Văn Hùng"], 1)
    assert found(units, "Нгуен Ван Хунг", who=insider)[1] == 2


def test_search_finds_what_screening_alerts_on(sqlite_units) -> None:
    """Both read names through `liaison.names`: each spelling that raises a hit in the screening
    index is a spelling the search box finds the subject by."""
    subjects = {
        "Nguyễn Văn Hùng": ["Nguyễn Văn Hùng", "Нгуен Ван Хунг", "阮文雄"],
        "Aleksandr Sergeyevich Pushkin": ["Aleksandr Sergeyevich Pushkin"],
        "Kassym-Jomart Tokayev": ["Kassym-Jomart Tokayev", "Қасым-Жомарт Тоқаев"],
        "Mohammed Al Rashid": ["Mohammed Al Rashid", "محمد الراشد"],
        "张晓红": ["张晓红"],
        "陳水扁": ["陳水扁"],
    }
    index = ScreeningIndex()
    for number, (primary, names) in enumerate(subjects.items(), start=1):
        payload = subject_payload(primary, names=[{"full_name": n} for n in names], birth_dates=[])
        create(sqlite_units, payload)
        index.upsert(SubjectEntry(id=number, names=tuple(names)))
    spellings = [
        "Nguyen V. Hung",
        "N. V. Hung",
        "HUNG, Nguyen Van",
        "グエン・ヴァン・フン",
        "Alexander Pushkin",
        "Sasha Pushkin",
        "Pushkin Aleksandr Sergeevich",
        "Tokay ev Kassym-Jomart",
        "Qasym-Jomart Toqaev",
        "Kasym Zhomart Tokaev",
        "Muhammad al-Rashid",
        "Mohammed Al Rashidd",
        "Чжан Сяохун",  # Palladius Cyrillic
        "Tân Chúi-píⁿ",  # Taiwanese Hokkien
    ]
    alerted = {s: [h.subject_id for h in index.screen(ScreenRecord("r", s))] for s in spellings}
    names = list(subjects)
    for spelling, subject_ids in alerted.items():
        shown = found(sqlite_units, spelling)[0]
        for subject_id in subject_ids:
            assert names[subject_id - 1] in shown, (spelling, shown)
    assert sum(bool(ids) for ids in alerted.values()) >= 10  # (not a test of screening's recall)


def test_the_api_and_the_list_page_search_the_same_way(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    client.post("/api/v1/subjects", json=HUNG, headers=officer.headers)
    hidden = HUNG | {"handling_code": "H3", "owning_unit": "fugitives"}
    client.post(
        "/api/v1/subjects", json=hidden, headers=make_account(engine, "officer", unit="fugitives").headers
    )
    listed = client.get("/api/v1/subjects", params={"q": "NguyenVanHung"}, headers=officer.headers).json()
    assert [s["primary_name"] for s in listed["items"]] == ["Nguyễn Văn Hùng"] and listed["total"] == 1
    page = client.get("/subjects", params={"q": "Đại tá Nguyễn V. Hùng"}, headers=officer.headers)
    assert page.status_code == 200 and "Nguyễn Văn Hùng" in page.text and "1 found" in page.text


@pytest.mark.parametrize("spelling", ["Gim Jeong-eun", "Kim Chŏng-ŭn", "Kim Jung-eun", "김정은"])
def test_every_spelling_of_a_korean_name_finds_the_subject(sqlite_units, spelling: str) -> None:
    # the search box reads Korean sound keys as screening does (issue 11); like any search by
    # the first letters of a word, it may also list a Kim Jong-il, which screening ranks below
    create(sqlite_units, subject_payload("Kim Jong-un"))
    create(sqlite_units, subject_payload("Park Geun-hye"))
    assert found(sqlite_units, spelling) == (["Kim Jong-un"], 1)
