"""Search keys: any spelling of a name shares a key with the stored name."""

from __future__ import annotations

from liaison.names.keys import name_keys, query_forms, token_sorted


def shares_whole_key(stored: str, query: str) -> bool:
    return bool(name_keys(stored).whole & name_keys(query).whole)


def test_word_order_does_not_matter_for_sorted_keys() -> None:
    assert token_sorted("Nguyen Van An") == token_sorted("An Nguyen Van") == "an nguyen van"
    assert shares_whole_key("Nguyễn Văn An", "An Nguyen Van")


def test_vietnamese_with_and_without_diacritics() -> None:
    assert shares_whole_key("Nguyễn Văn An", "NGUYEN VAN AN")
    assert shares_whole_key("Trần Thị Đào", "tran thi dao")


def test_cyrillic_and_latin_spellings_meet() -> None:
    assert shares_whole_key("Нұрсұлтан Назарбаев", "Nursultan Nazarbayev")
    assert shares_whole_key("Нұрсұлтан Назарбаев", "Nazarbaev Nursultan")
    assert shares_whole_key("Nazarbayev Nursultan", "Нұрсұлтан Назарбаев")


def test_chinese_characters_and_pinyin_meet() -> None:
    assert shares_whole_key("习近平", "Xi Jinping")
    assert shares_whole_key("习近平", "xi jin ping")
    assert shares_whole_key("Xi Jinping", "习近平")


def test_chinese_characters_and_sino_vietnamese_meet() -> None:
    assert shares_whole_key("阮富仲", "Nguyễn Phú Trọng")
    assert shares_whole_key("阮富仲", "Nguyen Phu Trong")


def test_tokens_hold_single_words() -> None:
    assert {"nguyen", "van", "an"} <= name_keys("Nguyễn Văn An").tokens


def test_query_forms_list_words_of_each_form() -> None:
    assert query_forms("Юрий") == (("юрии",), ("yuriy",), ("iurii",))


def test_empty_name_has_no_keys() -> None:
    assert name_keys("  - ").all == frozenset()
