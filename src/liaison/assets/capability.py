"""The asset register's declaration: assets of persons sought, their status history, the
requests that trace, freeze, confiscate or return them, and the figures on the partner view."""

from __future__ import annotations

from liaison.assets import api, demo, pages, partners, request_panel, service
from liaison.assets.vocabulary import VOCAB_FILE, AssetVocabulary
from liaison.core.capability import Capability, Vocabulary
from liaison.core.events import InTransaction, RequestTransitioned

CAPABILITY = Capability(
    name="assets",
    label="Assets",
    requires=("registry", "subjects", "requests"),
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    demo=demo.load,
    vocabularies=(Vocabulary(VOCAB_FILE, AssetVocabulary),),
    partner_view=partners.contribute,
    request_view=request_panel.contribute,
    subscriptions=(InTransaction(RequestTransitioned, service.on_request_transitioned),),
)
