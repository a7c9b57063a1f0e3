"""The declaration of persons sought: subjects, their names, documents, notices, imports."""

from __future__ import annotations

from liaison.core.capability import Capability, Vocabulary
from liaison.core.events import HitDecided, InTransaction, RequestTransitioned
from liaison.subjects import api, cli, demo, pages, partners, proposals
from liaison.subjects.vocabulary import VOCAB_FILE, SubjectVocabulary

CAPABILITY = Capability(
    name="subjects",
    label="Persons sought",
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    cli=cli.register,
    demo=demo.load,
    vocabularies=(Vocabulary(VOCAB_FILE, SubjectVocabulary),),
    partner_view=partners.contribute,
    subscriptions=(
        InTransaction(HitDecided, proposals.on_hit_decided),
        InTransaction(RequestTransitioned, proposals.on_request_transitioned),
    ),
)
