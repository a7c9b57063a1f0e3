"""The workflow engine: which transitions a user may make now, and what a transition does to
the request's clocks. Pure functions over the kinds vocabulary; `service.py` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.core.errors import Conflict, Forbidden, Invalid, Phrase
from liaison.requests.kinds import KindsFile, Transition


@dataclass(frozen=True)
class ClockChanges:
    started: tuple[str, ...]
    met: tuple[str, ...]
    cancel_open: bool
    restarted: tuple[str, ...] = ()


def possible_transitions(kinds: KindsFile, kind: str, direction: str, state: str) -> dict[str, Transition]:
    """Every transition out of `state`, whoever may make it."""
    return kinds.workflow(kind, direction).transitions_from(state)


def allowed_transitions(kinds: KindsFile, kind: str, direction: str, state: str, role: str) -> list[str]:
    """The transitions out of `state` that `role` may make, in the file's order."""
    return [
        name
        for name, transition in possible_transitions(kinds, kind, direction, state).items()
        if role in transition.roles
    ]


def check_transition(
    kinds: KindsFile, kind: str, direction: str, state: str, name: str, role: str, reason: str
) -> Transition:
    """The transition `name` out of `state`, or the error that forbids it.

    Not possible from this state: 409 listing what the user may do now. Possible, but not for
    this role: 403. A transition that needs a reason and got none: 422.
    """
    possible = possible_transitions(kinds, kind, direction, state)
    transition = possible.get(name)
    if transition is None:
        allowed = allowed_transitions(kinds, kind, direction, state, role)
        raise Conflict(
            "A request that is {state_label} cannot “{name}”. Allowed now: {choices}.",
            state_label=kinds.states().get(state, state),
            name=name,
            choices=[possible.get(a, a) for a in allowed],
            allowed=allowed,
            state=state,
        )
    if role not in transition.roles:
        raise Forbidden(
            "Your role ({role}) may not “{action}” a request; {roles} may.",
            role=Phrase(role),
            action=transition,
            roles=[Phrase(r) for r in transition.roles],
        )
    if transition.reason_required and not reason.strip():
        raise Invalid(
            "“{action}” needs a reason.", action=transition, fields={"reason": "required for this transition"}
        )
    return transition


def clock_changes(kinds: KindsFile, kind: str, direction: str, new_state: str) -> ClockChanges:
    """Entering `new_state`: which clocks start, which are met, which running ones count again
    from now (`restarts`), and whether the rest stop."""
    spec = kinds.kinds[kind]
    started = tuple(name for name, clock in spec.clocks.items() if new_state in clock.starts)
    met = tuple(name for name, clock in spec.clocks.items() if new_state in clock.met_by)
    restarted = tuple(
        name
        for name, clock in spec.clocks.items()
        if new_state in clock.restarts.get(direction, ())  # type: ignore[call-overload]
    )
    return ClockChanges(started, met, kinds.workflow(kind, direction).is_final(new_state), restarted)
