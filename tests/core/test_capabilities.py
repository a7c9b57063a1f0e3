"""The capability contract at start-up: requirements and vocabularies are checked, with sentences."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison import capabilities
from liaison.app import create_app
from liaison.core.audit import ACTIONS_FILE
from liaison.core.capability import Capability, CapabilityError, NavItem, Vocabulary
from liaison.core.settings import Settings, get_settings
from liaison.core.vocab import VOCAB_DIR, VocabularyError
from liaison.requests.capability import CAPABILITY as REQUESTS
from liaison.requests.kinds import KINDS_FILE
from tests.conftest import make_account

CORE_VOCABULARIES = {
    VOCAB_DIR / "policy.yaml",
    VOCAB_DIR / "handling_codes.yaml",
    VOCAB_DIR / "notification_kinds.yaml",  # validated by capabilities.validate (core.home)
    VOCAB_DIR / "audit_objects.yaml",  # validated by capabilities.validate (core.audit)
    ACTIONS_FILE,
}


@pytest.fixture(autouse=True)
def _reinstall_the_default_capabilities() -> Iterator[None]:
    yield
    capabilities.install(capabilities.enabled())


def with_capabilities(*names: str) -> Settings:
    return get_settings().model_copy(update={"capabilities": names})


def test_removing_registry_stops_the_start_with_a_sentence_naming_it(sqlite_engine: Engine) -> None:
    settings = with_capabilities("engagements", "requests", "subjects", "screening")
    with pytest.raises(CapabilityError) as refused:
        create_app(settings, sqlite_engine)
    assert "'engagements' requires 'registry', which is not enabled" in str(refused.value)
    assert "LIAISON_CAPABILITIES" in str(refused.value)


def test_migrations_without_registry_say_which_capability_needs_it() -> None:
    with pytest.raises(CapabilityError, match="requires 'registry'"):
        capabilities.folders("migrations", ["subjects", "requests"])


def test_an_unknown_capability_is_named() -> None:
    with pytest.raises(CapabilityError, match="Unknown capability 'forecasts'"):
        capabilities.enabled(["registry", "forecasts"])


def test_the_enabled_list_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_CAPABILITIES", "registry, subjects")
    assert Settings().capabilities == ("registry", "subjects")


def test_a_node_runs_only_the_capabilities_it_enables(sqlite_engine: Engine) -> None:
    analyst = make_account(sqlite_engine, "analyst")
    with TestClient(create_app(with_capabilities("registry", "subjects"), sqlite_engine)) as client:
        assert client.post("/api/v1/screen", json={"name": "x"}, headers=analyst.headers).status_code == 404
        home = client.get("/", headers=analyst.headers).text
    assert "/registry/partners" in home and "/subjects" in home and "/screening/hits" not in home


def test_a_broken_request_kinds_file_stops_the_start_naming_file_and_line(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    broken = tmp_path / "request_kinds.yaml"
    text = KINDS_FILE.read_text(encoding="utf-8")
    assert "days: 30" in text
    broken.write_text(text.replace("days: 30", "days: thirty", 1), encoding="utf-8")
    line = text[: text.index("days: 30")].count("\n") + 1
    requests = dataclasses.replace(
        REQUESTS, vocabularies=(Vocabulary(broken, REQUESTS.vocabularies[0].model),)
    )
    chosen = [requests if c.name == "requests" else c for c in capabilities.enabled()]
    app = create_app(get_settings(), sqlite_engine, capabilities=chosen)
    with pytest.raises(VocabularyError) as stopped, TestClient(app):
        pass
    assert f"{broken}:{line}:" in str(stopped.value)


def test_every_vocabulary_file_is_declared_and_so_validated_at_start_up() -> None:
    declared = {v.path for c in capabilities.enabled(capabilities.AVAILABLE) for v in c.vocabularies}
    files = set(capabilities.PACKAGE_DIR.glob("**/vocab/*.yaml"))
    assert KINDS_FILE in declared
    assert files - declared - CORE_VOCABULARIES == set()


def test_every_capability_declares_itself_under_its_own_name() -> None:
    for name in capabilities.AVAILABLE:
        declared = capabilities.declaration(name)
        assert isinstance(declared, Capability) and declared.name == name
        assert set(declared.requires) <= set(capabilities.AVAILABLE)


def test_the_command_line_without_registry_stops_with_the_sentence(tmp_path: Path) -> None:
    env = {**os.environ, "LIAISON_CAPABILITIES": "engagements,subjects", "LIAISON_HOME": str(tmp_path)}
    ran = subprocess.run(
        [sys.executable, "-m", "liaison", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 1 and "Traceback" not in ran.stderr
    assert "'engagements' requires 'registry', which is not enabled" in " ".join(ran.stderr.split())


def test_a_menu_shortcut_taken_twice_or_malformed_stops_the_start() -> None:
    capabilities.check_shortcuts(capabilities.enabled(capabilities.AVAILABLE))  # the shipped ones fit
    taken = dataclasses.replace(REQUESTS, nav=(NavItem("Elsewhere", "/elsewhere", "requests.read", "g r"),))
    with pytest.raises(CapabilityError, match="'g r' of 'Elsewhere' already opens 'Requests'"):
        capabilities.check_shortcuts([REQUESTS, taken])
    home = dataclasses.replace(REQUESTS, nav=(NavItem("Mine", "/mine", "requests.read", "g h"),))
    with pytest.raises(CapabilityError, match="already opens 'Home'"):
        capabilities.check_shortcuts([home])
    odd = dataclasses.replace(REQUESTS, nav=(NavItem("Odd", "/odd", "requests.read", "ctrl+r"),))
    with pytest.raises(CapabilityError, match='is not "g" and a lower-case letter'):
        capabilities.check_shortcuts([odd])
