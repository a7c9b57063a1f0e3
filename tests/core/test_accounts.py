"""Passwords, sign-in throttling and lock-out, bearer tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict, Invalid, Locked, Unauthenticated
from liaison.core.models import ApiToken, User
from tests.conftest import make_account


def test_password_is_stored_as_argon2id_hash(engine: Engine) -> None:
    account = make_account(engine, "officer")
    with unit_of_work(engine) as session:
        user = accounts.get_user(session, account.username)
        assert user.password_hash.startswith("$argon2id$")
        assert account.password not in user.password_hash


def test_repeated_failures_lock_the_account(engine: Engine) -> None:
    account = make_account(engine, "officer")
    for _ in range(5):
        with pytest.raises(Unauthenticated), unit_of_work(engine) as session:
            try:
                accounts.authenticate(session, account.username, "wrong password!")
            finally:
                session.commit()
    with pytest.raises(Locked), unit_of_work(engine) as session:
        accounts.authenticate(session, account.username, account.password)


def test_successful_sign_in_resets_the_failure_count(engine: Engine) -> None:
    account = make_account(engine, "analyst")
    with pytest.raises(Unauthenticated), unit_of_work(engine) as session:
        try:
            accounts.authenticate(session, account.username, "nope nope nope")
        finally:
            session.commit()
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, account.username, account.password).failed_signins == 0


def test_token_secret_is_not_stored(engine: Engine) -> None:
    account = make_account(engine, "officer")
    with unit_of_work(engine) as session:
        hashes = session.scalars(select(ApiToken.token_hash)).all()
    assert account.token not in hashes
    assert all(len(h) == 64 for h in hashes)


def test_duplicate_username_is_a_conflict_and_changes_nothing(engine: Engine) -> None:
    make_account(engine, "officer", username="lan.nguyen")
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        accounts.create_user(session, "test", "lan.nguyen", "another-password", "analyst")
    with unit_of_work(engine) as session:
        assert session.scalar(select(User.role).where(User.username == "lan.nguyen")) == "officer"


@pytest.mark.parametrize(
    ("username", "role", "password"),
    [
        ("Bad Name", "officer", "long enough pw"),
        ("ok.name", "king", "long enough pw"),
        ("ok", "officer", "short"),
    ],
)
def test_invalid_user_is_refused(engine: Engine, username: str, role: str, password: str) -> None:
    with pytest.raises(Invalid), unit_of_work(engine) as session:
        accounts.create_user(session, "test", username, password, role)
    with unit_of_work(engine) as session:
        assert accounts.count_users(session) == 0


def test_unit_of_work_rolls_back_everything_on_error(engine: Engine) -> None:
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        accounts.create_user(session, "test", "half.written", "long enough pw", "officer")
        raise RuntimeError("fails after the write")
    with unit_of_work(engine) as session:
        assert accounts.count_users(session) == 0
