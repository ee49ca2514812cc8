"""Safe YAML loading for files a human edits: duplicate keys rejected, errors point at file:line and key.

`load_model(path, Model)` parses with `yaml.SafeLoader` (no Python tags), keeps the line of every key path,
and turns pydantic's validation errors into one `ConfigError` line such as
`evals/models.yaml:12: deployments.gpt4o.pricing.input: Input should be a valid number`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from harness.errors import ConfigError, Where

M = TypeVar("M", bound=BaseModel)
KeyPath = tuple[str | int, ...]
MAX_NODES = 200_000  # an alias bomb expands past any honest config long before this


def _walk(
    node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], file: Path, seen: list[int], inside: frozenset[int]
) -> None:
    """Record the line of every key path; refuse duplicate keys, merge keys, alias bombs and an alias inside the
    node it names (`a: &x [*x]`), which would make a structure that contains itself."""
    seen[0] += 1
    if seen[0] > MAX_NODES:
        raise ConfigError("document expands to too many nodes (alias bomb?)", Where(file))
    if id(node) in inside:
        key = ".".join(map(str, path)) or None
        line = lines.get(path) or lines.get(path[:-1])  # where the alias stands, not its anchor
        raise ConfigError("an alias refers to a node that contains it", Where(file, line, key),
                          "write the value out instead of the alias")  # fmt: skip
    inside = inside | {id(node)}
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key == "<<":
                raise ConfigError("merge keys (<<) are not supported", Where(file, line), "write the keys out")
            if key in keys:
                raise ConfigError(
                    f"duplicate key {key!r} (first at line {keys[key]})",
                    Where(file, line, ".".join(map(str, (*path, key)))),
                    "keep one of them",
                )
            keys[key] = line
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, file, seen, inside)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, file, seen, inside)


def load_yaml(path: Path) -> tuple[Any, dict[KeyPath, int]]:
    """Parse one YAML document safely; return the data and a map key path → 1-based line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", Where(path)) from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"not UTF-8 text ({e.reason} at byte {e.start})", Where(path)) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        if node is None:
            return None, lines
        _walk(node, (), lines, path, [0], frozenset())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(f"malformed YAML: {e.problem or e.context}", Where(path, line)) from None
    except yaml.YAMLError as e:
        raise ConfigError(f"malformed YAML: {e}", Where(path)) from None
    finally:
        loader.dispose()
    return data, lines


def _line_for(loc: KeyPath, lines: dict[KeyPath, int]) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def validation_error(e: ValidationError, path: Path, lines: dict[KeyPath, int]) -> ConfigError:
    """The first pydantic error as one line: file:line, key path, message."""
    err = e.errors()[0]
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc) or "(top level)"
    msg = err["msg"].removeprefix("Value error, ")  # pydantic's label for our validators' messages
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
        fix = "remove it or check its spelling (`harness schema` writes editor schemas)"
    elif err["type"] == "missing":
        msg = "required key is missing"
        fix = None
    else:
        fix = None
    more = len(e.errors()) - 1
    if more:
        msg += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ConfigError(msg, Where(path, _line_for(loc, lines), key), fix)


def load_model(path: Path, model: type[M]) -> M:
    """Load and validate a YAML file into `model`, raising one-line ConfigErrors."""
    data, lines = load_yaml(path)
    if data is None:
        raise ConfigError("file is empty", Where(path))
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise validation_error(e, path, lines) from None


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
