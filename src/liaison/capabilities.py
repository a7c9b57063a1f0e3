"""The capabilities this installation runs, in navigation order.

Each name is a package `liaison.<name>` that may provide, by convention:
`models` (tables), `migrations/` (its Alembic branch), `api.router` (JSON routes under /api/v1),
`pages.router` and `pages.NAV` (HTML pages and their menu entries), `cli.app` (a `liaison <name>`
sub-command), `templates/` and `translations/<lang>.po`. Adding a capability is adding its name here.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

CAPABILITIES: tuple[str, ...] = ("registry", "engagements", "requests", "subjects", "screening", "ingest")

PACKAGE_DIR = Path(__file__).resolve().parent


def module(capability: str, part: str) -> ModuleType | None:
    """`liaison.<capability>.<part>` when the capability has that part, else None."""
    if not (PACKAGE_DIR / capability / f"{part}.py").exists():
        return None
    return importlib.import_module(f"liaison.{capability}.{part}")


def folders(name: str) -> list[Path]:
    """Each capability's folder called `name` (templates, migrations ...) that exists."""
    return [PACKAGE_DIR / c / name for c in CAPABILITIES if (PACKAGE_DIR / c / name).is_dir()]


def load_models() -> None:
    """Import every table module so `Base.metadata` is complete."""
    importlib.import_module("liaison.core.models")
    for capability in CAPABILITIES:
        module(capability, "models")
