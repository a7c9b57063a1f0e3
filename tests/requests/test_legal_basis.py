"""Legal basis: agreements in force on the request date that cover the kind, or reciprocity."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from liaison.core.errors import Invalid
from liaison.requests import service
from liaison.requests.schemas import RequestIn
from tests.requests.conftest import Partners
from tests.requests.factories import ADMIN, OFFICER, agreement, in_force, request_data

REQUEST_DAY = date(2026, 6, 15)


def _propose(
    session: Session, partners: Partners, kind: str = "extradition", on: date = REQUEST_DAY
) -> list[str]:
    basis = service.propose_legal_basis(
        session, kind, partners.mps.id, partners.kazakhstan.id, on, ["corruption"]
    )
    return [p.title for p in basis.proposals]


def test_bilateral_treaty_in_force_on_the_request_date_is_proposed(
    session: Session, partners: Partners
) -> None:
    agreement(session, "VN–KZ extradition treaty", "extradition", ["VN", "KZ"], in_force(date(2015, 1, 1)))
    assert _propose(session, partners) == ["VN–KZ extradition treaty"]


def test_treaty_entering_force_the_day_after_is_not_proposed(session: Session, partners: Partners) -> None:
    agreement(session, "Future treaty", "extradition", ["VN", "KZ"], in_force(date(2026, 6, 16)))
    assert _propose(session, partners) == []
    assert _propose(session, partners, on=date(2026, 6, 16)) == ["Future treaty"]


def test_treaty_entering_force_on_the_request_date_is_proposed(session: Session, partners: Partners) -> None:
    agreement(session, "Fresh treaty", "extradition", ["VN", "KZ"], in_force(REQUEST_DAY))
    assert _propose(session, partners) == ["Fresh treaty"]


def test_treaty_terminated_before_the_request_date_is_not_proposed(
    session: Session, partners: Partners
) -> None:
    agreement(
        session, "Old treaty", "extradition", ["VN", "KZ"], in_force(date(2000, 1, 1), date(2026, 6, 15))
    )
    assert _propose(session, partners) == []
    assert _propose(session, partners, on=date(2026, 6, 14)) == ["Old treaty"]


def test_suspended_then_restored_treaty_follows_its_history(session: Session, partners: Partners) -> None:
    history = [*in_force(date(2010, 1, 1)), ("suspended", date(2026, 1, 1)), ("in_force", date(2026, 7, 1))]
    agreement(session, "On and off", "extradition", ["VN", "KZ"], history)
    assert _propose(session, partners) == []
    assert _propose(session, partners, on=date(2026, 7, 1)) == ["On and off"]


def test_amended_treaty_is_proposed_with_its_amendment(session: Session, partners: Partners) -> None:
    base = agreement(
        session,
        "Base treaty",
        "extradition",
        ["VN", "KZ"],
        [*in_force(date(2010, 1, 1)), ("amended", date(2020, 1, 1))],
    )
    agreement(
        session,
        "Protocol amending the base treaty",
        "extradition",
        ["VN", "KZ"],
        in_force(date(2020, 1, 1)),
        amends=base,
    )
    basis = service.propose_legal_basis(
        session, "extradition", partners.mps.id, partners.kazakhstan.id, REQUEST_DAY
    )
    assert [(p.title, p.amended_by) for p in basis.proposals] == [
        ("Base treaty", ("Protocol amending the base treaty",))
    ]


def test_amendment_not_yet_in_force_is_not_mentioned(session: Session, partners: Partners) -> None:
    base = agreement(session, "Base treaty", "extradition", ["VN", "KZ"], in_force(date(2010, 1, 1)))
    agreement(
        session, "Signed protocol", "extradition", ["VN", "KZ"], [("signed", date(2026, 1, 1))], amends=base
    )
    basis = service.propose_legal_basis(
        session, "extradition", partners.mps.id, partners.kazakhstan.id, REQUEST_DAY
    )
    assert [(p.title, p.amended_by) for p in basis.proposals] == [("Base treaty", ())]


def test_multilateral_convention_both_are_party_to_is_proposed_after_bilateral(
    session: Session, partners: Partners
) -> None:
    untoc = agreement(
        session,
        "UNTOC",
        "crime_prevention",
        ["VN", "KZ", "RU", "SG"],
        in_force(date(2004, 1, 1)),
        multilateral=True,
    )
    service.add_coverage(session, ADMIN, untoc.id, "extradition")
    agreement(session, "VN–KZ extradition treaty", "extradition", ["VN", "KZ"], in_force(date(2015, 1, 1)))
    assert _propose(session, partners) == ["VN–KZ extradition treaty", "UNTOC"]


def test_multilateral_convention_one_side_is_not_party_to_is_not_proposed(
    session: Session, partners: Partners
) -> None:
    agreement(
        session,
        "Regional treaty",
        "extradition",
        ["VN", "SG", "TH"],
        in_force(date(2004, 1, 1)),
        multilateral=True,
    )
    assert _propose(session, partners) == []


def test_agreement_of_another_kind_does_not_cover(session: Session, partners: Partners) -> None:
    agreement(
        session,
        "Sentenced persons treaty",
        "transfer_of_sentenced_persons",
        ["VN", "KZ"],
        in_force(date(2015, 1, 1)),
    )
    assert _propose(session, partners) == []
    assert _propose(session, partners, kind="transfer_of_sentenced_persons") == ["Sentenced persons treaty"]


def test_agreement_limited_to_other_crime_areas_does_not_cover(session: Session, partners: Partners) -> None:
    agreement(
        session,
        "Drugs treaty",
        "extradition",
        ["VN", "KZ"],
        in_force(date(2015, 1, 1)),
        crime_areas=["drug_trafficking"],
    )
    assert _propose(session, partners) == []


def test_superseded_agreement_gives_way_to_its_successor(session: Session, partners: Partners) -> None:
    old = agreement(session, "1998 treaty", "extradition", ["VN", "KZ"], in_force(date(1998, 1, 1)))
    agreement(session, "2019 treaty", "extradition", ["VN", "KZ"], in_force(date(2019, 1, 1)), supersedes=old)
    assert _propose(session, partners) == ["2019 treaty"]


def test_no_agreement_means_reciprocity_is_recorded_explicitly(session: Session, partners: Partners) -> None:
    request = service.create_request(session, OFFICER, request_data(partners.mps, partners.kazakhstan))
    assert request.legal_basis_is_reciprocity
    assert request.legal_basis_agreement_id is None
    assert "reciprocity" in service.legal_basis_summary(
        service.current_legal_basis(session, OFFICER, request.id)
    )


def test_creation_takes_the_first_proposal(session: Session, partners: Partners) -> None:
    treaty = agreement(
        session, "VN–KZ extradition treaty", "extradition", ["VN", "KZ"], in_force(date(2015, 1, 1))
    )
    request = service.create_request(session, OFFICER, request_data(partners.mps, partners.kazakhstan))
    assert (request.legal_basis_agreement_id, request.legal_basis_overridden) == (treaty.id, False)
    assert request.legal_basis_proposed == [treaty.id]


def test_overriding_the_proposal_needs_a_reason(session: Session, partners: Partners) -> None:
    agreement(session, "VN–KZ extradition treaty", "extradition", ["VN", "KZ"], in_force(date(2015, 1, 1)))
    data = request_data(partners.mps, partners.kazakhstan, legal_basis_reciprocity=True)
    with pytest.raises(Invalid) as refused:
        service.create_request(session, OFFICER, data)
    assert "legal_basis_reason" in refused.value.fields
    data = RequestIn.model_validate(
        {**data.model_dump(), "legal_basis_reason": "Partner asked to proceed on reciprocity."}
    )
    request = service.create_request(session, OFFICER, data)
    assert request.legal_basis_is_reciprocity and request.legal_basis_overridden
