"""Load declarative vocabularies (YAML) into validated, typed objects.

Domain words that change without code changes live in data files under `liaison/vocab/` or in a
capability's own folder. A file that does not validate stops start-up with the file name, the
line and what is wrong, so a non-programmer who edits one sees where.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"

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
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise VocabularyError(f"{path}:{line}: not valid YAML: {error.problem}") from error
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        line = _line_of(tree, tuple(first["loc"]))
        raise VocabularyError(f"{path}:{line}: {where}: {first['msg']}") from error
