"""The ingestion's declaration: press reports of meetings read into draft engagements."""

from __future__ import annotations

from liaison.core.capability import Capability, Vocabulary
from liaison.ingest import cli, pages
from liaison.ingest.gazetteer import VOCAB, TermsFile

CAPABILITY = Capability(
    name="ingest",
    requires=("registry", "engagements"),
    pages=pages.router,
    nav=pages.NAV,
    cli=cli.register,
    vocabularies=(Vocabulary(VOCAB, TermsFile),),
)
