"""`liaison node ...`, `liaison peer ...` and `liaison exchange ...`: this node's keys, its partner
nodes (an administrator's work, audited as the CLI) and the delivery worker."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from liaison.core.db import unit_of_work
from liaison.core.security.policy import CLI_ACTOR
from liaison.exchange import keys, peers, sharing_cli

node_app = typer.Typer(help="This node's identity: its id and keys.", no_args_is_help=True)
peer_app = typer.Typer(help="Partner nodes (administrators only).", no_args_is_help=True)
exchange_app = typer.Typer(help="Exchange with partner nodes.", no_args_is_help=True)
console = Console(soft_wrap=True)  # keys and fingerprints on one line each, to copy


def _print_identity(identity: keys.Identity) -> None:
    described = identity.describe()
    console.print(f"node id:                {described['node_id']}", highlight=False)
    console.print(f"agency:                 {described['agency'] or '-'}", highlight=False)
    console.print(f"signing key:            {described['signing_key']}", highlight=False)
    console.print(f"signing fingerprint:    {described['signing_fingerprint']}", highlight=False)
    console.print(f"encryption key:         {described['encryption_key']}", highlight=False)
    console.print(f"encryption fingerprint: {described['encryption_fingerprint']}", highlight=False)
    for previous in identity.previous:
        console.print(f"previous key valid until {previous.valid_until:%Y-%m-%d %H:%M} UTC", highlight=False)


@node_app.command("init")
def node_init(
    node_id: Annotated[str, typer.Option(help="A short stable name for this node, such as vn-mps.")],
    agency: Annotated[str, typer.Option(help="The home agency's registry reference.")] = "",
) -> None:
    """Create this node's Ed25519 signing key and X25519 encryption key (files readable only by you)."""
    _print_identity(keys.init(node_id, agency))


@node_app.command("show")
def node_show() -> None:
    """Print the node id, public keys and fingerprints, to compare with a partner out of band."""
    _print_identity(keys.load())


@node_app.command("rotate")
def node_rotate(
    overlap_days: Annotated[int, typer.Option(help="Days during which the previous keys still verify.")] = 7,
) -> None:
    """Make new keys; the previous ones keep verifying and decrypting for the overlap."""
    from liaison.exchange import rotation

    with unit_of_work() as session:
        identity, announced = rotation.rotate(session, overlap_days, CLI_ACTOR.username)
    _print_identity(identity)
    console.print(f"Announced to {announced} partner node(s).")


@peer_app.command("add")
def peer_add(
    node_id: str,
    base_url: Annotated[str, typer.Option(help="The partner node's address, e.g. https://node.example.org.")],
    signing_key: Annotated[
        str, typer.Option(help="Its signing key (64 hex digits, from `liaison node show`).")
    ],
    encryption_key: Annotated[str, typer.Option(help="Its encryption key (64 hex digits).")],
    agency: Annotated[str, typer.Option(help="Its agency: registry id or reference.")] = "",
) -> None:
    """Record a partner node, unverified until `liaison peer verify`."""
    with unit_of_work() as session:
        peer = peers.add(
            session,
            CLI_ACTOR,
            node_id=node_id,
            base_url=base_url,
            signing_key=signing_key,
            encryption_key=encryption_key,
            agency=agency or None,
        )
        described = peers.describe(peer)
    console.print(f"Partner node {node_id} added, unverified.", highlight=False)
    console.print(f"signing fingerprint:    {described['signing_fingerprint']}", highlight=False)
    console.print(f"encryption fingerprint: {described['encryption_fingerprint']}", highlight=False)


@peer_app.command("verify")
def peer_verify(
    node_id: str,
    fingerprint: Annotated[str, typer.Option(help="The signing fingerprint its operators read to you.")] = "",
) -> None:
    """Mark a partner's fingerprints as compared out of band."""
    with unit_of_work() as session:
        peers.verify(session, CLI_ACTOR, node_id, fingerprint or None)
    console.print(f"Partner node {node_id} verified.", highlight=False)


def _set_status(node_id: str, status: str, reason: str, said: str) -> None:
    with unit_of_work() as session:
        peers.set_status(session, CLI_ACTOR, node_id, status, reason)
    console.print(f"Partner node {node_id} {said}.", highlight=False)


Reason = Annotated[str, typer.Option(help="Why.")]


@peer_app.command("suspend")
def peer_suspend(node_id: str, reason: Reason = "") -> None:
    """Stop sending to and accepting from a partner node."""
    _set_status(node_id, "suspended", reason, "suspended")


@peer_app.command("resume")
def peer_resume(node_id: str, reason: Reason = "") -> None:
    """Make a suspended partner node active again."""
    _set_status(node_id, "active", reason, "active")


@peer_app.command("remove")
def peer_remove(node_id: str, reason: Reason = "") -> None:
    """Remove a partner node (its log is kept, nothing more travels)."""
    _set_status(node_id, "removed", reason, "removed")


@peer_app.command("list")
def peer_list() -> None:
    """Every partner node with its fingerprint, verification and status."""
    with unit_of_work() as session:
        table = Table("node id", "agency", "base URL", "signing fingerprint", "verified", "status", "reason")
        for peer in peers.list_peers(session, CLI_ACTOR):
            table.add_row(
                peer.node_id,
                str(peer.agency_id or ""),
                peer.base_url,
                keys.fingerprint(peer.signing_key),
                "yes" if peer.fingerprint_verified else "no",
                peer.status,
                peer.status_reason,
            )
    console.print(table)


@exchange_app.command("deliver")
def deliver(once: Annotated[bool, typer.Option(help="Drain what is queued, then stop.")] = False) -> None:
    """Send every peer's queued envelopes in order, in batches, retrying with backoff."""
    from liaison.exchange import worker

    sent = worker.run(once=once)
    console.print(f"{sent} envelope(s) acknowledged.")


@exchange_app.command("ping")
def ping(node_id: str) -> None:
    """Queue a ping to a partner node; its answer comes back as `answered` evidence."""
    from liaison.exchange import evidence, outbox

    with unit_of_work() as session:
        sent = outbox.enqueue(
            session,
            peer=peers.get(session, node_id),
            type=evidence.PING_TYPE,
            body={},
            handling_code="H0",
            owning_unit="",
            actor=CLI_ACTOR.username,
        )
        message_id = sent.message_id
    console.print(f"Ping {message_id} queued for {node_id}.", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(node_app, name="node")
    app.add_typer(peer_app, name="peer")
    app.add_typer(exchange_app, name="exchange")
    exchange_app.add_typer(sharing_cli.stix_app, name="stix")  # x3
