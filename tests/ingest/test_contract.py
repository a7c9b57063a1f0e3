"""`liaison ingest FILE --dry-run --format json`: one JSON object with the contract's keys, for any file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liaison.cli import app

KEYS = [
    "skip",
    "reason",
    "date",
    "kind",
    "place",
    "countries",
    "agencies",
    "officials",
    "mentioned_persons",
    "crime_areas",
    "mechanisms",
    "agreements",
    "programmes",
    "commitments",
]

REPORT = """Vietnam, Laos step up police cooperation

VIENTIANE — Deputy Minister of Public Security Lt. Gen. Nguyen Van Long held talks with Lao \
Deputy Minister of Public Security Maj. Gen. Khamla Phommavong in Vientiane on Monday.

Both sides agreed to step up cooperation against drug trafficking and human trafficking along the border.

Long proposed that the two ministries sign a memorandum of understanding on the exchange of information.
"""


def run(path: Path, *extra: str) -> dict:
    result = CliRunner().invoke(
        app, ["ingest", str(path), "--published", "2024-08-21", "--dry-run", "--format", "json", *extra]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    answer = json.loads(lines[0])
    assert list(answer) == KEYS
    return answer


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_report_of_talks_gives_every_field_in_the_contract_shape(tmp_path: Path) -> None:
    answer = run(write(tmp_path, "report.txt", REPORT.encode()), "--source", "https://example.org/a")
    assert answer["skip"] is False and answer["reason"] is None
    assert answer["date"] == "2024-08-19"  # "on Monday" before Wednesday 21 August 2024
    assert answer["kind"] == "talks"
    assert answer["place"] == "Vientiane"
    assert set(answer["countries"]) == {"VN", "LA"}
    assert {(o["name"], o["country"]) for o in answer["officials"]} == {
        ("Nguyen Van Long", "VN"),
        ("Khamla Phommavong", "LA"),
    }
    assert all(set(o) == {"name", "title", "country"} for o in answer["officials"])
    assert set(answer["crime_areas"]) == {"drug_trafficking", "trafficking_in_persons"}
    assert [(a["kind"], a["status_cue"]) for a in answer["agreements"]] == [
        ("memorandum_of_understanding", "to_sign")
    ]
    assert all(set(a) == {"text", "kind", "status_cue", "year"} for a in answer["agreements"])
    kinds = {(c["kind"], c["by"]) for c in answer["commitments"]}
    assert ("agreed", None) in kinds and ("proposed", "VN") in kinds
    assert all(set(c) == {"kind", "by", "text", "sentence"} for c in answer["commitments"])


def test_a_dry_run_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("LIAISON_HOME", str(home))
    monkeypatch.setenv("LIAISON_DATABASE_URL", f"sqlite:///{home / 'liaison.db'}")
    run(write(tmp_path, "report.txt", REPORT.encode()))
    assert list(home.iterdir()) == []


def skip_reason(answer: dict) -> str:
    assert answer["skip"] is True
    assert answer["kind"] is None and answer["officials"] == [] and answer["commitments"] == []
    return answer["reason"]


def test_an_empty_file_is_skipped_with_the_reason(tmp_path: Path) -> None:
    assert "empty" in skip_reason(run(write(tmp_path, "empty.txt", b"")))
    assert "empty" in skip_reason(run(write(tmp_path, "blank.txt", b"  \n\n \t")))


def test_a_binary_file_is_refused_clearly(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40
    assert "not a text file" in skip_reason(run(write(tmp_path, "photo.jpg", data)))


def test_a_20_mb_file_is_refused_with_the_limit_stated(tmp_path: Path) -> None:
    reason = skip_reason(run(write(tmp_path, "big.txt", REPORT.encode() * (20 * 1024 * 1024 // len(REPORT)))))
    assert reason.startswith("file is 20.") and "the limit is 5 MB" in reason


def test_a_language_it_does_not_read_is_skipped_with_the_reason(tmp_path: Path) -> None:
    chinese = "越南公安部部长梁三光会见新加坡内政部常任秘书。双方同意加强合作，打击毒品犯罪。" * 3
    assert "language not read" in skip_reason(run(write(tmp_path, "zh.txt", chinese.encode())))
    german = (
        "Die Polizei hat heute in Berlin eine neue Dienststelle eröffnet, sagte der Sprecher der Behörde. "
        * 3
    )
    assert "language not read" in skip_reason(run(write(tmp_path, "de.txt", german.encode())))


def test_a_report_without_a_meeting_gives_no_draft_and_says_why(tmp_path: Path) -> None:
    text = (
        "Vietnam's exports rose 14 percent year on year in December, led by electronics, the statistics "
        "office said on Tuesday. Economists expect growth of about 6 percent next year."
    )
    assert "no meeting found" in skip_reason(run(write(tmp_path, "economy.txt", text.encode())))


def test_html_with_scripts_and_tracking_is_read_for_its_article_only(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in REPORT.split("\n\n")[1:])
    page = (
        "<!doctype html><html><head><title>Vietnam, Laos step up police cooperation</title>"
        "<script>window.dataLayer=[];gtag('config','UA-1');var Minister='Tracking Pixel';</script>"
        "<style>p{color:red}</style></head><body><nav>Home | World | Politics</nav>"
        f"<article><h1>Vietnam, Laos step up police cooperation</h1>{paragraphs}</article>"
        "<footer>Related articles: Minister Jane Doe opens a bridge</footer>"
        "<img src='https://track.example/pixel.gif'><script>fbq('track','PageView')</script></body></html>"
    )
    answer = run(write(tmp_path, "page.html", page.encode()))
    assert answer["kind"] == "talks" and answer["place"] == "Vientiane"
    dumped = json.dumps(answer)
    assert (
        "gtag" not in dumped and "fbq" not in dumped and "Jane Doe" not in dumped and "Tracking" not in dumped
    )


def test_a_windows_1252_file_is_decoded(tmp_path: Path) -> None:
    text = REPORT.replace("Vientiane on Monday", "Vientiane on Monday \u2013 a caf\u00e9 meeting")
    answer = run(write(tmp_path, "cp1252.txt", text.encode("cp1252")))
    assert answer["skip"] is False and answer["kind"] == "talks"
    assert {o["name"] for o in answer["officials"]} == {"Nguyen Van Long", "Khamla Phommavong"}


def test_a_file_mixing_utf8_and_windows_1252_lines_is_decoded_line_by_line(tmp_path: Path) -> None:
    data = REPORT.encode("utf-8") + "\nR\u00e9sum\u00e9 na\u00efve \u2014 caf\u00e9\n".encode("cp1252")
    answer = run(write(tmp_path, "mixed.txt", data))
    assert answer["skip"] is False and answer["place"] == "Vientiane"


def test_utf16_with_a_byte_order_mark_is_decoded(tmp_path: Path) -> None:
    answer = run(write(tmp_path, "utf16.txt", REPORT.encode("utf-16")))
    assert answer["skip"] is False and answer["kind"] == "talks"


def test_a_truncated_report_gives_what_is_there(tmp_path: Path) -> None:
    cut = REPORT[: REPORT.index("Both sides") + 40]
    answer = run(write(tmp_path, "cut.txt", cut.encode()))
    assert answer["skip"] is False
    assert answer["date"] == "2024-08-19" and set(answer["countries"]) == {"VN", "LA"}


def test_a_missing_file_and_a_bad_date_still_answer_json(tmp_path: Path) -> None:
    assert "no such file" in skip_reason(run(tmp_path / "absent.txt"))
    result = CliRunner().invoke(
        app,
        [
            "ingest",
            str(write(tmp_path, "r.txt", REPORT.encode())),
            "--published",
            "26/02/2025",
            "--dry-run",
            "--format",
            "json",
        ],
    )
    answer = json.loads(result.stdout)
    assert list(answer) == KEYS and "not a date" in answer["reason"]


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes_never_crash(tmp_path: Path, seed: int) -> None:
    import random

    rng = random.Random(seed)
    data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 5000)))
    if seed % 2:  # text-like noise: words, markup fragments and odd characters
        pieces = [
            "Minister",
            "<p>",
            "on Tuesday",
            "agreed to",
            "MoU",
            "\u2019s",
            "Hà Nội",
            "\x00",
            "Gen.",
            ";",
            "\n\n",
        ]
        data = " ".join(rng.choice(pieces) for _ in range(2000)).encode("utf-8", "replace")
    run(write(tmp_path, f"noise{seed}.txt", data))
