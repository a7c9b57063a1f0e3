"""Passwords, sign-in throttling and lock-out, bearer tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from liaison.core import accounts
from liaison.core.db import unit_of_work, utcnow
from liaison.core.errors import Conflict, Invalid, Locked, Unauthenticated
from liaison.core.models import ApiToken, AuditEvent, PageSession, User
from tests.conftest import make_account


def test_password_is_stored_as_argon2id_hash(engine: Engine) -> None:
    account = make_account(engine, "officer")
    with unit_of_work(engine) as session:
        user = accounts.get_user(session, account.username)
        assert user.password_hash.startswith("$argon2id$")
        assert account.password not in user.password_hash


def _fail_to_sign_in(engine: Engine, username: str, times: int = 5) -> None:
    """Wrong passwords, each failure committed as the sign-in page does."""
    for _ in range(times):
        with pytest.raises(Unauthenticated), unit_of_work(engine) as session:
            try:
                accounts.authenticate(session, username, "wrong password!")
            finally:
                session.commit()


def test_repeated_failures_lock_the_account(engine: Engine) -> None:
    account = make_account(engine, "officer")
    _fail_to_sign_in(engine, account.username)
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


@pytest.mark.parametrize(
    "password",
    ["eleven char", "password1234", "1qaz2wsx3edc", "Officer.Lan.Nguyen"],
    ids=["too-short", "common", "common-keyboard-row", "the-user-name"],
)
def test_password_policy_refuses_short_common_and_own_name(engine: Engine, password: str) -> None:
    make_account(engine, "officer", username="officer.lan.nguyen")
    with unit_of_work(engine) as session:
        before = accounts.get_user(session, "officer.lan.nguyen").password_hash
    with pytest.raises(Invalid) as refused, unit_of_work(engine) as session:
        accounts.set_password(session, "test", "officer.lan.nguyen", password)
    assert "password" in refused.value.fields
    with unit_of_work(engine) as session:
        assert accounts.get_user(session, "officer.lan.nguyen").password_hash == before


def test_set_password_clears_the_lock_signs_out_and_audits_without_secrets(engine: Engine) -> None:
    account = make_account(engine, "analyst")
    new_password = "a brand new passphrase"
    with unit_of_work(engine) as session:
        user = accounts.get_user(session, account.username)
        accounts.open_page_session(session, user)
        user.failed_signins, user.locked_until = 5, utcnow() + timedelta(minutes=15)
    with unit_of_work(engine) as session:
        accounts.set_password(session, "admin.one", account.username, new_password)
    with unit_of_work(engine) as session:
        user = accounts.get_user(session, account.username)
        assert (user.failed_signins, user.locked_until) == (0, None)
        assert session.scalar(select(func.count()).select_from(PageSession)) == 0
        assert accounts.authenticate(session, account.username, new_password).id == user.id
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "set-password")).one()
        assert event.actor == "admin.one"
        written = repr(event.changes) + event.detail
        assert new_password not in written and user.password_hash not in written


def test_unlock_clears_failed_sign_ins_and_is_audited(engine: Engine) -> None:
    account = make_account(engine, "officer")
    _fail_to_sign_in(engine, account.username)
    with unit_of_work(engine) as session:
        assert accounts.is_locked(accounts.get_user(session, account.username))
        accounts.unlock(session, "admin.one", account.username)
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, account.username, account.password).username == account.username
        assert session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "unlock")).all() == [
            "admin.one"
        ]


def test_own_password_change_needs_the_current_one(engine: Engine) -> None:
    account = make_account(engine, "officer")
    with pytest.raises(Invalid) as refused, unit_of_work(engine) as session:
        accounts.change_own_password(session, account.username, "not my password", "a brand new passphrase")
    assert "current_password" in refused.value.fields
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, account.username, account.password)
        assert (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "set-password")
            )
            == 0
        )


@pytest.mark.parametrize(
    ("given", "stored"), [("Lan.Nguyen@MPS.example", "Lan.Nguyen@mps.example"), ("", "")]
)
def test_email_is_checked_and_normalised(engine: Engine, given: str, stored: str) -> None:
    with unit_of_work(engine) as session:
        user = accounts.create_user(session, "test", "lan.nguyen", "long enough pw", "officer", email=given)
        assert user.email == stored


@pytest.mark.parametrize("email", ["lan.nguyen", "lan@", "lan nguyen@mps.example", "@mps.example"])
def test_malformed_email_is_refused_and_changes_nothing(engine: Engine, email: str) -> None:
    make_account(engine, "officer", username="lan.nguyen")
    with pytest.raises(Invalid) as refused, unit_of_work(engine) as session:
        accounts.update_user(session, "test", "lan.nguyen", email=email)
    assert "email" in refused.value.fields
    with unit_of_work(engine) as session:
        assert accounts.get_user(session, "lan.nguyen").email == ""
