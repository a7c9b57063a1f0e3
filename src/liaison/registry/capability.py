"""The registry's declaration: partners, agencies, officials, mechanisms, agreements, programmes."""

from __future__ import annotations

from liaison.core.capability import Capability, Vocabulary
from liaison.registry import api, cli, demo, home, pages
from liaison.registry.vocabulary import VOCAB_DIR, CountriesFile, CrimeAreasFile, RegistryVocabulary

CAPABILITY = Capability(
    name="registry",
    api=api.router,
    pages=pages.router,
    nav=pages.NAV,
    cli=cli.register,
    demo=demo.load,
    vocabularies=(
        Vocabulary(VOCAB_DIR / "registry.yaml", RegistryVocabulary),
        Vocabulary(VOCAB_DIR / "crime_areas.yaml", CrimeAreasFile),
        Vocabulary(VOCAB_DIR / "countries.yaml", CountriesFile),
    ),
    home=home.contribute,
)
