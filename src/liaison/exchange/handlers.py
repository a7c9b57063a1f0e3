"""The receive-side interface: one handler per envelope type, run exactly once per message id.

A handler runs in the transaction that stores the incoming envelope, so its effect commits with
the acceptance or not at all. It reads the envelope it is given, not the `exchange_incoming`
table: the receiver writes a batch's envelopes in one insert once their handlers ran (a handler's
refusal rolls the batch back and applies it again, one savepoint per envelope). Capabilities'
exchange modules register theirs with `@handle("type")` and are imported by
`exchange/capability.py`. A type without a handler is refused (`unknown_type`).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from liaison.exchange.models import IncomingEnvelope, Peer

Handler = Callable[[Session, Peer, IncomingEnvelope], None]

_HANDLERS: dict[str, Handler] = {}


def handle(type: str) -> Callable[[Handler], Handler]:
    """Register `handler` for envelopes of `type`; a second registration for the type is a mistake."""

    def register(handler: Handler) -> Handler:
        existing = _HANDLERS.get(type)
        if existing is not None and existing is not handler:
            raise RuntimeError(f"exchange type {type!r} already has a handler: {existing.__qualname__}")
        _HANDLERS[type] = handler
        return handler

    return register


def handler_for(type: str) -> Handler | None:
    return _HANDLERS.get(type)


def known_types() -> frozenset[str]:
    return frozenset(_HANDLERS)


def apply(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """Run the handler of the envelope's type (the receiver checked the type exists first)."""
    handler = _HANDLERS[incoming.type]
    handler(session, peer, incoming)
