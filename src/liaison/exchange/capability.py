"""The exchange's declaration: partner nodes, the signed envelope log, receipts and evidence."""

from __future__ import annotations

from liaison.core.capability import Capability
from liaison.exchange import (  # noqa: F401  (evidence, rotation and x2's messages register handlers)
    api,
    cli,
    demo,
    evidence,
    messages,
    pages,
    rotation,
    worker,
)

CAPABILITY = Capability(
    name="exchange",
    requires=("registry",),
    api=api.router,
    cli=cli.register,
    startup=worker.start_in_app,
    pages=pages.router,  # x2
    nav=pages.NAV,  # x2
    demo=demo.load,  # x2
)
