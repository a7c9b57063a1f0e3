"""Persons sought through the service, on SQLite and PostgreSQL: search across scripts, reads
audited, handling codes, notice expiry, status workflow and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Forbidden, Invalid, NotFound
from liaison.core.models import AuditEvent
from liaison.subjects import service
from liaison.subjects.schemas import DocumentIn, NameIn, NoticeIn, SubjectIn
from liaison.subjects.service import SubjectQuery
from tests.subjects.factories import a_request, actor, subject_payload

OFFICER = actor("officer", unit="international-cooperation")


def create(units, payload=None, who=OFFICER) -> int:  # type: ignore[no-untyped-def]
    with units() as session:
        return service.create_subject(session, who, SubjectIn.model_validate(payload or subject_payload())).id


def found(units, who=OFFICER, **query) -> list[str]:  # type: ignore[no-untyped-def]
    with units() as session:
        subjects, _ = service.search_subjects(session, who, SubjectQuery(**query))
        return [s.primary_name for s in subjects]


def test_vietnamese_name_is_found_with_and_without_diacritics(units) -> None:
    create(units, subject_payload("Nguyễn Văn An"))
    assert found(units, q="Nguyen Van An") == ["Nguyễn Văn An"]
    assert found(units, q="nguyễn văn an") == ["Nguyễn Văn An"]
    assert found(units, q="An Nguyen Van") == ["Nguyễn Văn An"]


def test_cyrillic_name_is_found_by_latin_spelling_and_back(units) -> None:
    create(units, subject_payload("Нұрсұлтан Тестұлы Қайратов"))
    create(units, subject_payload("Sergei Ivanov", names=[{"full_name": "Sergei Ivanov"}]))
    assert found(units, q="Nursultan Testuly Qayratov") == ["Нұрсұлтан Тестұлы Қайратов"]
    assert found(units, q="Kairatov Nursultan") == ["Нұрсұлтан Тестұлы Қайратов"]
    assert found(units, q="Сергей Иванов") == ["Sergei Ivanov"]


def test_chinese_name_is_found_by_pinyin_and_sino_vietnamese(units) -> None:
    create(units, subject_payload("王示例"))
    assert found(units, q="Wang Shili") == ["王示例"]
    assert found(units, q="wang shi li") == ["王示例"]
    assert found(units, q="Vương Thị Lệ") == ["王示例"]
    assert found(units, q="王示例") == ["王示例"]


def test_pinyin_name_is_found_by_chinese_characters(units) -> None:
    create(units, subject_payload("Wang Shili"))
    assert found(units, q="王示例") == ["Wang Shili"]


def test_alias_finds_the_subject(units) -> None:
    create(
        units,
        subject_payload(
            "Trần Văn Mẫu",
            names=[{"full_name": "Trần Văn Mẫu"}, {"full_name": "Иван Образцов", "kind": "alias"}],
        ),
    )
    assert found(units, q="Ivan Obraztsov") == ["Trần Văn Mẫu"]


def test_search_by_document_number_ignores_spacing_and_case(units) -> None:
    create(units, subject_payload(documents=[{"kind": "passport", "number": "C 123-4567", "country": "VN"}]))
    assert found(units, q="c1234567") == ["Nguyễn Văn An"]
    assert found(units, document="C1234567") == ["Nguyễn Văn An"]


def test_search_by_birth_year_covers_partial_dates_and_ranges(units) -> None:
    create(units, subject_payload("Exact Day", birth_dates=["1980-01-15"]))
    create(units, subject_payload("Range Person", birth_dates=["1978..1981"]))
    create(units, subject_payload("Other Year", birth_dates=["1990"]))
    assert sorted(found(units, birth_year=1980)) == ["Exact Day", "Range Person"]


def test_every_read_is_audited(units) -> None:
    subject_id = create(units)
    with units() as session:
        service.get_subject(session, OFFICER, subject_id)
        service.search_subjects(session, OFFICER, SubjectQuery(q="Nguyen"))
    with units() as session:
        reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).all()
    assert [(e.object_type, e.object_id, e.actor) for e in reads][:1] == [
        ("subject", str(subject_id), OFFICER.username)
    ]
    assert "search q=Nguyen: 1 found" in reads[1].detail


def test_restricted_handling_code_hides_the_subject_from_other_units(units) -> None:
    subject_id = create(units, subject_payload(handling_code="H3", owning_unit="fugitives"))
    outsider = actor("officer", unit="other-unit")
    insider = actor("analyst", unit="fugitives")
    with units() as session, pytest.raises(NotFound):
        service.get_subject(session, outsider, subject_id)
    assert found(units, who=outsider, q="Nguyen Van An") == []
    assert found(units, who=insider, q="Nguyen Van An") == ["Nguyễn Văn An"]
    assert found(units, who=actor("admin", unit="fugitives"), q="Nguyen Van An") == ["Nguyễn Văn An"]
    assert found(units, who=actor("admin", unit="other-unit"), q="Nguyen Van An") == []


def test_h2_subject_is_read_by_supervisors_of_any_unit(units) -> None:
    create(units, subject_payload(handling_code="H2", owning_unit="fugitives"))
    assert found(units, who=actor("supervisor", unit="other"), q="Nguyen") == ["Nguyễn Văn An"]
    assert found(units, who=actor("analyst", unit="other"), q="Nguyen") == []


def test_auditor_may_not_read_subjects(units) -> None:
    with units() as session, pytest.raises(Forbidden):
        service.search_subjects(session, actor("auditor"), SubjectQuery())


def test_notice_past_its_expiry_reads_as_expired_without_anyone_touching_it(units) -> None:
    today = utcnow().date()
    subject_id = create(units)
    with units() as session:
        service.add_notice(
            session, OFFICER, subject_id, NoticeIn(kind="arrest", expires_on=today - timedelta(days=1))
        )
        service.add_notice(
            session, OFFICER, subject_id, NoticeIn(kind="locate", expires_on=today + timedelta(days=30))
        )
    with units() as session:
        notices = service.subject_out(service.get_subject(session, OFFICER, subject_id)).notices
    assert {(n.kind, n.colour, n.status) for n in notices} == {
        ("arrest", "red", "expired"),
        ("locate", "blue", "active"),
    }
    assert found(units, notice_kind="arrest") == []
    assert found(units, notice_kind="locate") == ["Nguyễn Văn An"]


def test_expired_notice_cannot_be_withdrawn(units) -> None:
    subject_id = create(units)
    with units() as session:
        notice = service.add_notice(
            session,
            OFFICER,
            subject_id,
            NoticeIn(kind="arrest", expires_on=utcnow().date() - timedelta(days=1)),
        )
        with pytest.raises(Conflict):
            service.withdraw_notice(session, OFFICER, notice.id, "no longer needed")


def test_status_follows_the_workflow_and_keeps_history(units) -> None:
    subject_id = create(units)
    with units() as session:
        service.change_status(session, OFFICER, subject_id, "located", "seen in Almaty")
        service.change_status(session, OFFICER, subject_id, "arrested")
        with pytest.raises(Conflict) as refused:
            service.change_status(session, OFFICER, subject_id, "located")
        assert refused.value.extra["allowed"] == ["surrendered", "sought", "cancelled"]
    with units() as session:
        history = service.subject_out(service.get_subject(session, OFFICER, subject_id)).status_history
    assert [(h.from_status, h.to_status) for h in history] == [
        ("", "sought"),
        ("sought", "located"),
        ("located", "arrested"),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"birth_dates": ["1985-02-30"]}, "birth_dates.0"),
        ({"nationalities": ["ZZ"]}, "nationalities.0"),
        ({"believed_country": "XY"}, "believed_country"),
        ({"gender": "robot"}, "gender"),
        ({"names": [{"full_name": "An", "kind": "nickname"}]}, "names.0.kind"),
        ({"documents": [{"number": "X1", "country": "QQ"}]}, "documents.0.country"),
        ({"charges": [{"crime_area": "jaywalking"}]}, "charges.0.crime_area"),
        ({"notices": [{"kind": "pink"}]}, "notices.0.kind"),
    ],
)
def test_bad_input_is_refused_naming_the_field(units, change, field) -> None:
    with pytest.raises(Invalid) as refused:
        create(units, subject_payload(**change))
    assert field in refused.value.fields
    assert found(units, who=actor("admin")) == []


def test_impossible_date_is_explained(units) -> None:
    with pytest.raises(Invalid) as refused:
        create(units, subject_payload(birth_dates=["1985-02-30"]))
    assert "no day 30" in refused.value.fields["birth_dates.0"]


def test_document_number_of_another_subject_is_refused(units) -> None:
    create(units, subject_payload(documents=[{"number": "N1234567", "country": "KZ"}]))
    with pytest.raises(Conflict):
        create(units, subject_payload("Other Person", documents=[{"number": "n 1234567", "country": "kz"}]))
    other = create(units, subject_payload("Third Person"))
    with units() as session, pytest.raises(Conflict):
        service.add_document(session, OFFICER, other, DocumentIn(number="N-1234567", country="KZ"))


def test_document_number_twice_in_one_subject_is_refused(units) -> None:
    with pytest.raises(Invalid):
        create(units, subject_payload(documents=[{"number": "A1"}, {"number": "a-1"}]))


def test_added_name_is_searchable_and_keeps_its_script(units) -> None:
    subject_id = create(units)
    with units() as session:
        name = service.add_name(
            session, OFFICER, subject_id, NameIn(full_name="Нгуен Ван Ан", kind="alias", language="ru")
        )
        assert name.script == "cyrillic"
    assert found(units, q="Нгуен Ван Ан") == ["Nguyễn Văn An"]


def test_linked_request_shows_on_the_subject(units) -> None:
    from liaison.subjects.schemas import RequestLinkIn

    subject_id = create(units)
    with units() as session:
        request_id = a_request(session, OFFICER)
        service.link_request(
            session, OFFICER, subject_id, RequestLinkIn(request_id=request_id, note="extradition")
        )
        with pytest.raises(Conflict):
            service.link_request(session, OFFICER, subject_id, RequestLinkIn(request_id=request_id))
    with units() as session:
        assert [
            r.request_id
            for r in service.subject_out(service.get_subject(session, OFFICER, subject_id)).requests
        ] == [request_id]
        assert [s.id for s in service.subjects_for_request(session, OFFICER, request_id)] == [subject_id]
