"""What the asset register adds to a request's page (its `request_view`): the assets the request
names, each with its status, and for an officer a form naming another asset of the request's
persons sought, when the request's kind can trace, freeze, confiscate or return assets.

The request page has already read the request through the gate; the assets listed and offered are
only those the reader may read (`service.list_assets`, audited), and naming one goes through
`service.link_request` like the asset's own form."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.assets import service
from liaison.assets.vocabulary import vocabulary
from liaison.core.capability import Panel
from liaison.core.security.policy import Actor, may

TEMPLATE = "assets/_request_assets.html"


def persons_sought(request: Any) -> list[int]:
    """The subjects among the request's persons concerned, in their order, once each."""
    found = [p.get("subject_id") for p in getattr(request, "persons", None) or []]
    return list(dict.fromkeys(int(s) for s in found if isinstance(s, int)))


def actions_for(kind: str) -> list[str]:
    """What a request of this kind can ask of an asset (none: the request has no assets panel)."""
    return [code for code, action in vocabulary().request_actions.items() if kind in action.request_kinds]


def contribute(session: Session, actor: Actor, request: Any) -> list[Panel]:
    """The request's assets and, for a writer, the assets of its persons sought it may still name."""
    actions = actions_for(request.kind)
    if not may(actor, service.READ):
        return []
    named = service.assets_for_request(session, actor, request.id)
    if not actions and not named:
        return []
    links = {
        link.asset_id: link.action for a in named for link in a.request_links if link.request_id == request.id
    }
    offered: list[Any] = []
    if actions and may(actor, service.WRITE):
        for subject_id in persons_sought(request):
            owned, _ = service.list_assets(
                session, actor, service.AssetQuery(owner_subject_id=subject_id), limit=200
            )
            offered += [a for a in owned if a.id not in links and a not in offered]
    context = {
        "request_id": request.id, "named": named, "links": links, "offered": offered,
        "actions": actions, "vocab": vocabulary(), "subjects": persons_sought(request),
    }  # fmt: skip
    return [Panel(TEMPLATE, context)]
