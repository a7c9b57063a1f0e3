"""The request-kinds vocabulary: kinds, their workflows, fields, required documents and clocks.

Everything a kind is lives in `vocab/request_kinds.yaml`; this module only gives it types and
checks it once at start-up (a transition to an unknown state, a state with no way out, a clock
that never starts, a role that does not exist stop the start with the file and line). Adding a
kind is an edit there.

A workflow's states are the one state machine of `core.vocab` (`Status`): each state's next
states are derived from the named transitions, and `check_machine` and `allowed_next` do the
rest. The transitions add what only requests have on top: names, roles, reasons, requirements.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from liaison.core.security.policy import ROLES
from liaison.core.vocab import Label, Status, allowed_next, check_machine, load_vocabulary

KINDS_FILE = Path(__file__).resolve().parent / "vocab" / "request_kinds.yaml"
DIRECTIONS = ("outgoing", "incoming")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

Direction = Literal["outgoing", "incoming"]
DayKind = Literal["calendar", "working"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Transition(Strict, Label):
    from_: tuple[str, ...] = Field(alias="from")
    to: str
    roles: tuple[str, ...]
    reason_required: bool = False
    reason_offered: bool = False  # the page asks for it without requiring it: an answer's own words
    checks_requirements: bool = False

    @model_validator(mode="after")
    def _roles_known(self) -> Transition:
        unknown = sorted(set(self.roles) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown roles {unknown}; roles are {list(ROLES)}")
        return self


class Workflow(Strict):
    initial: str
    states: dict[str, Status]
    final: tuple[str, ...]
    responded: tuple[str, ...] = ()
    transitions: dict[str, Transition]

    @model_validator(mode="after")
    def _machine(self) -> Workflow:
        """Derive each state's next states from the transitions, then check the machine."""
        named = {self.initial, *self.final, *self.responded}
        for name, transition in self.transitions.items():
            named |= set(transition.from_)
            if transition.to in transition.from_:
                raise ValueError(f"transition {name!r} goes from {transition.to!r} to itself")
        unknown = sorted(named - set(self.states))
        if unknown:
            raise ValueError(f"states {unknown} are used but not declared under states")
        written = sorted(code for code, status in self.states.items() if status.next)
        if written:
            raise ValueError(f"states {written} list next states; a workflow's transitions say them")
        for code, status in self.states.items():
            targets = [t.to for t in self.transitions.values() if code in t.from_]
            self.states[code] = status.model_copy(update={"next": list(dict.fromkeys(targets))})
        check_machine(self.states, "states", final=self.final)
        return self

    def transitions_from(self, state: str) -> dict[str, Transition]:
        """The named transitions out of `state`, among those the state machine allows."""
        targets = set(allowed_next(self.states, state))
        return {name: t for name, t in self.transitions.items() if t.to in targets and state in t.from_}

    def is_final(self, state: str) -> bool:
        return state in self.final


class FieldSpec(Strict, Label):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: Literal["text", "date", "number", "choice"] = "text"
    required: bool = False
    choices: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _choices_for_choice(self) -> FieldSpec:
        if (self.type == "choice") != bool(self.choices):
            raise ValueError("a field has choices exactly when its type is choice")
        return self


class DocumentSpec(Strict, Label):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")


class Clock(Strict, Label):
    days: int = Field(ge=1, le=3650)
    urgent_days: int | None = Field(default=None, ge=1, le=3650)
    day_kind: DayKind = "calendar"
    starts: tuple[str, ...] = Field(min_length=1)
    met_by: tuple[str, ...] = Field(min_length=1)
    # Entering one of these states (per direction) starts a running clock again from that event:
    # the partner's acknowledgement says when it received an outgoing request.
    restarts: dict[Direction, tuple[str, ...]] = {}

    def period(self, urgency: str) -> int:
        return self.urgent_days if urgency == "urgent" and self.urgent_days else self.days


class Kind(Strict, Label):
    covered_by: tuple[str, ...] = Field(min_length=1)
    workflows: dict[Direction, str]
    fields: tuple[FieldSpec, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    clocks: dict[str, Clock] = {}

    @property
    def required_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.required)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def document(self, code: str) -> DocumentSpec | None:
        return next((d for d in self.documents if d.code == code), None)


class Calendar(Strict):
    time_zone: str = "settings"
    weekend: tuple[str, ...] = ("saturday", "sunday")
    holidays: frozenset[date] = frozenset()

    @model_validator(mode="after")
    def _weekdays_known(self) -> Calendar:
        unknown = sorted(set(self.weekend) - set(WEEKDAYS))
        if unknown:
            raise ValueError(f"unknown weekdays {unknown}")
        return self

    @property
    def weekend_numbers(self) -> frozenset[int]:
        return frozenset(WEEKDAYS.index(day) for day in self.weekend)


class KindsFile(Strict):
    due_soon_days: int = Field(default=3, ge=0, le=60)
    calendar: Calendar = Calendar()
    workflows: dict[str, Workflow]
    clock_sets: dict[str, Any] = {}  # only a home for YAML anchors; kinds hold the clocks
    kinds: dict[str, Kind] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_resolve(self) -> KindsFile:
        for name, kind in self.kinds.items():
            if set(kind.workflows) != set(DIRECTIONS):
                raise ValueError(f"kind {name!r} needs a workflow for each direction {list(DIRECTIONS)}")
            flows = []
            for direction, workflow_name in kind.workflows.items():
                if workflow_name not in self.workflows:
                    raise ValueError(f"kind {name!r} ({direction}) names unknown workflow {workflow_name!r}")
                flows.append(self.workflows[workflow_name])
            for clock_name, clock in kind.clocks.items():
                for flow in flows:
                    if not set(clock.starts) & set(flow.states):
                        raise ValueError(
                            f"kind {name!r}: clock {clock_name!r} never starts ({flow.initial!r} workflow)"
                        )
                known = set().union(*(flow.states for flow in flows))
                restarting = set().union(*clock.restarts.values()) if clock.restarts else set()
                unknown = sorted((set(clock.starts) | set(clock.met_by) | restarting) - known)
                if unknown:
                    raise ValueError(f"kind {name!r}: clock {clock_name!r} names unknown states {unknown}")
            codes = [d.code for d in kind.documents]
            if len(codes) != len(set(codes)):
                raise ValueError(f"kind {name!r} lists a document twice")
        return self

    def kind(self, name: str) -> Kind | None:
        return self.kinds.get(name)

    def workflow(self, kind: str, direction: str) -> Workflow:
        return self.workflows[self.kinds[kind].workflows[direction]]  # type: ignore[index]

    def states(self) -> dict[str, Label]:
        """Every state of every workflow, for filters and labels."""
        found: dict[str, Label] = {}
        for flow in self.workflows.values():
            for name, label in flow.states.items():
                found.setdefault(name, label)
        return found


def load_kinds(path: Path = KINDS_FILE) -> KindsFile:
    return load_vocabulary(path, KindsFile)


@lru_cache
def request_kinds() -> KindsFile:
    """The validated vocabulary, loaded once."""
    return load_kinds()
