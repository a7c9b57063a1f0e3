"""Load declarative vocabularies (YAML) into validated, typed objects.

Domain words that change without code changes live in data files under `liaison/vocab/` or in a
capability's own folder. A file that does not validate stops start-up with the file name, the
line and what is wrong, so a non-programmer who edits one sees where.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, ValidationError
from pydantic.json_schema import JsonSchemaValue

from liaison.core import i18n
from liaison.core.errors import Conflict, FieldName, Invalid, Phrase

VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"
# libyaml when PyYAML was built with it (ten times faster: vocabularies are read at every start)
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ModelT = TypeVar("ModelT", bound=BaseModel)


class VocabularyError(RuntimeError):
    """A vocabulary file is missing, not YAML, or breaks its schema."""


def _line_of(node: yaml.Node | None, location: tuple[Any, ...]) -> int:
    """The 1-based line of the YAML node at `location`, or of its nearest ancestor."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in location:
        if isinstance(node, yaml.MappingNode):
            node = next((value for k, value in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def load_vocabulary(path: Path, model: type[ModelT]) -> ModelT:
    """Parse and validate one vocabulary file; raise `VocabularyError` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise VocabularyError(f"{path}: cannot read vocabulary file: {error.strerror}") from error
    try:
        data = yaml.load(text, Loader=LOADER)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise VocabularyError(f"{path}:{line}: not valid YAML: {error.problem}") from error
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        # the node tree (with its line marks) is only needed to say where the error is
        line = _line_of(yaml.compose(text, Loader=LOADER), tuple(first["loc"]))
        raise VocabularyError(f"{path}:{line}: {where}: {first['msg']}") from error


class Label(BaseModel):
    """A vocabulary entry's words in each page language."""

    model_config = ConfigDict(extra="forbid")

    en: str
    vi: str

    def label(self, language: str | None = None) -> str:
        """The words in `language`, by default the current page's."""
        return self.vi if (language or i18n.current_language.get()) == "vi" else self.en


class Status(Label):
    """A state: its labels, the states it may move to, and whether it counts as in force."""

    next: list[str] = []
    in_force: bool = False


def check_machine(statuses: Mapping[str, Status], name: str, final: Collection[str] | None = None) -> None:
    """Refuse a vocabulary whose states lead to states it does not declare; when it names its
    `final` states, refuse also a state that is not final and has no way out (a dead state)."""
    for code, status in statuses.items():
        unknown = sorted(set(status.next) - set(statuses))
        if unknown:
            raise ValueError(f"{name}.{code}.next names unknown statuses {unknown}")
    if final is not None:
        dead = sorted(code for code, status in statuses.items() if not status.next and code not in final)
        if dead:
            raise ValueError(f"{name} {dead} are not final and have no way out")


def label(mapping: Mapping[str, Label], code: str | None) -> str:
    """The label of `code` in the current language; the code itself when it is not known."""
    if code is None:
        return ""
    entry = mapping.get(code)
    return code if entry is None else entry.label()


def allowed_next(states: Mapping[str, Status], current: str | None) -> list[str]:
    """The states a record in `current` may move to (none from a state the vocabulary lacks)."""
    entry = states.get(current or "")
    return list(entry.next) if entry else []


def check_move(states: Mapping[str, Status], current: str, target: str, what: str) -> None:
    """Refuse a move the state machine does not allow: `Invalid` for an unknown state, else
    `Conflict` listing the states allowed from `current`."""
    require(states, target, "status")
    allowed = allowed_next(states, current)
    if target not in allowed:
        raise Conflict(
            "A {what} that is {from_status} cannot become {to_status}.",
            what=Phrase(what),
            from_status=states.get(current, current),
            to_status=states[target],
            allowed=allowed,
            current=current,
        )


def require(mapping: Mapping[str, object], code: str, field: str) -> str:
    """`code` when the vocabulary knows it, else `Invalid` naming the field and the choices."""
    if code not in mapping:
        raise Invalid(
            "Unknown {field} {code!r}.",
            field=FieldName(field),
            code=code,
            fields={field: Phrase("one of {choices}", {"choices": list(mapping)})},
        )
    return code


def require_all(mapping: Mapping[str, object], codes: list[str], field: str) -> list[str]:
    """Each code known to the vocabulary, duplicates dropped, else `Invalid`."""
    unknown = [c for c in codes if c not in mapping]
    if unknown:
        raise Invalid(
            "Unknown {field}: {unknown}.",
            field=FieldName(field),
            unknown=unknown,
            fields={field: Phrase("each one of {choices}", {"choices": list(mapping)})},
        )
    return list(dict.fromkeys(codes))


@dataclass(frozen=True)
class Codes:
    """`Annotated[str, Codes(source)]`: a vocabulary code whose JSON schema lists the codes `source()`
    gives (an `enum`, read when the OpenAPI document is built), so the document names the choices
    and generated requests use them. Validation stays with the service (`require`), whose answer
    names the field and the choices; `empty` adds "" where it means "none" or "the default"."""

    source: Callable[[], Iterable[str]]
    empty: bool = False

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        codes = list(dict.fromkeys(self.source()))
        schema["enum"] = ["", *codes] if self.empty else codes
        return schema


def codes_of(mapping: Callable[[], Mapping[str, object]]) -> Callable[[], Iterable[str]]:
    """The codes of a vocabulary mapping read lazily (`codes_of(lambda: vocabulary().agency_kinds)`)."""
    return lambda: list(mapping())
