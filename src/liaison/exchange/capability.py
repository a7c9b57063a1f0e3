"""The exchange's declaration: partner nodes, the signed envelope log, receipts and evidence."""

from __future__ import annotations

from liaison.core.capability import Capability

# evidence registers its handler; x3's requests_flow and sharing register theirs and subscribe
from liaison.exchange import api, cli, evidence, requests_flow, sharing  # noqa: F401

CAPABILITY = Capability(
    name="exchange",
    requires=("registry",),
    api=api.router,
    cli=cli.register,
    subscriptions=(*requests_flow.SUBSCRIPTIONS, *sharing.SUBSCRIPTIONS),
)
