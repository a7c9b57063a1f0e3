"""Readings of names across scripts, and the phonetic keys that make romanisations meet."""

from __future__ import annotations

import pytest

from liaison.names.phonetic import skeleton, token_key
from liaison.names.pinyin import chinese_readings
from liaison.names.variants import MIDDLE, PARTICLE, PATRONYMIC, display_reading, readings, wade_giles
from liaison.names.vietnamese_cyrillic import to_cyrillic, vietnamese_readings


def shown(name: str) -> set[str]:
    return {display_reading(r) for r in readings(name)}


def keys(name: str) -> str:
    return " ".join(t.keys[0] for t in readings(name)[0])


@pytest.mark.parametrize(
    "spellings",
    [
        ("Kolokoltsev", "Kolokol'tsev", "Kolokolcev", "Kolokoltzev", "Колокольцев"),
        ("Yuriy", "Iurii", "Yuri", "Юрий"),
        ("Dmitriy", "Dmitry", "Dmitrii", "Дмитрий"),
        ("Qasym", "Kassym", "Қасым"),
        ("Ghabdullin", "Gabdullin", "Ғабдуллин"),
    ],
)
def test_romanisation_schemes_share_one_key(spellings: tuple[str, ...]) -> None:
    assert len({keys(s) for s in spellings}) == 1


def test_vietnamese_syllables_are_transcribed_to_russian_and_back() -> None:
    assert [to_cyrillic(s) for s in ("Nguyễn", "Phú", "Trọng", "Dương", "Minh")] == [
        "нгуен", "фу", "чонг", "зыонг", "минь",
    ]  # fmt: skip
    assert vietnamese_readings("Нгуен") == ("nguyen",)
    assert "trong" in vietnamese_readings("Чонг")


def test_chinese_characters_read_as_pinyin_wade_giles_and_sino_vietnamese() -> None:
    assert shown("阮富仲") >= {"nguyen phu trong", "ruan fuzhong", "juan fuchung"}
    assert keys("王小洪") == token_key("wang") + " " + token_key("xiaohong")
    assert wade_giles("xiao") == "hsiao" and wade_giles("zhong") == "chung" and wade_giles("ze") == "tse"


def test_korean_family_name_gets_its_usual_spellings() -> None:
    (reading,) = readings("김정은")
    assert "kim" in reading[0].keys


def test_patronymic_and_middle_names_cost_less_when_absent() -> None:
    (russian,) = readings("Колокольцев Владимир Александрович")
    assert russian[2].weight < 0.5
    (vietnamese,) = readings("Nguyễn Văn An")
    assert vietnamese[1].weight < 0.5 and vietnamese[0].weight == vietnamese[2].weight == 1.0


def test_arabic_and_thai_are_marked_for_consonant_comparison() -> None:
    (arabic,) = readings("محمد علي")
    assert all(t.vowelless for t in arabic)
    assert skeleton(token_key("mohammed")) == skeleton(arabic[0].keys[0])
    assert readings("สมชาย ใจดี") and readings("សុខា") and readings("ສົມພອນ")


@pytest.mark.parametrize("name", ["", "   ", "!!! ---", "12345"])
def test_names_without_letters_have_no_reading(name: str) -> None:
    assert readings(name) == ()


def test_mixed_scripts_and_very_long_names_are_read_without_failing() -> None:
    assert readings("Nguyễn 阮 Văn Ан")
    (long_reading,) = readings("x" * 10_000)
    assert len(long_reading[0].keys[0]) <= 40


def test_gost_x_for_kha_is_read_as_kh_too() -> None:
    (latin,) = readings("Mixail")
    (cyrillic,) = readings("Михаил")
    assert set(latin[0].keys) & set(cyrillic[0].keys)
    (alexander,) = readings("Alexander")
    assert token_key("aleksander") in alexander[0].keys


def weights(name: str) -> list[float]:
    (reading,) = readings(name)
    return [t.weight for t in reading]


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [("Kajrat", "Қайрат"), ("Bejsenova", "Бейсенова"), ("Ajnur", "Айнұр"), ("Sergej", "Сергей")],
)
def test_gost_j_for_short_i_reads_as_i(latin: str, cyrillic: str) -> None:
    assert keys(latin) == keys(cyrillic)


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [("Jukenko", "Жукенко"), ("Yerjan", "Ержан"), ("Qojaov", "Қожаов"), ("Janar", "Жанар")],
)
def test_informal_j_for_zhe_reads_as_zh_too(latin: str, cyrillic: str) -> None:
    (latin_reading,) = readings(latin)
    (cyrillic_reading,) = readings(cyrillic)
    assert set(latin_reading[0].keys) & set(cyrillic_reading[0].keys)
    assert keys("Jamal") == token_key("jamal")  # the name as written stays the first reading


def test_russian_given_name_between_family_name_and_patronymic_is_not_a_middle_name() -> None:
    assert weights("Богданов Михаил Викторович") == [1.0, 1.0, PATRONYMIC]
    assert weights("Bogdanov Mikhail Viktorovich") == [1.0, 1.0, PATRONYMIC]


def test_kazakh_father_name_before_uly_or_kyzy_is_a_patronymic() -> None:
    assert weights("Қайыржанов Мұрат Серік ұлы") == [1.0, 1.0, PATRONYMIC, PARTICLE]
    assert weights("Seiituly Ainur Timur kyzy") == [1.0, 1.0, PATRONYMIC, PARTICLE]
    # a family name ending in -uly is a family name when it comes first
    assert weights("Жақсыұлы Қайрат Жанатович") == [1.0, 1.0, PATRONYMIC]


def test_two_word_names_have_no_particles_and_vietnamese_in_characters_has_a_middle_name() -> None:
    assert weights("Wang Bin") == [1.0, 1.0]
    sino = next(r for r in readings("阮富仲") if display_reading(r) == "nguyen phu trong")
    assert [t.weight for t in sino] == [1.0, MIDDLE, 1.0]


def test_a_patronymic_of_a_name_in_ai_is_a_patronymic() -> None:
    assert weights("Солова Валентина Николаевна") == [1.0, 1.0, PATRONYMIC]
    assert weights("Galenko Boris Nikolaevich") == [1.0, 1.0, PATRONYMIC]


@pytest.mark.parametrize("latin", ["Lv Lei", "Lyu Lei", "Lǚ Lei", "Lu Lei"])
def test_pinyin_u_umlaut_meets_every_way_of_writing_it(latin: str) -> None:
    (han, *_) = readings("吕磊")
    (written,) = readings(latin)
    assert set(han[0].keys) & set(written[0].keys)


def test_korean_and_pinyin_ji_is_not_read_as_zhi() -> None:
    (reading,) = readings("Jin Jiexiu Jing")
    assert not any("Z" in key for t in reading for key in t.keys)  # Z is the key of zh


@pytest.mark.parametrize(
    ("han", "vietnamese"), [("黄明", "huynh minh"), ("黄明", "hoang minh"), ("武德全", "vu duc toan")]
)
def test_a_family_name_character_reads_as_both_its_vietnamese_names(han: str, vietnamese: str) -> None:
    sino = readings(han)[-1]
    (latin,) = readings(vietnamese)
    assert all(set(a.keys) & set(b.keys) for a, b in zip(sino, latin, strict=True))


@pytest.mark.parametrize(
    ("cyrillic", "pinyin"),
    [("Сяохун", ("xiaohong",)), ("Вань", ("wan",)), ("Ван", ("wang",)), ("Люй", ("lv",)), ("Иванов", ())],
)
def test_palladius_cyrillic_reads_back_as_pinyin(cyrillic: str, pinyin: tuple[str, ...]) -> None:
    assert chinese_readings(cyrillic) == pinyin
