"""The exchange's declaration: partner nodes, the signed envelope log, receipts and evidence."""

from __future__ import annotations

from liaison.core.capability import Capability
from liaison.exchange import api, cli, evidence, rotation, worker  # noqa: F401  (handlers register on import)

CAPABILITY = Capability(
    name="exchange",
    requires=("registry",),
    api=api.router,
    cli=cli.register,
    startup=worker.start_in_app,
)
