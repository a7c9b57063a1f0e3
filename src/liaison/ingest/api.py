"""JSON routes of the review: a draft's items with suggestions and its merge proposals, linking an
item, merging, confirming — the same services as the review page, under /api/v1."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from liaison.core.models import User
from liaison.core.security.policy import may
from liaison.core.web import DbSession, Permission
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements import service as engagements
from liaison.ingest import merge, review, schemas, service
from liaison.ingest.models import DraftItem

router = APIRouter(tags=["ingest"])

Reader = Annotated[User, Depends(Permission("engagements.read"))]
Writer = Annotated[User, Depends(Permission("engagements.write"))]


def item_out(item: DraftItem, found: list[review.Suggestion]) -> schemas.ItemOut:
    return schemas.ItemOut(
        id=item.id,
        kind=item.kind,
        name=item.name,
        title=item.title,
        country_code=item.country_code,
        decision=item.decision,
        record_id=item.record_id,
        suggestions=[
            schemas.SuggestionOut(
                record_id=s.record_id, label=s.label, score=s.score, reasons=[str(r) for r in s.reasons]
            )
            for s in found
        ],
    )


@router.get("/ingest/drafts/{engagement_id}", response_model=schemas.DraftReviewOut)
def get_review(session: DbSession, user: Reader, engagement_id: int) -> schemas.DraftReviewOut:
    """A draft's items (with registry suggestions for those still open) and its merge proposals;
    for a draft merged away (its engagement removed), where it went."""
    target = merge.merged_into(session, engagement_id)
    if target is not None:
        return schemas.DraftReviewOut(
            engagement_id=engagement_id, status="merged", merged_into=target, items=[], proposals=[]
        )
    engagement, _ = service.draft_for_review(session, user, engagement_id)
    suggest = engagement.status == "draft" and may(user, "registry.read")
    return schemas.DraftReviewOut(
        engagement_id=engagement.id,
        status=engagement.status,
        merged_into=merge.merged_into(session, engagement.id),
        items=[
            item_out(i, review.suggestions(session, user, i) if suggest and i.decision == "open" else [])
            for i in review.items_of(session, engagement.id)
        ],
        proposals=[
            schemas.ProposalOut(
                engagement_id=p.engagement.id,
                title=p.engagement.title,
                held_on=p.engagement.held_on,
                score=p.score,
                reasons=[str(r) for r in p.reasons],
            )
            for p in merge.proposals(session, user, engagement)
        ],
    )


@router.post("/ingest/drafts/{engagement_id}/items/{item_id}/link", response_model=schemas.ItemOut)
def link_item(
    session: DbSession, user: Writer, engagement_id: int, item_id: int, data: schemas.LinkIn
) -> schemas.ItemOut:
    """The item is this registry record (an official joins the participants, an agency the agencies)."""
    return item_out(review.link_item(session, user, engagement_id, item_id, data.record_id), [])


@router.post(
    "/ingest/drafts/{engagement_id}/items/{item_id}/agreement",
    response_model=schemas.ItemOut,
    status_code=201,
)
def create_agreement(
    session: DbSession, user: Writer, engagement_id: int, item_id: int, data: schemas.NewAgreementIn
) -> schemas.ItemOut:
    """A new registry agreement from what the report says, between our country and the partner."""
    return item_out(review.create_agreement(session, user, engagement_id, item_id, data), [])


@router.post("/ingest/drafts/{engagement_id}/merge", response_model=engagement_schemas.EngagementOut)
def merge_draft(
    session: DbSession, user: Writer, engagement_id: int, data: schemas.MergeIn
) -> engagement_schemas.EngagementOut:
    """Merge the draft into the engagement it reports; the same call again changes nothing."""
    return engagements.engagement_out(merge.merge_draft(session, user, engagement_id, data.engagement_id))


@router.post("/ingest/drafts/{engagement_id}/confirm", response_model=engagement_schemas.EngagementOut)
def confirm_draft(session: DbSession, user: Writer, engagement_id: int) -> engagement_schemas.EngagementOut:
    """Keep the draft as an engagement of its own."""
    return engagements.engagement_out(service.confirm_draft(session, user, engagement_id))


@router.patch(
    "/ingest/drafts/{engagement_id}/commitments/{commitment_id}",
    response_model=engagement_schemas.CommitmentOut,
)
def edit_commitment(
    session: DbSession,
    user: Writer,
    engagement_id: int,
    commitment_id: int,
    data: engagement_schemas.CommitmentPatch,
) -> engagement_schemas.CommitmentOut:
    """Correct a commitment read from the report (text, kind, owner, due date) before accepting."""
    return engagements.commitment_out(
        review.edit_commitment(session, user, engagement_id, commitment_id, data)
    )


@router.delete("/ingest/drafts/{engagement_id}/commitments/{commitment_id}", status_code=204)
def remove_commitment(session: DbSession, user: Writer, engagement_id: int, commitment_id: int) -> None:
    """Drop a commitment misread from the report before accepting the draft."""
    review.remove_commitment(session, user, engagement_id, commitment_id)
