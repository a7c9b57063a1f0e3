"""The requests' declaration: formal requests between agencies, their workflow and deadlines."""

from __future__ import annotations

from liaison.core.capability import Capability, Vocabulary
from liaison.core.events import InTransaction, RequestCreated
from liaison.requests import api, cli, demo, home, pages, partners, record_panels
from liaison.requests.kinds import KINDS_FILE, KindsFile

CAPABILITY = Capability(
    name="requests",
    requires=("registry",),
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    cli=cli.register,
    demo=demo.load,
    vocabularies=(Vocabulary(KINDS_FILE, KindsFile),),
    partner_view=partners.contribute,
    home=home.contribute,
    subscriptions=(InTransaction(RequestCreated, home.on_request_created),),
    subject_view=record_panels.subject_requests,
    engagement_view=record_panels.engagement_requests,
)
