"""The reports' declaration: briefings for a partner, periodic reports, statistics."""

from __future__ import annotations

from liaison.core.capability import Capability
from liaison.reports import api, pages, partners, report_cli

CAPABILITY = Capability(
    name="reports",
    requires=("registry", "engagements", "requests", "subjects"),
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    cli=report_cli.register,
    partner_view=partners.contribute,
)
