"""Capacity building's declaration: training, secondments, posts, deployments, experience
sharing and the home ministry's staff in them; counts on the partner view, and the activities
linked to an engagement on its page."""

from __future__ import annotations

from liaison.capacity import api, demo, engagement_panel, pages, partners
from liaison.capacity.vocabulary import VOCAB_FILE, CapacityVocabulary
from liaison.core.capability import Capability, Vocabulary

CAPABILITY = Capability(
    name="capacity",
    label="Capacity building",
    requires=("registry",),
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    demo=demo.load,
    vocabularies=(Vocabulary(VOCAB_FILE, CapacityVocabulary),),
    partner_view=partners.contribute,
    engagement_view=engagement_panel.contribute,
)
