"""Script detection of names."""

from __future__ import annotations

import pytest

from liaison.names.script import detect_script, script_runs, scripts_in


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Nguyễn Văn An", "latin"),
        ("Нұрсұлтан Назарбаев", "cyrillic"),
        ("Иванов 2", "cyrillic"),
        ("阮富仲", "han"),
        ("김정은", "hangul"),
        ("สมชาย", "thai"),
        ("ហ៊ុន សែន", "khmer"),
        ("ສົມສັກ", "lao"),
        ("محمد علي", "arabic"),
        ("Li 李", "mixed"),
        ("1985-02-03", "unknown"),
        ("", "unknown"),
    ],
)
def test_detect_script_names_the_writing_system(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_scripts_in_lists_every_script_of_a_mixed_name() -> None:
    assert scripts_in("Ivan Иван 伊万") == {"latin", "cyrillic", "han"}


def test_script_runs_keep_spaces_with_the_run_before() -> None:
    assert script_runs("Li 李伟") == [("latin", "Li "), ("han", "李伟")]
