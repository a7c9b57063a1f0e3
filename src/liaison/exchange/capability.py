"""The exchange's declaration: partner nodes, the signed envelope log, receipts and evidence."""

from __future__ import annotations

from liaison.core.capability import Capability, UploadRoute

# Modules whose handlers and subscriptions register on import: x1's evidence and rotation, x2's
# messages, x3's requests_flow and sharing.
from liaison.exchange import (  # noqa: F401
    api,
    cli,
    demo,
    evidence,
    home,
    messages,
    pages,
    request_thread,
    requests_flow,
    rotation,
    sharing,
    subject_panel,
    uploads,
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
    upload_routes=tuple(UploadRoute(prefix, uploads.upload_limit) for prefix in uploads.ROUTES),
    demo=demo.load,  # x2
    subscriptions=(*requests_flow.SUBSCRIPTIONS, *sharing.SUBSCRIPTIONS),
    request_view=request_thread.contribute,
    home=home.contribute,
    subject_view=subject_panel.contribute,
)
