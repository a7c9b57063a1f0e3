"""A real server on loopback and a real Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
import uvicorn
from sqlalchemy import Engine

from tests.conftest import Account, app_on, make_account


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)  # spread over the workers like the rest: one Chromium each


class Served(Protocol):
    """Anything serving the pages at `url`: the live server here, or a node process."""

    url: str


@dataclass
class LiveServer:
    url: str
    engine: Engine

    def account(self, role: str, username: str | None = None) -> Account:
        return make_account(self.engine, role, username=username)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live_server(sqlite_engine: Engine) -> Iterator[LiveServer]:
    """The whole application served by uvicorn on a free loopback port, on a fresh database."""
    port = _free_port()
    config = uvicorn.Config(app_on(sqlite_engine), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    # start-up builds the screening index: on a loaded two-core machine that takes well over 15 s
    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", sqlite_engine)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser_page(chromium, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) preferring English, and its page."""
    context = chromium.new_context(locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, server: Served, account: Account) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the form, as a person would: the password, then the code of the account's
    authenticator app when it has a second factor."""
    page.goto(server.url + "/signin")
    page.get_by_label("User name").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if account.totp_secret:
        page.get_by_label("Code").fill(account.code())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


def open_as_officer(page, server: LiveServer, language: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in as an officer, switch to `language` and open `path`: how the edit flows begin."""
    sign_in(page, server, server.account("officer", "hoa.officer"))
    speak(page, language)
    page.goto(server.url + path)


def speak(page, language: str) -> None:  # type: ignore[no-untyped-def]
    """Switch the signed-in page to `language` through the shell's language form."""
    if language == "en":
        return
    page.get_by_label("Language").select_option(language)
    page.get_by_role("button", name="Change language").click()
    page.wait_for_function(f"document.documentElement.lang === '{language}'")
