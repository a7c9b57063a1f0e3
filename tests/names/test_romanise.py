"""Latin spellings of Cyrillic, Chinese and other scripts."""

from __future__ import annotations

from liaison.names.romanise import cyrillic_to_latin, pinyin, romanisations, romanise, sino_vietnamese


def test_russian_by_bgn_and_icao() -> None:
    assert cyrillic_to_latin("Юрий Щукин", "bgn") == "Yuriy Shchukin"
    assert cyrillic_to_latin("Юрий Щукин", "icao") == "Iurii Shchukin"


def test_bgn_writes_ye_after_a_vowel() -> None:
    assert cyrillic_to_latin("Назарбаев", "bgn") == "Nazarbayev"


def test_kazakh_letters_are_romanised() -> None:
    assert cyrillic_to_latin("Ғабит Қайратұлы Әлиев Өмір Үміт Һ Іңкәр", "icao") == (
        "Gabit Kairatuly Aliev Omir Umit H Inkar"
    )
    assert cyrillic_to_latin("Қайрат Ңғ", "bgn") == "Qayrat Nggh"


def test_chinese_gives_pinyin_and_sino_vietnamese() -> None:
    assert pinyin("习近平") == "xi jin ping"
    assert sino_vietnamese("阮富仲") == "Nguyễn Phú Trọng"
    assert romanisations("阮富仲") == ("ruan fu zhong", "Nguyễn Phú Trọng")


def test_latin_is_left_as_written() -> None:
    assert romanisations("Nguyễn Văn An") == ("Nguyễn Văn An",)


def test_other_scripts_get_one_latin_spelling() -> None:
    for name in ("김정은", "สมชาย", "ហ៊ុន សែន", "ສົມສັກ", "محمد علي"):
        assert romanise(name).isascii(), name


def test_mixed_text_is_romanised_run_by_run() -> None:
    assert romanise("Li 李 Иван") == "Li li Ivan"
