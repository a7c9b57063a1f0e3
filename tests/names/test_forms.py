"""What a name field holds besides the name (issue 11): titles, legal forms, aliases in
parentheses, digits for letters, repeated and run-together words, nicknames."""

from __future__ import annotations

import pytest

from liaison.names.fold import fold
from liaison.names.forms import clean_words, digits_as_letters, name_parts, segmentations, titles
from liaison.names.nicknames import same_given_name
from liaison.names.variants import display_reading, readings


def _name(field: str) -> str:
    words = field.split()
    return " ".join(fold(words[k]) for k in clean_words(words))


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("Mr Nguyen Van Hung", "nguyen van hung"),
        ("Dr. Ivan Petrov", "ivan petrov"),
        ("Prof. Dr Hans Müller", "hans muller"),
        ("President Kassym Jomart Tokayev", "kassym jomart tokayev"),
        ("Präsident Tokayev", "tokayev"),
        ("Shaikh Mohammed Al Hashimi", "mohammed al hashimi"),
        ("Haji Abdul Karim", "abdul karim"),
        ("Đại tá Nguyễn Văn Hùng", "nguyen van hung"),
        ("Thượng tá Trần Quốc Tuấn", "tran quoc tuan"),
        ("Trung tướng Lê Quốc Hùng", "le quoc hung"),
        ("Sen. Lt. Gen. Tô Lâm", "to lam"),
        ("Linh mục Phạm Văn An", "pham van an"),
        ("Father Peter Nguyen", "peter nguyen"),
        ("Nguyen Van Hung Co., Ltd", "nguyen van hung"),
        ("Hans Müller GmbH", "hans muller"),
        ("Nguyen Van Van Hung", "nguyen van hung"),
    ],
)
def test_titles_legal_forms_and_repeats_are_not_the_name(field: str, name: str) -> None:
    assert _name(field) == name


def test_a_title_alone_is_kept_and_a_short_last_word_is_not_taken_for_a_legal_form() -> None:
    assert _name("President") == "president"
    assert _name("Nguyen Thi Sa") == "nguyen thi sa"  # `SA` is a legal form, Sa a given name


def test_the_titles_come_from_rigour_with_the_ranks_it_lacks() -> None:
    known = titles()
    assert ("mr",) in known and ("prasident",) in known  # rigour's list
    assert ("dai", "ta") in known and ("shaikh",) in known  # titles.yaml


def test_an_alias_in_parentheses_is_a_name_of_its_own() -> None:
    assert name_parts("A Đe (Đinh Hồng Đe)") == ["A Đe", "Đinh Hồng Đe"]
    shown = {display_reading(r) for r in readings("A Đe (Đinh Hồng Đe)")}
    assert {"a de", "dinh hong de"} <= shown


def test_digits_typed_for_letters_are_read_as_letters() -> None:
    assert digits_as_letters("Ng0c 1van Ab3l") == "Ngoc ivan Abel"
    assert digits_as_letters("Unit 731") == "Unit 731"


def test_run_together_and_wrongly_split_words_are_read_both_ways() -> None:
    assert segmentations("Nguyenvanhung") == ("nguyen", "van", "hung")
    assert segmentations("Alexander") == ()
    assert "nguyen van hung" in {display_reading(r) for r in readings("NguyenVanHung")}
    assert "john smith" in {display_reading(r) for r in readings("JohnSmith")}
    assert "kassym jomart tokayev" in {display_reading(r) for r in readings("Kassym-Jomart Tokay ev")}


@pytest.mark.parametrize(
    ("short", "full"),
    [("alex", "alexander"), ("sasha", "aleksandr"), ("bill", "william"), ("kolya", "nikolai")],
)
def test_nicknames_come_from_maintained_data(short: str, full: str) -> None:
    assert same_given_name(short, full)


def test_two_vietnamese_names_one_character_writes_are_not_one_name() -> None:
    assert not same_given_name("hung", "hong")
    assert not same_given_name("alex", "petrov")


def test_katakana_and_hangul_transcriptions_of_nguyen_read_as_nguyen() -> None:
    (nguyen,) = readings("Nguyễn")
    for transcribed in ("グエン", "응우옌 반 훙"):
        keys = {key for reading in readings(transcribed) for key in reading[0].keys}
        assert nguyen[0].keys[0] in keys, transcribed


def test_a_foreign_name_in_hangul_is_read_word_by_word_not_as_one_korean_name() -> None:
    shown = {display_reading(r) for r in readings("응우옌 반 훙")}
    assert "eunguyen ban hung" in shown
