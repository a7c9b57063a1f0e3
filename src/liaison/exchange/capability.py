"""The exchange's declaration: partner nodes, the signed envelope log, receipts and evidence."""

from __future__ import annotations

from liaison.core.capability import Capability
from liaison.exchange import api, cli, evidence, messages, pages  # noqa: F401  (evidence registers its handler)  # noqa: F401  (x2: messages registers its handlers)

CAPABILITY = Capability(
    name="exchange",
    requires=("registry",),
    api=api.router,
    cli=cli.register,
    pages=pages.router,  # x2
    nav=pages.NAV,  # x2
)
