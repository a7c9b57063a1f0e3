"""The `liaison` command. Every sub-command runs in one transaction and delegates to services.

Capabilities add their own commands through the `cli` of their `Capability` declaration.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from uvicorn.supervisors import Multiprocess

from liaison import capabilities
from liaison.core import accounts, audit, listening, second_factor, workers
from liaison.core import backup as backups
from liaison.core.capability import CapabilityError
from liaison.core.db import get_engine, unit_of_work
from liaison.core.errors import DomainError
from liaison.core.migrate import upgrade
from liaison.core.models import User
from liaison.core.settings import Settings, get_settings
from liaison.core.vocab import VocabularyError

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="People who may sign in.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens for the API.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
notify_app = typer.Typer(help="Notifications in the app and by e-mail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(notify_app, name="notify")

console = Console()
CLI_ACTOR = "cli"

DEMO_USERS = (
    ("admin", "admin", "Demo administrator"),
    ("supervisor", "supervisor", "Demo supervisor"),
    ("officer", "officer", "Demo liaison officer"),
    ("analyst", "analyst", "Demo analyst"),
    ("auditor", "auditor", "Demo auditor"),
)
DEMO_PASSWORD_SUFFIX = "-demo-pass"


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to the newest migration of the core and every capability."""
    upgrade(get_engine())
    console.print("Database is at the newest schema.")


@app.command()
def init(
    demo: Annotated[bool, typer.Option(help="Load demo data (users, the press releases' partners).")] = False,
) -> None:
    """Create the data folder and secret key, migrate, and optionally load the demo data. Safe to repeat."""
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.resolved_secret_key(create=True)
    capabilities.validate(capabilities.installed())
    upgrade(get_engine())
    with unit_of_work() as session:
        if demo:
            for username, role, full_name in DEMO_USERS:
                if not session.scalar(select(User).where(User.username == username)):
                    accounts.create_user(
                        session,
                        CLI_ACTOR,
                        username,
                        username + DEMO_PASSWORD_SUFFIX,
                        role,
                        full_name=full_name,
                        unit="international-cooperation",
                    )
            for capability in capabilities.installed():
                if capability.demo is not None:
                    capability.demo(session, CLI_ACTOR)
        users = accounts.count_users(session)
    console.print(f"Liaison is ready in {settings.home} ({settings.resolved_database_url}).")
    if demo:
        console.print(
            "Sign in as [bold]admin[/] / [bold]admin-demo-pass[/] (also officer, supervisor, analyst, "
            "auditor with <name>-demo-pass). Demo accounts only: never on a real node.\n"
            "admin and supervisor need a second factor: at their first sign-in the page shows a QR "
            "code for an authenticator app (or compute the codes from the key shown there with "
            "`oathtool --totp -b KEY`)."
        )
    elif users == 0:
        console.print("No users yet: add one with `liaison user add NAME --role admin`.")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers_: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Server processes, each with its own screening index."),
    ] = None,
) -> None:
    """Start the web application and API (in `--workers` processes on one port)."""
    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    processes = workers_ or settings.workers
    console.print(f"Liaison on http://{host}:{port}/ (API under /api/v1). Ctrl-C stops it.")
    if processes > 1:
        console.print(f"{processes} server processes, each index following the subject change log.")
    if not settings.start_worker:  # the worker runs at least the notification sweep
        _serve(settings, host, port, processes)
        return
    console.print(
        "Batch jobs and notifications in a `liaison worker` process beside it "
        "(LIAISON_START_WORKER=false: none)."
    )
    with workers.beside():
        _serve(settings, host, port, processes)


HEALTHCHECK_SECONDS = 120


def _serve(settings: Settings, host: str, port: int, processes: int) -> None:
    """One process: this app. Several: uvicorn's supervisor starts each, which builds its own app
    from the same environment (`served_app` as factory) and restarts one that dies. Either way
    the collector runs at the serving thresholds (`app.SERVE_GC_THRESHOLDS`)."""
    if processes == 1:
        from liaison.app import SERVE_GC_THRESHOLDS, create_app

        gc.set_threshold(*SERVE_GC_THRESHOLDS)
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    config = uvicorn.Config(
        "liaison.app:served_app",
        factory=True,
        host=host,
        port=port,
        workers=processes,
        log_level="info",
        # A process building its index or loading the name tables holds the interpreter for seconds
        # at a time (minutes on a loaded machine); uvicorn's 5 s would take it for dead and kill it.
        timeout_worker_healthcheck=HEALTHCHECK_SECONDS,
    )
    # what `uvicorn.run` does for several workers, but with a socket of each process's own where
    # the kernel can share connections out among them (`core.listening`)
    try:
        held = listening.hold_port(host, port) if listening.shares_out_connections() else config.bind_socket()
    except OSError as error:  # what uvicorn says of a taken port, without a traceback
        console.print(f"[red]Cannot listen on {host}:{port}: {error.strerror}.[/red]")
        raise typer.Exit(1) from error
    Multiprocess(config, sockets=[held]).run()


@app.command()
def worker() -> None:
    """Run the background jobs (batch screening runs, the notification sweep) until SIGTERM or Ctrl-C."""
    workers.run(get_engine(), capabilities.installed())


def read_new_password(password_stdin: bool) -> str:
    """A new password from a hidden prompt (asked twice), or the first line of stdin for scripts.

    Never from an argument: arguments are visible to every user of the machine and in shell history.
    """
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help="admin, supervisor, officer, analyst or auditor.")],
    full_name: Annotated[str, typer.Option(help="Name shown on pages.")] = "",
    unit: Annotated[str, typer.Option(help="Owning unit, for records' handling codes.")] = "",
    email: Annotated[str, typer.Option(help="E-mail address, for reminders.")] = "",
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user; the password is asked for (or read from stdin) and stored as an Argon2id hash."""
    password = read_new_password(password_stdin)
    with unit_of_work() as session:
        accounts.create_user(
            session, CLI_ACTOR, name, password, role, full_name=full_name, unit=unit, email=email
        )
    console.print(f"User {name} added as {role}.")


@user_app.command("password")
def user_password(name: str, password_stdin: PasswordStdin = False) -> None:
    """Set a user's password (asked for, or read from stdin); signs out their page sessions and
    clears any lock."""
    password = read_new_password(password_stdin)
    with unit_of_work() as session:
        accounts.set_password(session, CLI_ACTOR, name, password)
    console.print(f"Password of {name} changed; their page sessions are signed out.")


@user_app.command("unlock")
def user_unlock(name: str) -> None:
    """Clear a user's failed sign-ins and lock, so they may sign in again at once."""
    with unit_of_work() as session:
        accounts.unlock(session, CLI_ACTOR, name)
    console.print(f"User {name} unlocked.")


@user_app.command("totp-reset")
def user_totp_reset(name: str) -> None:
    """Forget a user's second factor (a lost phone): tokens revoked, sessions signed out; they
    enrol again at their next sign-in."""
    with unit_of_work() as session:
        accounts.reset_second_factor(session, CLI_ACTOR, name)
    console.print(f"Second factor of {name} reset: they enrol again at their next sign-in.")


@user_app.command("email")
def user_email(name: str, email: str) -> None:
    """Set a user's e-mail address (an empty one removes it)."""
    with unit_of_work() as session:
        user = accounts.update_user(session, CLI_ACTOR, name, email=email)
        address = user.email
    console.print(f"E-mail of {name}: {address or 'none'}.")


@user_app.command("list")
def user_list() -> None:
    """List users, with their e-mail address, second factor and any lock."""
    with unit_of_work() as session:
        table = Table(
            "user name", "role", "unit", "e-mail", "active", "second factor", "locked until", "full name"
        )
        for user in accounts.list_users(session):
            table.add_row(
                user.username,
                user.role,
                user.unit,
                user.email,
                "yes" if user.is_active else "no",
                "yes" if second_factor.is_enrolled(user) else "no",
                f"{user.locked_until:%Y-%m-%d %H:%M} UTC" if accounts.is_locked(user) else "",
                user.full_name,
            )
    console.print(table)


@token_app.command("create")
def token_create(
    user: str,
    expires: Annotated[int | None, typer.Option(help="Days until it expires (default: never).")] = None,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
) -> None:
    """Create a bearer token; it is printed once, only its hash is kept. For a user with a second
    factor (administrators and supervisors), their current code is asked for."""
    with unit_of_work() as session:
        code = None
        if accounts.token_needs_code(accounts.get_user(session, user)):
            code = str(typer.prompt(f"Current second-factor code of {user} (or a recovery code)"))
        try:
            token, secret = accounts.create_token(
                session, CLI_ACTOR, user, expires_days=expires, label=label, code=code
            )
        except second_factor.WrongCode:
            session.commit()  # the wrong code counts towards the user's lock, as at sign-in
            raise
        token_id = token.id
    console.print(f"Token {token_id} for {user} (shown once, keep it safe):", highlight=False)
    print(secret)


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by its id; it stops working at once."""
    with unit_of_work() as session:
        accounts.revoke_token(session, CLI_ACTOR, token_id)
    console.print(f"Token {token_id} revoked.")


@token_app.command("list")
def token_list() -> None:
    """List tokens (never their secrets)."""
    with unit_of_work() as session:
        table = Table("id", "user", "label", "created", "expires", "revoked")
        for token in accounts.list_tokens(session):
            table.add_row(
                str(token.id),
                token.user.username,
                token.label,
                f"{token.created_at:%Y-%m-%d}",
                f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "never",
                f"{token.revoked_at:%Y-%m-%d}" if token.revoked_at else "",
            )
    console.print(table)


@audit_app.command("verify")
def audit_verify() -> None:
    """Link committed events not chained yet, then recompute the audit hash chain; exit 1 naming
    the first broken event when it was altered."""
    audit.chain_pending(get_engine())
    with unit_of_work() as session:
        report = audit.verify_chain(session)
    if not report.is_intact:
        fail(f"audit chain broken at event {report.first_broken_seq}: {report.reason}")
    console.print(f"Audit chain intact: {report.events} events.")


@notify_app.command("run")
def notify_run() -> None:
    """Tell every user what needs them and was not told yet (deadlines approaching and passed,
    incoming requests, hits, approvals, commitments due), in the app and by e-mail through
    LIAISON_SMTP_HOST:LIAISON_SMTP_PORT, as each chose. Running it again sends nothing new."""
    from liaison.core import notifications

    settings = get_settings()
    with unit_of_work() as session:
        report = notifications.run(session, settings)
    console.print(
        f"{report.created} notifications made; {report.messages} e-mails ({report.emailed} notifications) "
        f"sent through {settings.smtp_host}:{settings.smtp_port}."
    )
    if report.without_address:
        console.print(f"No e-mail address (told in the app only): {', '.join(report.without_address)}.")
    if report.mail_error:
        console.print(
            f"[red]The mail server refused:[/] {report.mail_error}; the e-mails wait for the next run."
        )
        raise typer.Exit(1)


@app.command("backup")
def backup_command(path: Path) -> None:
    """Write a consistent backup while Liaison runs (SQLite online backup, or pg_dump)."""
    backups.backup(get_engine(), path)
    console.print(f"Backup written to {path}.")


@app.command("restore")
def restore_command(path: Path) -> None:
    """Replace the database with a backup made by `liaison backup`, then check its audit chain."""
    engine = get_engine()
    backups.restore(engine, path)
    with unit_of_work(engine) as session:
        report = audit.verify_chain(session)
    console.print(
        f"Restored from {path}; audit chain {'intact' if report.is_intact else 'BROKEN'} "
        f"({report.events} events)."
    )


def fail(reason: str) -> None:
    Console(stderr=True).print(f"[red]error:[/] {reason}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


_refused: CapabilityError | None = None
try:
    capabilities.install(capabilities.enabled())
except CapabilityError as error:  # told by main() as one sentence, not a traceback at import
    _refused = error
else:
    for _capability in capabilities.installed():
        if _capability.cli is not None:
            _capability.cli(app)


def main() -> None:
    """Entry point: one-line reasons instead of tracebacks for expected failures."""
    try:
        if _refused is not None:
            raise _refused
        app()
    except (DomainError, VocabularyError, CapabilityError) as error:
        detail = error.detail if isinstance(error, DomainError) else str(error)
        fields = getattr(error, "fields", {})
        if fields:
            detail += " " + "; ".join(f"{k}: {v}" for k, v in fields.items())
        Console(stderr=True).print(f"[red]error:[/] {detail}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except SQLAlchemyError as error:
        Console(stderr=True).print(
            f"[red]error:[/] database problem ({type(error).__name__}); is it reachable and migrated "
            "(`liaison db upgrade`)?",
            highlight=False,
        )
        sys.exit(1)
