"""Docs that cannot drift, in the manner of Datasette's `tests/test_docs.py`: every setting, every
field of the capability contract, every domain event and every capability is documented, and
every audit action word the code records is declared in `vocab/audit_actions.yaml`."""

from __future__ import annotations

import ast
import re
import typing
from pathlib import Path

import pytest

from liaison import capabilities
from liaison.core import audit, events
from liaison.core.audit import actions
from liaison.core.capability import CAPABILITY_FIELDS
from liaison.core.settings import Settings
from liaison.screening.schemas import DecisionIn
from tests.docs import README, ROOT, section
from tests.exchange.readme_nodes import FILLED_IN, PORT, SHOW, sections, two_nodes_block

SRC = ROOT / "src" / "liaison"
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_the_two_nodes_block_still_has_what_its_test_fills_in() -> None:
    """Without a browser or a node (`tests/exchange/test_pages_e2e.py` runs the block): both nodes
    serve, each on a port of its own, and every value the reader fills in comes from a node whose
    `liaison node show` the block runs."""
    block = two_nodes_block()
    cut = sections(block)
    assert [typed.node for typed in cut if typed.serve] == ["A", "B"]
    assert len(set(PORT.findall(block))) == 2
    filled = {match["node"] for typed in cut for match in FILLED_IN.finditer(typed.commands)}
    assert filled == {typed.node for typed in cut if SHOW.search(typed.commands)} == {"A", "B"}


def first_column(text: str) -> list[str]:
    """The backticked word opening each row of the Markdown tables in `text`."""
    return re.findall(r"^\|\s*`([^`]+)`", text, re.M)


@pytest.mark.parametrize("setting", sorted(Settings.model_fields))
def test_every_setting_is_documented(setting: str) -> None:
    readme = section(README.read_text(encoding="utf-8"), "Settings")
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    variable = f"LIAISON_{setting.upper()}"
    assert variable in readme or variable in operations, (
        f"{variable} is in neither README's settings nor docs/operations.md"
    )


def test_every_field_of_the_capability_contract_is_described() -> None:
    assert first_column(section(ARCHITECTURE, "The capability contract")) == list(CAPABILITY_FIELDS)


def test_every_domain_event_is_listed_with_who_publishes_it() -> None:
    declared = {
        value
        for value in vars(events).values()
        if isinstance(value, type) and issubclass(value, events.Event) and value is not events.Event
    }
    assert declared == set(events.EVENT_TYPES)
    table = section(ARCHITECTURE, "Domain events")
    assert first_column(table) == [e.__name__ for e in events.EVENT_TYPES]
    for row in re.findall(r"^\|\s*`(\w+)`\s*\|\s*`([^`]+)`", table, re.M):
        name, publisher = row
        assert f"{name}(" in (SRC.parent / publisher).read_text(encoding="utf-8"), (
            f"{publisher} does not publish {name}"
        )


def test_every_capability_the_docs_name_exists_and_every_one_is_documented() -> None:
    documented = first_column(section(ARCHITECTURE, "Capabilities"))
    assert documented == list(capabilities.AVAILABLE)
    for name in documented:
        assert capabilities.declaration(name).name == name


def _audit_calls(tree: ast.AST) -> list[tuple[ast.Call, ast.FunctionDef | None]]:
    found: list[tuple[ast.Call, ast.FunctionDef | None]] = []

    def walk(node: ast.AST, function: ast.FunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef) else function
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr == "record"
                and isinstance(child.func.value, ast.Name)
                and child.func.value.id == "audit"
            ):
                found.append((child, function))
            walk(child, inner)

    walk(tree, None)
    return found


def _calls_in(tree: ast.AST) -> list[tuple[ast.Call, ast.FunctionDef | None]]:
    """Every call of a plain name in the module, with the function it is made in."""
    found: list[tuple[ast.Call, ast.FunctionDef | None]] = []

    def walk(node: ast.AST, function: ast.FunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name):
                found.append((child, function))
            walk(child, child if isinstance(child, ast.FunctionDef) else function)

    walk(tree, None)
    return found


def _words_passed(tree: ast.AST, function: ast.FunctionDef, parameter: str) -> set[str]:
    """The words every call of `function` in the module passes as `parameter`: a literal, an
    f"add {what}" or a parameter of the calling function, followed to that function's callers."""
    position = [a.arg for a in function.args.args].index(parameter)
    words: set[str] = set()
    for call, caller in _calls_in(tree):
        if call.func.id != function.name:  # type: ignore[attr-defined]
            continue
        words |= _words_of(tree, call.args[position], caller)
    return words


def _words_of(tree: ast.AST, argument: ast.expr, function: ast.FunctionDef | None) -> set[str]:
    if isinstance(argument, ast.Constant):
        return {argument.value}
    if isinstance(argument, ast.JoinedStr) and function is not None:  # f"add {what}"
        (prefix, value) = argument.values
        assert isinstance(prefix, ast.Constant) and isinstance(value, ast.FormattedValue)
        assert isinstance(value.value, ast.Name), ast.unparse(argument)
        return {prefix.value + w for w in _words_passed(tree, function, value.value.id)}
    if isinstance(argument, ast.Name) and function is not None:  # a parameter passed on
        assert argument.id in [a.arg for a in function.args.args], ast.unparse(argument)
        return _words_passed(tree, function, argument.id)
    raise AssertionError(ast.unparse(argument))


def action_words(path: Path) -> set[str]:
    """Every action word `audit.record(...)` may receive in this module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    words: set[str] = set()
    if any(isinstance(n, ast.Attribute) and n.attr == "record_read" for n in ast.walk(tree)):
        words.add("read")  # audit.record_read records the action "read"
    for call, function in _audit_calls(tree):
        action = call.args[2]
        if isinstance(action, ast.Constant | ast.JoinedStr) or (
            isinstance(action, ast.Name)
            and function is not None
            and action.id in [a.arg for a in function.args.args]
        ):
            words |= _words_of(tree, action, function)
        elif isinstance(action, ast.Attribute) and ast.unparse(action.value) == "audit":  # audit.SIGN_IN
            words.add(getattr(audit, action.attr))
        elif ast.unparse(action) == "data.decision":  # a DecisionIn: its literal choices
            words |= set(typing.get_args(DecisionIn.model_fields["decision"].annotation))
        else:
            pytest.fail(f"{path}:{call.lineno}: audit action {ast.unparse(action)} cannot be checked")
    return words


def test_every_audit_action_word_is_declared_in_one_vocabulary() -> None:
    used = {word: path for path in SRC.rglob("*.py") for word in action_words(path)}
    assert "add birth date" in used and "confirm" in used
    undeclared = {word: str(path.relative_to(ROOT)) for word, path in used.items() if word not in actions()}
    assert undeclared == {}, "declare these in src/liaison/vocab/audit_actions.yaml"
    assert set(actions()) - set(used) == set(), "declared but never recorded"
