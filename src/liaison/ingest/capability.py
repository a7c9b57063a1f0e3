"""The ingestion's declaration: press reports of meetings read into draft engagements."""

from __future__ import annotations

from liaison.core.capability import Capability, Vocabulary
from liaison.ingest import api, cli, pages
from liaison.ingest.gazetteer import VOCAB, TermsFile

CAPABILITY = Capability(
    name="ingest",
    requires=("registry", "engagements"),
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    cli=cli.register,
    vocabularies=(Vocabulary(VOCAB, TermsFile),),
)
