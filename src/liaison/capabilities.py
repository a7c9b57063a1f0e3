"""The capabilities this node runs: their declarations, checked, in menu order.

Each capability package declares `CAPABILITY = Capability(...)` in `liaison/<name>/capability.py`
(the contract is `liaison.core.capability`). Which ones run is the `capabilities` setting
(`LIAISON_CAPABILITIES`, default `AVAILABLE`); `enabled()` loads their declarations and refuses,
with a sentence, an unknown name or a capability whose requirement is not enabled. Folders that
stay conventions: `models.py` (tables), `migrations/` (the Alembic branch), `templates/` and
`translations/`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from liaison.core import events
from liaison.core.capability import (
    HOME,
    Capability,
    CapabilityError,
    Panel,
    RecordContribution,
    RecordLink,
    RecordLinks,
)
from liaison.core.security.policy import Actor, handling_codes, policy
from liaison.core.settings import get_settings

AVAILABLE: tuple[str, ...] = (
    "registry",
    "engagements",
    "requests",
    "subjects",
    "screening",
    "ingest",
    "exchange",
    "reports",
    "assets",
    "capacity",
)

PACKAGE_DIR = Path(__file__).resolve().parent

_installed: tuple[Capability, ...] | None = None


def declaration(name: str) -> Capability:
    """The `Capability` declared by `liaison.<name>.capability`."""
    if not (PACKAGE_DIR / name / "capability.py").is_file():
        known = ", ".join(AVAILABLE)
        raise CapabilityError(
            f"Unknown capability {name!r}: there is no {PACKAGE_DIR / name / 'capability.py'} "
            f"(capabilities available: {known})."
        )
    declared = importlib.import_module(f"liaison.{name}.capability").CAPABILITY
    if not isinstance(declared, Capability) or declared.name != name:
        raise CapabilityError(
            f"liaison/{name}/capability.py must declare CAPABILITY = Capability(name={name!r}, ...)."
        )
    return declared


def check_requirements(capabilities: Sequence[Capability]) -> None:
    """Every requirement of every enabled capability is enabled too, or a sentence saying which is not."""
    names = [c.name for c in capabilities]
    for capability in capabilities:
        missing = [r for r in capability.requires if r not in names]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise CapabilityError(
                f"Capability {capability.name!r} requires {', '.join(repr(m) for m in missing)}, which "
                f"{verb} not enabled (enabled: {', '.join(names) or 'none'}); add it to the capabilities "
                f"setting (LIAISON_CAPABILITIES) or remove {capability.name!r}."
            )


def check_shortcuts(capabilities: Sequence[Capability]) -> None:
    """Menu shortcuts are "g" and a letter, each opening one entry ("g h" is the home page's)."""
    seen = {HOME.shortcut: HOME.label}
    for capability in capabilities:
        for item in capability.nav:
            if not item.shortcut:
                continue
            if not re.fullmatch(r"g [a-z]", item.shortcut):
                raise CapabilityError(
                    f"Capability {capability.name!r}: the shortcut {item.shortcut!r} of {item.label!r} "
                    'is not "g" and a lower-case letter.'
                )
            if item.shortcut in seen:
                raise CapabilityError(
                    f"Capability {capability.name!r}: the shortcut {item.shortcut!r} of {item.label!r} "
                    f"already opens {seen[item.shortcut]!r}."
                )
            seen[item.shortcut] = item.label


def enabled(names: Iterable[str] | None = None) -> tuple[Capability, ...]:
    """The declarations of these capabilities (default: the `capabilities` setting), requirements checked."""
    if names is None:
        names = get_settings().capabilities
    chosen = tuple(declaration(name) for name in dict.fromkeys(names))
    check_requirements(chosen)
    check_shortcuts(chosen)
    return chosen


def validate(capabilities: Sequence[Capability]) -> None:
    """Load the core's and every declared vocabulary: the first invalid file stops the start."""
    policy()
    handling_codes()
    from liaison.core.audit import actions, object_types
    from liaison.core.home import notification_kinds

    actions()
    object_types()
    notification_kinds()
    for capability in capabilities:
        for vocabulary in capability.vocabularies:
            vocabulary.validate()


def install(capabilities: Sequence[Capability]) -> None:
    """Make these the capabilities this process runs: their event subscriptions and partner views."""
    global _installed
    check_requirements(capabilities)
    _installed = tuple(capabilities)
    events.install(s for c in capabilities for s in c.subscriptions)


def installed() -> tuple[Capability, ...]:
    """The capabilities installed by the app or the CLI (else those the settings enable)."""
    return _installed if _installed is not None else enabled()


def panels(
    session: Session, actor: Actor, record: Any, view: Callable[[Capability], RecordContribution | None]
) -> list[Panel]:
    """What the installed capabilities add to one record's page for this reader: each one's
    `view` of it (`lambda c: c.request_view`, say), in menu order."""
    return [
        panel
        for capability in installed()
        if (contribute := view(capability)) is not None
        for panel in contribute(session, actor, record)
    ]


def record_links(
    session: Session, actor: Actor, record: Any, links: Callable[[Capability], RecordLinks | None]
) -> list[RecordLink]:
    """The records the installed capabilities link to one record for this reader, for its API
    detail (`lambda c: c.request_links`), in menu order."""
    return [
        link
        for capability in installed()
        if (contribute := links(capability)) is not None
        for link in contribute(session, actor, record)
    ]


def linked(found: list[Panel]) -> list[RecordLink]:
    """The records the panels list, in order, for a record's API detail (`linked`)."""
    return [link for panel in found for link in panel.links]


def folders(name: str, names: Iterable[str] | None = None) -> list[Path]:
    """Each enabled capability's folder called `name` (migrations, templates ...) that exists."""
    chosen = [c.name for c in enabled(names)]
    return [PACKAGE_DIR / c / name for c in chosen if (PACKAGE_DIR / c / name).is_dir()]


def load_models() -> None:
    """Import every table module so `Base.metadata` is complete."""
    importlib.import_module("liaison.core.models")
    for name in AVAILABLE:
        if (PACKAGE_DIR / name / "models.py").is_file():
            importlib.import_module(f"liaison.{name}.models")
