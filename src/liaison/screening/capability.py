"""Screening's declaration: the live index of persons sought, kept current by `SubjectChanged`,
and the batch worker that screens uploaded files."""

from __future__ import annotations

from liaison.core.capability import Capability
from liaison.core.events import AfterCommit, SubjectChanged
from liaison.screening import api, cli, demo, home, live, pages, record_panels, startup, worker

CAPABILITY = Capability(
    name="screening",
    requires=("subjects", "requests", "registry"),
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    cli=cli.register,
    startup=startup.start,
    demo=demo.load,
    subscriptions=(AfterCommit(SubjectChanged, live.on_subjects_changed),),
    worker=worker.serve,
    home=home.contribute,
    request_view=record_panels.request_hits,
    subject_view=record_panels.subject_hits,
)
