"""The engagements' declaration: meetings, visits, commitments, citizen protection."""

from __future__ import annotations

from liaison.core.capability import Capability, Vocabulary
from liaison.engagements import api, demo, home, pages, partners
from liaison.engagements.vocabulary import VOCAB_FILE, EngagementVocabulary

CAPABILITY = Capability(
    name="engagements",
    requires=("registry",),
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    demo=demo.load,
    vocabularies=(Vocabulary(VOCAB_FILE, EngagementVocabulary),),
    partner_view=partners.contribute,
    home=home.contribute,
)
