"""Screening's declaration: the live index of persons sought, kept current by `SubjectChanged`
(in this process after commit; in every other one through the subject change log, which the same
event writes in the changing transaction), and the batch worker that screens uploaded files."""

from __future__ import annotations

from liaison.core.capability import Capability
from liaison.core.events import AfterCommit, InTransaction, SubjectChanged
from liaison.screening import api, changelog, cli, demo, home, live, pages, record_panels, startup, worker

CAPABILITY = Capability(
    name="screening",
    requires=("subjects", "requests", "registry"),
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    cli=cli.register,
    startup=startup.start,
    ready=startup.ready,
    shutdown=startup.stop,
    demo=demo.load,
    subscriptions=(
        InTransaction(SubjectChanged, changelog.note_change),
        AfterCommit(SubjectChanged, live.on_subjects_changed),
    ),
    worker=worker.serve,
    home=home.contribute,
    request_view=record_panels.request_hits,
    request_links=record_panels.request_hit_links,
    subject_view=record_panels.subject_hits,
)
