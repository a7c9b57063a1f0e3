"""The registry's rules, through its services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict, Invalid
from liaison.core.records import today
from liaison.registry import agencies, agreements, name_search, programmes, schemas
from liaison.registry.models import Agency, Agreement, Programme
from tests.registry import factories
from tests.registry.factories import ADMIN


def count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_unknown_country_code_is_refused_and_nothing_saved(engine: Engine) -> None:
    with pytest.raises(Invalid) as caught, unit_of_work(engine) as session:
        factories.agency(session, "Police of Nowhere", country="QQ")
    assert caught.value.fields == {"country": "an ISO 3166-1 alpha-2 code, e.g. VN"}
    assert count(engine, Agency) == 0


def test_duplicate_agency_name_in_one_country_conflicts_whatever_the_marks(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        factories.agency(session, "Bộ Công an", country="VN")
        factories.agency(session, "Bộ Công an", country="LA")  # same name elsewhere is another agency
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        factories.agency(session, "BO CONG  AN", country="VN")
    assert count(engine, Agency) == 2


def test_agreement_needs_two_parties(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        only = factories.agency(session)
    with pytest.raises(Invalid) as caught, unit_of_work(engine) as session:
        factories.agreement(session, session.get(Agency, only.id), session.get(Agency, only.id))
    assert "parties" in caught.value.fields
    assert count(engine, Agreement) == 0


def test_terminated_agreement_cannot_return_to_force(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        a, b = factories.agency(session), factories.agency(session, country="SG")
        agreement = factories.agreement(session, a, b, history=[("signed", date(2018, 1, 1))])
        for status, on in (("in_force", date(2018, 3, 1)), ("terminated", date(2020, 1, 1))):
            agreements.change_agreement_status(
                session, ADMIN, agreement.id, schemas.StatusChangeIn(status=status, effective_on=on)
            )
        agreement_id = agreement.id
    with pytest.raises(Conflict) as caught, unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            ADMIN,
            agreement_id,
            schemas.StatusChangeIn(status="in_force", effective_on=date(2021, 1, 1)),
        )
    assert caught.value.extra["allowed"] == []
    with unit_of_work(engine) as session:
        stored = session.get(Agreement, agreement_id)
        assert stored is not None and stored.status == "terminated"
        assert [step.status for step in stored.history] == ["signed", "in_force", "terminated"]


def test_illegal_transition_names_the_allowed_next_statuses(engine: Engine) -> None:
    with pytest.raises(Conflict) as caught, unit_of_work(engine) as session:
        agreement = factories.agreement(
            session, factories.agency(session), factories.agency(session, country="RU")
        )
        agreements.change_agreement_status(
            session, ADMIN, agreement.id, schemas.StatusChangeIn(status="in_force", effective_on=today())
        )
    assert caught.value.extra["allowed"] == ["negotiating", "signed", "terminated"]


def test_end_before_start_is_refused(engine: Engine) -> None:
    with pytest.raises(Invalid) as caught, unit_of_work(engine) as session:
        programmes.create_programme(
            session, ADMIN, schemas.ProgrammeIn(title="Plan", start_year=2027, end_year=2025)
        )
    assert "end_year" in caught.value.fields
    with pytest.raises(Invalid), unit_of_work(engine) as session:
        factories.official(
            session,
            "Aubeck Kam",
            posts=[
                {"title": "Permanent Secretary", "start_date": date(2024, 1, 1), "end_date": date(2023, 1, 1)}
            ],
        )
    assert count(engine, Programme) == 0


def test_agreements_in_force_follow_the_dated_history(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        vn, sg = factories.agency(session, country="VN"), factories.agency(session, country="SG")
        la = factories.agency(session, country="LA")
        old = factories.agreement(
            session, vn, sg, history=[("signed", date(2010, 1, 1)), ("in_force", date(2010, 6, 1))]
        )
        new = factories.agreement(
            session,
            vn,
            sg,
            supersedes_id=old.id,
            history=[("signed", date(2018, 1, 1)), ("in_force", date(2018, 3, 1))],
        )
        convention = factories.agreement(
            session,
            vn,
            sg,
            la,
            kind="mutual_legal_assistance",
            history=[("signed", date(2004, 11, 29)), ("in_force", date(2005, 1, 1))],
        )
        ended = factories.agreement(
            session,
            vn,
            sg,
            history=[
                ("signed", date(2012, 1, 1)),
                ("in_force", date(2012, 1, 2)),
                ("terminated", date(2015, 1, 1)),
            ],
        )
        ids = {"old": old.id, "new": new.id, "convention": convention.id, "ended": ended.id}
    with unit_of_work(engine) as session:

        def in_force(on: date) -> set[int]:
            return {a.id for a in agreements.agreements_in_force(session, "vn", "SG", on)}

        stored = session.get(Agreement, ids["convention"])
        assert stored is not None and stored.is_multilateral
        assert in_force(date(2013, 1, 1)) == {ids["old"], ids["convention"], ids["ended"]}
        assert in_force(date(2016, 1, 1)) == {ids["old"], ids["convention"]}
        assert in_force(date(2019, 1, 1)) == {ids["new"], ids["convention"]}  # superseded drops out
        assert in_force(date(2000, 1, 1)) == set()
        assert {a.id for a in agreements.agreements_in_force(session, "VN", "LA", date(2019, 1, 1))} == {
            ids["convention"]
        }


def test_search_finds_an_official_by_any_form_of_the_name(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        quang = factories.official(
            session, "Lương Tam Quang", names=[{"text": "Луонг Там Куанг", "lang": "ru"}]
        )
        factories.official(
            session,
            "Kolokoltsev Vladimir Alexandrovich",
            names=[{"text": "Колокольцев Владимир Александрович", "lang": "ru"}],
        )
        quang_id = quang.id
    with unit_of_work(engine) as session:
        for form in (
            "Lương Tam Quang",
            "Luong Tam Quang",
            "luong tam quang",
            "LƯƠNG  tam-quang",
            "Quang",
            "Луонг Там Куанг",
        ):
            hits = name_search.search(session, ADMIN, form)
            assert [(h.entity, h.id) for h in hits] == [("official", quang_id)], form
        by_cyrillic = name_search.search(session, ADMIN, "колокольцев")
        by_latin = name_search.search(session, ADMIN, "kolokoltsev")
        assert [h.id for h in by_cyrillic] == [h.id for h in by_latin] and len(by_latin) == 1


def test_non_latin_names_are_kept_exactly(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        agency = factories.agency(
            session,
            "中华人民共和国公安部",
            country="CN",
            names=[{"text": "Bộ Công an Trung Quốc", "lang": "vi"}],
        )
        agency_id = agency.id
    with unit_of_work(engine) as session:
        stored = agencies.get_agency(session, ADMIN, agency_id)
        assert stored.name == "中华人民共和国公安部"
        assert [n.text for n in stored.names] == ["Bộ Công an Trung Quốc"]
        assert [
            h.id for h in name_search.search(session, ADMIN, "公安部")
        ] == []  # word suffixes, not infixes
        assert [h.id for h in name_search.search(session, ADMIN, "中华人民共和国公安部")] == [agency_id]


def test_search_reads_names_across_scripts_when_only_one_form_is_stored(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        kolokoltsev = factories.official(session, "Колокольцев Владимир Александрович")
        wang = factories.official(session, "王小洪")
        ids = {"kolokoltsev": kolokoltsev.id, "wang": wang.id}
    with unit_of_work(engine) as session:
        assert [h.id for h in name_search.search(session, ADMIN, "Kolokoltsev")] == [ids["kolokoltsev"]]
        assert [h.id for h in name_search.search(session, ADMIN, "Wang Xiaohong")] == [ids["wang"]]
        assert [h.id for h in name_search.search(session, ADMIN, "Vương Tiểu Hồng")] == [ids["wang"]]
        assert name_search.search(session, ADMIN, "wang xiaohong")[0].matched == "王小洪"
