"""The exchange's declaration: partner nodes, the signed envelope log, receipts and evidence."""

from __future__ import annotations

from liaison.core.capability import Capability
from liaison.exchange import api, cli, evidence  # noqa: F401  (evidence registers its handler)

CAPABILITY = Capability(
    name="exchange",
    requires=("registry",),
    api=api.router,
    cli=cli.register,
)
