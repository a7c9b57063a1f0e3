"""Name forms real lists carry (issue 11), each as a reviewer reads it: the subject on the left is
found, alerting, from the record on the right, and a different person of a similar name is not
ranked above it."""

from __future__ import annotations

from itertools import permutations

import pytest

from liaison.names.variants import readings
from liaison.screening.engine import DEFAULT_THRESHOLD, MAX_CANDIDATES, ScreeningIndex, prepare
from tests.screening.factories import index_of, record, subject

DISTRACTORS = (
    subject(90, "Lê Thị Mai", born="1960-01-02"),
    subject(91, "Phạm Minh Chính", born="1960-01-02"),
    subject(92, "Sergei Ivanov", born="1960-01-02"),
)

FORMS = {
    "titles and honorifics": [
        ("Nguyễn Văn Hùng", "Mr Nguyen Van Hung"),
        ("Nguyễn Văn Hùng", "Đại tá Nguyễn Văn Hùng"),
        ("Nguyễn Văn Hùng", "Thượng tá Nguyễn Văn Hùng"),
        ("Nguyễn Văn Hùng", "Trung tướng Nguyễn Văn Hùng"),
        ("Nguyễn Văn Hùng", "Sen. Lt. Gen. Nguyen Van Hung"),
        ("Kassym-Jomart Tokayev", "President Kassym-Jomart Tokayev"),
        ("Kassym-Jomart Tokayev", "Präsident Kassym-Jomart Tokayev"),
        ("Mohammed Al Hashimi", "Shaikh Mohammed Al Hashimi"),
        ("Abdul Karim Salleh", "Haji Abdul Karim Salleh"),
        ("Peter Nguyen", "Father Peter Nguyen"),
        ("Ivan Petrov", "Prof. Dr Ivan Petrov"),
    ],
    "legal forms on a person's name": [
        ("Nguyễn Văn Hùng", "Nguyen Van Hung Co., Ltd"),
        ("Hans Müller", "Hans Müller GmbH"),
    ],
    "initials": [
        ("Nguyễn Văn Hùng", "Nguyen V. Hung"),
        ("Nguyễn Văn Hùng", "N. V. Hung"),
        ("Jean-Pierre Martin", "J.-P. Martin"),
        ("Kassym-Jomart Tokayev", "K. J. Tokayev"),
        ("Некникова Жанна Юриевна", "Neknikova Z. I."),  # a Russian name's initials after it
        ("Некникова Жанна Юриевна", "Z. I. Neknikova"),
    ],
    "noisy input": [
        ("Nguyễn Văn Hùng", "NguyenVanHung"),
        ("Nguyễn Văn Hùng", "Nguyenvanhung"),
        ("Kassym-Jomart Tokayev", "Kassym-Jomart Tokay ev"),
        ("Nguyễn Ngọc Anh", "Nguyen Ng0c Anh"),
        ("Ivan Petrov", "1van Petrov"),
        ("Nguyễn Văn Hùng", "Nguyen Van Van Hung"),
        ("Nguyễn Văn Hùng", "Nugyen Van Hung"),
    ],
    "nicknames": [
        ("Alexander Petrov", "Alex Petrov"),
        ("Aleksandr Petrov", "Sasha Petrov"),
        ("William Smith", "Bill Smith"),
        ("Nikolai Ivanov", "Kolya Ivanov"),
    ],
    "partial names": [
        ("Ivan Sergeyevich Petrov", "Ivan Petrov"),
        ("Đinh Hồng Đe", "A Đe (Đinh Hồng Đe)"),
        ("A Đe (Đinh Hồng Đe)", "Dinh Hong De"),
        ("Trần Văn Hùng", "TRAN, Van Hung"),
    ],
    "Arabic names romanised another way": [
        ("Muammar Gaddafi", "Moammar Qadhafi"),  # q, g or k for one letter; dh or d
        ("Muammar Gaddafi", "Moamar Kadhafi"),
        ("Osama bin Laden", "Usama bin Ladin"),  # o or u, e or i for one vowel
        ("Mohammed Abdullah", "Muhammad Abd Allah"),  # an `Abd` compound in one word or two
        ("Abdelaziz Bouteflika", "Abd al-Aziz Butaflika"),
        ("Abdulrahman Al-Zahrani", "Abderrahmane al-Zahrani"),  # the article assimilated, a French e
        ("Jalaluddin Haqqani", "Jalal ad-Din Haqqani"),
        ("Khalid Sheikh Mohammed", "Khaled Shaikh Muhammad"),
        ("Bashar al-Assad", "Bashshar al-Asad"),  # a doubled consonant written twice
    ],
    "Kazakh and Russian forms": [
        ("Нұрсұлтан Әбішұлы Назарбаев", "Nursultan Abishevich Nazarbayev"),
        ("Нұрлан Жұмабекұлы Әбдіров", "Nurlan Zhumabekovich Abdirov"),
        ("Ғалымжан Құрманғалиев", "G'alymjan Qurmang'aliev"),  # Latin alphabet of 2017
        ("Ғалымжан Құрманғалиев", "Ǵalymjan Qurmanǵalıev"),  # of 2018
        ("Ғалымжан Құрманғалиев", "Ğalymjan Qūrmanğaliev"),  # of 2021
        ("Шыңғыс Әлиев", "Şyñğys Äliev"),
    ],
    "Han characters in the romanisations their people use": [
        ("周子瑜", "Chou Tzu-yu"),  # Wade-Giles
        ("許志宏", "Hsu Chih-hung"),
        ("鄭文燦", "Cheng Wen-tsan"),
        ("鄭文燦", "Jheng Wun-tsan"),  # Tongyong
        ("陳大文", "Chan Tai-man"),  # Hong Kong government romanisation
        ("梁朝偉", "Leung Chiu-wai"),
        ("王家衛", "Wong Kar-wai"),
        ("陳水扁", "Tân Chúi-píⁿ"),  # Taiwanese Hokkien in Pe̍h-ōe-jī
        ("林志玲", "Lîm Chì-lêng"),
        ("葉明", "Ia̍p Bêng"),
        ("蔡英文", "Tshuà Ing-bûn"),  # in Tâi-lô
        ("张晓红", "Чжан Сяохун"),  # Palladius, on Russian and Kazakh documents
        ("万宇静", "Вань Юйцзин"),
        ("吕悦辉", "Люй Юэхуэй"),
    ],
    "more scripts": [
        ("Aram Petrosyan", "Արամ Պետրոսյան"),
        ("Giorgi Beridze", "გიორგი ბერიძე"),
        ("Nguyễn Văn Hùng", "응우옌 반 훙"),  # hangul
        ("Trần Ngọc Uyên", "트란 느곷 우옌"),  # hangul, with the vowels Korean adds (teu-ran)
        ("Nguyễn Văn Hùng", "グエン・ヴァン・フン"),  # katakana
        ("Đặng Quốc Tuấn", "ダング クオク トゥアン"),  # with the vowels Japanese adds
        ("Nguyễn Kim Lộc Tuấn", "Nგუyენ Kიმ Lოc Tუან"),  # Georgian keeping the Latin it lacks
        ("Nguyễn Diệu Dũng", "Γγουγιεν Ντιέου Ντουνγκ"),  # Greek
        ("Morozov Evgenii Vadimovich", "Μοροζόφ Εβγκένι Βαντίμοβιτς"),
        ("Mohammad Reza Pahlavi", "محمد رضا پهلوی"),  # Persian letters (پ), few vowels written
        ("Hassan Rouhani", "حسن روحانی"),
        ("Nguyễn Văn Hùng", "نگوین وان هونگ"),
        ("Hun Sen", "ហ៊ុន សែន"),  # Khmer: no ICU transform, anyascii reads it
    ],
    "Western and Arabic names in Arabic and Persian script": [
        ("Vladimir Putin", "فلاديمير بوتين"),  # no p or v in Arabic: ب b, ف f
        ("David Cameron", "ديفيد كاميرون"),  # nor c: ك k
        ("Saddam Hussein", "صدام حسين"),
        ("Bashar al-Assad", "بشار الأسد"),  # the article written with its word
        ("Ali Khamenei", "علی خامنه‌ای"),  # a Persian word joined by a zero-width non-joiner
        ("Mahmoud Ahmadinejad", "محمود احمدی‌نژاد"),
    ],
    "generational suffixes": [
        ("Ferdinand Marcos Jr.", "Ferdinand Marcos"),
        ("Ferdinand Marcos", "Ferdinand Marcos Jr."),
        ("Martin Luther King Jr.", "Martin Luther King"),
    ],
}
CASES = [(kind, stored, screened) for kind, pairs in FORMS.items() for stored, screened in pairs]


@pytest.mark.parametrize(("kind", "stored", "screened"), CASES)
def test_a_name_form_finds_its_subject_and_alerts(kind: str, stored: str, screened: str) -> None:
    index = index_of(subject(1, stored, born="1960-01-02"), *DISTRACTORS)
    hits = index.screen(record(screened))
    assert hits, f"{kind}: {screened!r} did not alert on {stored!r}"
    assert hits[0].subject_id == 1 and hits[0].score >= DEFAULT_THRESHOLD


def test_a_name_without_its_middle_name_ranks_its_subject_first() -> None:
    # scored, not alerting on the name alone: "Nguyen Hung" is as alike to every Nguyễn X Hùng
    index = index_of(subject(1, "Nguyễn Văn Hùng", born="1960-01-02"), *DISTRACTORS)
    (best, *_) = index.screen(record("Nguyen Hung"), threshold=0.0)
    assert best.subject_id == 1 and float(best.features[0].verdict) >= 0.85
    assert index.screen(record("Nguyen Hung", "1960-01-02"))  # with the birth date it alerts


def test_arabic_letters_for_p_and_v_do_not_merge_latin_names() -> None:
    # Putin meets بوتين through the b Arabic writes for p; two Latin names never meet that way
    index = index_of(subject(1, "Pavel Petrov"), subject(2, "Vladimir Putin"))
    assert index.screen(record("Babel Betrov")) == []
    assert index.screen(record("Fladimir Butin")) == []
    assert [h.subject_id for h in index.screen(record("فلاديمير بوتين"))] == [2]


def test_a_long_vowel_mark_is_part_of_its_katakana_word() -> None:
    # ー lengthens the vowel before it: プーチン is one word, Putin, not プ and チン
    (reading,) = readings("プーチン")
    assert len(reading) == 1 and "putin" in reading[0].keys


def test_a_title_does_not_make_two_people_one() -> None:
    index = index_of(subject(1, "Nguyễn Văn Hùng"), subject(2, "Nguyễn Văn Hải"))
    assert [h.subject_id for h in index.screen(record("Đại tá Nguyễn Văn Hải"))][:1] == [2]


def test_a_nickname_of_another_name_does_not_alert() -> None:
    index = index_of(subject(1, "William Smith"))
    assert index.screen(record("Kolya Smith")) == []
    assert index.screen(record("Bill Smith"))


def test_two_chinese_syllables_are_not_one_given_name() -> None:
    # rigour's Wikidata groups tie the pinyin of different characters (jian and gang): a
    # nickname for an English name, two names for a Chinese one
    index = index_of(subject(1, "孟刚"))
    assert index.screen(record("Meng Jian")) == []
    assert index.screen(record("Meng Gang"))


def test_a_russian_name_is_not_read_as_pinyin() -> None:
    index = index_of(subject(1, "Ivan Ivanov"), subject(2, "伊万"))
    assert [h.subject_id for h in index.screen(record("Иван Иванов"))] == [1]


def test_an_initial_that_begins_none_of_the_names_words_does_not_alert() -> None:
    index = index_of(subject(1, "Nguyễn Hữu Nhật"), subject(2, "Trần Quang Duy"))
    assert index.screen(record("N. X. Nhat")) == []  # no X word in Nguyễn Hữu Nhật
    assert index.screen(record("T. T. T. Duy")) == []  # Trần Quang Duy has one T word, not three
    assert [h.subject_id for h in index.screen(record("N. H. Nhat"))] == [1]


def test_initials_may_repeat() -> None:
    index = index_of(subject(1, "Trần Thị Thu Duy", born="1960-01-02"), *DISTRACTORS)
    assert [h.subject_id for h in index.screen(record("T. T. T. Duy", "1960-01-02"))] == [1]


def test_a_short_word_is_no_initial() -> None:
    # Yu's phonetic key is `u`: it must not count as an initial matching every word in u
    index = index_of(subject(1, "卢玉欣"), subject(2, "Lu Yu"))
    assert [h.subject_id for h in index.screen(record("Lu Yu"))] == [2]


def test_vowels_merged_for_arabic_names_do_not_merge_chinese_or_short_names() -> None:
    # Zhou and Zhu are two surnames (周, 朱), Mira is not Maria: words this short never merge by vowels
    index = index_of(subject(1, "Zhou Wenming"), subject(2, "Maria Lopez"))
    assert index.screen(record("Zhu Wenming")) == []
    assert index.screen(record("Mira Lopez")) == []
    assert [h.subject_id for h in index.screen(record("Zhou Wenming"))] == [1]


def test_two_vietnamese_syllables_are_two_names_not_a_typo() -> None:
    # Minh and Đình, Phong and Phương differ by a letter or two, but are different names
    index = index_of(subject(1, "Hoàng Đình Nga"), subject(2, "Lê Thế Phương"))
    assert index.screen(record("Hoang Minh Nga")) == []
    assert index.screen(record("Le The Phong")) == []
    assert [h.subject_id for h in index.screen(record("Hoang Dinh Nga"))] == [1]
    assert [h.subject_id for h in index.screen(record("Hoang Dinh Ngaa"))] == [1]  # a typo still counts


# Korean family names in hangul, for namesakes of a given name written the same way
KOREAN_FAMILIES = (
    "이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변"
)


def _ranked_subjects(index: ScreeningIndex, name: str) -> list[int]:
    """The subjects of the candidate names for a record of this name, best supported first."""
    owners = [index._name_subject[name_id] for name_id in index.candidates(prepare(record(name)))]
    return list(dict.fromkeys(owners))


def test_a_name_holding_every_word_outranks_one_holding_one_word_by_many_keys() -> None:
    # 남정은 holds every search key of 정은 (jeongeun, jongun, chongun, jungeun, their first and
    # last letters, their consonants) and none of 김; Kim Jong-un holds a few keys of each word.
    # A word counts once, by its best key, however many of its keys a name holds
    index = index_of(subject(1, "Kim Jong-un"), subject(2, "남정은"))
    assert _ranked_subjects(index, "김정은") == [1, 2]


def test_hangul_kim_jong_un_finds_the_latin_subject_among_namesakes_of_each_word() -> None:
    # fifty 정은s of other families, each holding every key of 정은, and ninety Kims of other
    # given names (Kim Jong-min among them): summed over keys, the 정은s outranked him
    namesakes = [subject(100 + n, f"{family}정은") for n, family in enumerate(KOREAN_FAMILIES)]
    syllables = ("Jong", "Min", "Seo", "Ji", "Hyun", "Soo", "Young", "Ha", "Woo", "Yeon")
    kims = [subject(200 + n, f"Kim {a}-{b.lower()}") for n, (a, b) in enumerate(permutations(syllables, 2))]
    index = index_of(subject(1, "Kim Jong-un"), *namesakes, *kims)
    assert len(namesakes) > MAX_CANDIDATES
    assert _ranked_subjects(index, "김정은")[0] == 1
    hits = index.screen(record("김정은"))
    assert hits and hits[0].subject_id == 1 and hits[0].score >= DEFAULT_THRESHOLD
