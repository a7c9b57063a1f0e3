"""Import and export: INTERPOL notice JSON and FollowTheMoney files made with their documented
shapes and library, CSV; re-import without duplicates; round trips; bad files and rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from liaison.core.errors import Forbidden, Invalid
from liaison.subjects import service, transfer
from liaison.subjects.formats import csv as csv_format
from liaison.subjects.models import Notice, Subject, SubjectDocument, SubjectName
from liaison.subjects.schemas import NameIn
from liaison.subjects.service import SubjectQuery
from tests.subjects.factories import (
    actor,
    ftm_person,
    interpol_list_page,
    interpol_notice,
    write_json,
    write_jsonl,
)

ADMIN = actor("admin")


def counts(units) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with units() as session:
        return (
            session.scalar(select(func.count()).select_from(Subject)) or 0,
            session.scalar(select(func.count()).select_from(SubjectName)) or 0,
            session.scalar(select(func.count()).select_from(Notice)) or 0,
        )


def names_found(units, q: str) -> list[str]:  # type: ignore[no-untyped-def]
    with units() as session:
        return [s.primary_name for s in service.search_subjects(session, ADMIN, SubjectQuery(q=q))[0]]


def export(units, fmt: str) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    with units() as session:
        transfer.export_subjects(session, ADMIN, fmt, out)
    return out.getvalue()


@pytest.fixture
def interpol_file(tmp_path: Path) -> Path:
    notices = [
        interpol_notice("2024/10001", "VAN MAU", "TRAN", nationalities=("VN",), charges=(("Fraud", "VN"),)),
        interpol_notice("2024/10002", "SERIKBAY", "TESTOV", date_of_birth="1981", nationalities=("KZ",)),
        interpol_notice("2024/10003", "LE", "VI DU", colour="yellow", sex_id="F", date_of_birth="1990/07/01"),
    ]
    return write_json(tmp_path / "red.json", interpol_list_page(notices))


def test_interpol_list_imports_and_reimports_without_duplicates(units, interpol_file: Path) -> None:
    first = transfer.import_file(units, ADMIN, interpol_file, "interpol")
    assert (first.created, first.updated, first.rejected) == (3, 0, [])
    again = transfer.import_file(units, ADMIN, interpol_file, "interpol")
    assert (again.created, again.updated) == (0, 3)
    assert counts(units) == (3, 3, 3)
    with units() as session:
        subject = session.scalar(select(Subject).where(Subject.source_id == "2024/10001"))
        out = service.subject_out(service.get_subject(session, ADMIN, subject.id))
    assert out.birth_dates == ["1970-05-12"] and out.nationalities == ["VN"]
    assert [(n.kind, n.colour, n.reference) for n in out.notices] == [("arrest", "red", "2024/10001")]
    assert [c.description for c in out.charges] == ["Fraud"]
    assert names_found(units, "Trần Văn Mẫu") == ["VAN MAU TRAN"]


def test_yellow_notice_becomes_a_missing_person_notice(units, interpol_file: Path) -> None:
    transfer.import_file(units, ADMIN, interpol_file, "interpol")
    with units() as session:
        kinds = {ref: kind for ref, kind in session.execute(select(Notice.reference, Notice.kind))}
    assert kinds["2024/10003"] == "missing"


def test_interpol_json_lines_go_on_after_a_malformed_line(units, tmp_path: Path) -> None:
    lines = [
        json.dumps(interpol_notice("2024/1", "AN", "NGUYEN")),
        "{not json",
        json.dumps(interpol_notice("2024/2", "BAO", "PHAM", date_of_birth="1985/02/30")),
        json.dumps(interpol_notice("2024/3", "CHI", "LE", nationalities=("QQ",))),
        json.dumps(interpol_notice("2024/4", "DUNG", "VO")),
    ]
    path = tmp_path / "notices.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = transfer.import_file(units, ADMIN, path, "interpol")
    assert (report.created, report.updated) == (2, 0)
    reasons = {r.line: r.reason for r in report.rejected}
    assert set(reasons) == {2, 3, 4}
    assert "not valid JSON" in reasons[2]
    assert "no day 30" in reasons[3]
    assert "'QQ' is not an ISO 3166-1 country code" in reasons[4]


def test_ftm_file_imports_reimports_and_finds_names_across_scripts(units, tmp_path: Path) -> None:
    records = [
        *ftm_person(
            "os-1",
            ["Нұрсұлтан Тестұлы Қайратов"],
            aliases=("Nursultan Kairatov",),
            passport="N1234567",
            sanction_authority="Financial Monitoring Agency (test)",
        ),
        *ftm_person("os-2", ["王示例"], nationality="cn", birth_date="1969-11"),
        *ftm_person("os-3", ["Nguyễn Thị Thử"], nationality="vn", birth_date="1992"),
    ]
    path = write_jsonl(tmp_path / "entities.ftm.jsonl", records)
    report = transfer.import_file(units, ADMIN, path, "ftm")
    assert (report.created, report.updated, report.rejected) == (3, 0, [])
    assert transfer.import_file(units, ADMIN, path, "ftm").updated == 3
    assert counts(units)[0] == 3
    assert names_found(units, "Nursultan Testuly Qayratov") == ["Нұрсұлтан Тестұлы Қайратов"]
    assert names_found(units, "Wang Shili") == ["王示例"]
    assert names_found(units, "nguyen thi thu") == ["Nguyễn Thị Thử"]
    with units() as session:
        documents = session.execute(
            select(SubjectDocument.kind, SubjectDocument.number, SubjectDocument.country)
        ).all()
        notices = session.execute(select(Notice.kind, Notice.issuer, Notice.issued_on)).all()
    assert [tuple(d) for d in documents] == [("passport", "N1234567", "KZ")]
    assert [(n.kind, n.issuer, n.issued_on.isoformat()) for n in notices] == [
        ("sanction", "Financial Monitoring Agency (test)", "2022-04-01")
    ]


def test_ftm_export_reads_back_into_the_same_subjects(units, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        ftm_person(
            "os-1",
            ["Иван Тестов"],
            passport="720000003",
            nationality="ru",
            sanction_authority="Test authority",
        ),
    )
    transfer.import_file(units, ADMIN, path, "ftm")
    exported = export(units, "ftm")
    schemata = [json.loads(line)["schema"] for line in exported.splitlines()]
    assert sorted(schemata) == ["Passport", "Person", "Sanction"]
    (tmp_path / "out.jsonl").write_text(exported, encoding="utf-8")
    report = transfer.import_file(units, ADMIN, tmp_path / "out.jsonl", "ftm")
    assert (report.created, report.updated, report.rejected) == (0, 1, [])
    assert counts(units) == (1, 1, 1)


def test_manual_names_survive_a_reimport(units, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", ftm_person("os-9", ["Ivan Testov"], nationality="ru"))
    transfer.import_file(units, ADMIN, path, "ftm")
    with units() as session:
        subject_id = session.scalar(select(Subject.id))
        service.add_name(session, ADMIN, subject_id, NameIn(full_name="Иван Тестов", kind="native"))
    transfer.import_file(units, ADMIN, path, "ftm")
    assert names_found(units, "Иван Тестов") == ["Ivan Testov"]
    assert counts(units)[1] == 2


def test_csv_round_trip_keeps_subjects_and_updates_on_reimport(units, tmp_path: Path) -> None:
    rows = [
        {"source_id": "csv-1", "primary_name": "Trần Văn Mẫu", "given_name": "Văn Mẫu", "family_name": "Trần",
         "name_order": "family_first", "language": "vi", "aliases": "Иван Мау;陈文某",
         "birth_dates": "1978-03-14", "nationalities": "VN;KZ", "believed_country": "KZ",
         "description": "tall, scar",
         "documents": "passport:VN:C0000001", "crime_area": "corruption", "charge": "Embezzlement",
         "notice_kind": "arrest", "notice_reference": "R-1", "notice_expires_on": "2099-01-01"},
        {"source_id": "csv-2", "primary_name": "Серікбай Тестов", "language": "kk", "birth_dates": "1981"},
    ]  # fmt: skip
    path = tmp_path / "subjects.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[c for c in csv_format.COLUMNS if c != "status"])
        writer.writeheader()
        writer.writerows(rows)
    assert transfer.import_file(units, ADMIN, path, "csv").created == 2
    exported = export(units, "csv")
    (tmp_path / "back.csv").write_text(exported, encoding="utf-8")
    report = transfer.import_file(units, ADMIN, tmp_path / "back.csv", "csv")
    assert (report.created, report.updated, report.rejected) == (0, 2, [])
    assert names_found(units, "Ivan Mau") == ["Trần Văn Mẫu"]
    assert names_found(units, "Serikbay Testov") == ["Серікбай Тестов"]
    with units() as session:
        notice = session.scalars(select(Notice)).one()
    assert (notice.kind, notice.reference, notice.expires_on.isoformat()) == ("arrest", "R-1", "2099-01-01")


def test_duplicate_document_numbers_in_a_file_reject_the_second_row(units, tmp_path: Path) -> None:
    records = [
        *ftm_person("os-1", ["First Holder"], passport="N555"),
        *ftm_person("os-2", ["Second Holder"], passport="n-555"),
    ]
    report = transfer.import_file(units, ADMIN, write_jsonl(tmp_path / "dup.jsonl", records), "ftm")
    assert report.created == 1
    assert [r.source_id for r in report.rejected] == ["os-2"]
    assert "N555" in report.rejected[0].reason


def test_wrong_encoding_is_detected_with_a_clear_message(units, tmp_path: Path) -> None:
    path = tmp_path / "cp1251.csv"
    path.write_bytes("source_id,primary_name\nr1,Иван Петров Сидоров\nr2,Пётр Иванович\n".encode("cp1251"))
    with pytest.raises(Invalid) as refused:
        transfer.import_file(units, ADMIN, path, "csv")
    assert "is not UTF-8" in refused.value.detail
    assert "1251" in refused.value.detail
    assert counts(units)[0] == 0


def test_file_of_another_format_is_refused_before_anything_is_stored(
    units, interpol_file: Path, tmp_path: Path
) -> None:
    with pytest.raises(Invalid) as as_ftm:
        transfer.import_file(units, ADMIN, interpol_file, "ftm")
    assert "does not look like FollowTheMoney" in as_ftm.value.detail
    with pytest.raises(Invalid) as as_csv:
        transfer.import_file(units, ADMIN, interpol_file, "csv")
    assert "does not look like Liaison subjects CSV" in as_csv.value.detail
    ftm_file = write_jsonl(tmp_path / "x.jsonl", ftm_person("os-1", ["A B"]))
    with pytest.raises(Invalid) as as_interpol:
        transfer.import_file(units, ADMIN, ftm_file, "interpol")
    assert "use --format ftm" in as_interpol.value.detail
    assert counts(units)[0] == 0


def test_officer_may_not_import_or_export(units, interpol_file: Path) -> None:
    with pytest.raises(Forbidden):
        transfer.import_file(units, actor("officer"), interpol_file, "interpol")
    with units() as session, pytest.raises(Forbidden):
        transfer.export_subjects(session, actor("officer"), "csv", io.StringIO())


def test_ftm_entities_in_opensanctions_shape_and_any_key_order_are_read(units, tmp_path: Path) -> None:
    person, passport = ftm_person("NK-test-1", ["Тестов Иван"], passport="N777", nationality="ru")
    extra = {"caption": "Тестов Иван", "datasets": ["interpol_red_notices"], "referents": [], "target": True}
    person = {"properties": person["properties"], **extra, **person}  # properties before schema
    path = write_jsonl(tmp_path / "opensanctions.jsonl", [passport, person])
    report = transfer.import_file(units, ADMIN, path, "ftm", source="opensanctions-interpol")
    assert (report.created, report.rejected) == (1, [])
    assert names_found(units, "Ivan Testov") == ["Тестов Иван"]
    with units() as session:
        assert session.scalar(select(SubjectDocument.number)) == "N777"


def test_a_list_imported_as_h3_is_hidden_from_other_units(units, interpol_file: Path) -> None:
    importer = actor("supervisor", unit="fugitives")
    report = transfer.import_file(units, importer, interpol_file, "interpol", handling_code="H3")
    assert report.created == 3
    with units() as session:
        outsider, _ = service.search_subjects(session, actor("officer", unit="other"), SubjectQuery())
        insider, _ = service.search_subjects(session, actor("analyst", unit="fugitives"), SubjectQuery())
    assert (len(outsider), len(insider)) == (0, 3)
    with pytest.raises(Invalid):
        transfer.import_file(units, importer, interpol_file, "interpol", handling_code="H9")
