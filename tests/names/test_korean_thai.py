"""Korean names in every Latin spelling their bearers use, and Thai names by sound and letter by
letter (issue 11, item 8), as a reviewer reads them: the subject is found, alerting, from the
record, above the other persons of similar names."""

from __future__ import annotations

import pytest

from liaison.names.korean import hangul_key, korean_readings
from liaison.names.variants import readings
from liaison.screening.engine import DEFAULT_THRESHOLD
from tests.screening.factories import index_of, record, subject

KIM_FAMILY = (  # the persons a record of Kim Jong-un must not be taken for
    subject(2, "Kim Jong-il", born="1960-01-02"),
    subject(3, "Kim Yo-jong", born="1960-01-02"),
    subject(4, "Kim Jong-nam", born="1960-01-02"),
)


def found(stored: str, screened: str, *others: object) -> list[int]:
    index = index_of(subject(1, stored, born="1960-01-02"), *others)  # type: ignore[arg-type]
    return [hit.subject_id for hit in index.screen(record(screened)) if hit.score >= DEFAULT_THRESHOLD]


@pytest.mark.parametrize(
    ("stored", "screened"),
    [
        ("Kim Jong-un", "Gim Jeong-eun"),  # Revised Romanisation against the spelling people use
        ("Gim Jeong-eun", "Kim Jong-un"),
        ("Kim Jong-un", "Kim Chŏng-ŭn"),  # McCune–Reischauer with its breves
        ("Kim Jong-un", "Kim Chongun"),  # and without them
        ("Kim Jong-un", "Kim Jung-eun"),  # DramaWiki's spelling
        ("Kim Jong-un", "Kim Jong Un"),  # the given name's syllables written apart
        ("김정은", "Kim Jong-un"),
        ("김정은", "Gim Jeong-eun"),
        ("박근혜", "Park Geun-hye"),  # 박 is Park, Pak and Bak
        ("박근혜", "Pak Kŭn-hye"),
        ("이명박", "Lee Myung-bak"),  # 이 is Lee and Yi
        ("이명박", "Yi Myŏng-bak"),
        ("윤석열", "Yoon Suk-yeol"),
    ],
)
def test_a_korean_name_is_found_in_every_latin_spelling(stored: str, screened: str) -> None:
    assert found(stored, screened, *KIM_FAMILY) == [1]


def test_another_member_of_the_family_is_not_found() -> None:
    assert found("Kim Jong-un", "Kim Jong-il") == []
    assert found("Kim Jong-un", "Gim Yeo-jeong") == []  # Kim Yo-jong in RR


def test_the_spellings_of_one_syllable_share_its_sound_key() -> None:
    assert {korean_readings(w)[0] for w in ("Gim", "Kim")} == {hangul_key("김")} == {"kim"}
    for spelling in ("Jeongeun", "Jongun", "Jungeun", "Chongun"):
        assert hangul_key("정은") in korean_readings(spelling)
    assert hangul_key("정은") not in korean_readings("Jongil")


@pytest.mark.parametrize("word", ["Smith", "Nguyen", "John", "Peter", "Ivanov"])
def test_a_word_that_is_not_all_korean_syllables_has_no_korean_reading(word: str) -> None:
    assert korean_readings(word) == ()


def test_a_western_or_chinese_name_is_not_read_as_korean() -> None:
    # Anna and Maria are Korean syllables (안나, 마리아), but no word of the name is a family
    # name of one syllable; Wang Boyan is all Chinese syllables: neither gets Korean sound keys
    for name in ("Anna Maria", "Wang Boyan", "Chu Chun-wen", "John Smith"):
        assert not any(key.startswith("K") for r in readings(name) for t in r for key in t.keys), name
    # a Wade–Giles name that writes a Korean name's syllables (邱榮 Ch'iu Jung, 정지우 Jung Ji-woo)
    # is not taken for it: the Korean sound keys meet only each other
    assert found("Jung Ji-woo", "Ch'iu Jung") == []


THAI_DISTRACTORS = (
    subject(2, "Yingluck Shinawatra", born="1960-01-02"),
    subject(3, "Thaksin Somchai", born="1960-01-02"),
    subject(4, "ยิ่งลักษณ์ ชินวัตร", born="1960-01-02"),
)


@pytest.mark.parametrize(
    ("stored", "screened"),
    [
        ("ทักษิณ ชินวัตร", "Thaksin Shinawatra"),  # letter by letter, the silent ร kept
        ("ทักษิณ ชินวัตร", "Thaksin Chinnawat"),  # by sound (RTGS)
        ("Thaksin Shinawatra", "ทักษิณ ชินวัตร"),
        ("Thaksin Chinnawat", "ทักษิณ ชินวัตร"),
    ],
)
def test_a_thai_name_is_found_by_sound_and_letter_by_letter(stored: str, screened: str) -> None:
    assert found(stored, screened, *THAI_DISTRACTORS) == [1]


def test_a_thai_word_is_one_word_however_icu_breaks_it() -> None:
    # ICU's Thai-Latin cuts ชินวัตร in two (`chin watr`): the family name stays one word
    assert all(len(r) == 2 for r in readings("ทักษิณ ชินวัตร"))
