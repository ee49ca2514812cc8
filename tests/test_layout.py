"""The package listing is the architecture: imports run one way, from the command line down to the records, and
modules and functions stay small enough to read (or say why not).

Every import in `harness/` is read with `ast` (module level, inside functions and under TYPE_CHECKING alike: each
is a dependency a reader has to follow) and checked against the layers below. A module may import its own package
and any lower layer; an import of a higher layer, or any import cycle between modules, fails with the chain.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "harness"

#: Lowest first. The floor holds what every layer shares: the records, the exception tree, and the strict pydantic
#: base of every file-facing model (graders validate their YAML arguments with it, below the config that names them).
LAYERS: list[tuple[str, ...]] = [
    ("harness.types", "harness.errors", "harness.config.base"),
    ("harness.graders", "harness.stats"),
    ("harness.config",),
    ("harness.providers",),
    ("harness.store",),
    ("harness.run",),
    ("harness.report",),
    ("harness.gate",),
    ("harness.view",),
    ("harness.cli", "harness.__main__"),
    ("harness",),
]
#: `from harness import __version__` reads a constant of the root package, not the API it loads lazily.
ROOT_CONSTANTS = {"__version__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> int:
    """The layer of the longest matching prefix (`harness.config.base` before `harness.config`)."""
    best, rank = -1, -1
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, rank = len(name), i
    assert rank >= 0, f"{module} is in no layer: add its package to LAYERS"
    return rank


def imports(module: str) -> Iterator[tuple[str, int]]:
    """(imported harness module, line) for every import in `module`; `from pkg import sub` names the submodule."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "harness")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "harness":
                continue
            for alias in node.names:
                if base == "harness" and alias.name in ROOT_CONSTANTS:
                    continue
                sub = f"{base}.{alias.name}"
                yield (sub if sub in MODULES else base), node.lineno


GRAPH = {m: sorted({t for t, _ in imports(m) if t in MODULES and t != m}) for m in MODULES}


def test_every_module_is_in_a_layer_and_the_walk_sees_imports() -> None:
    assert len(MODULES) > 80
    for module in MODULES:
        layer(module)
    assert "harness.run.plan" in GRAPH["harness.run.runner"]  # the walk resolves `from harness.run.plan import`
    assert "harness.cli.display" in GRAPH["harness.cli.common"]  # and imports inside functions


def test_imports_only_go_down_the_layers() -> None:
    upward = [
        f"{MODULES[m].relative_to(PACKAGE.parent)}:{line} imports {target} "
        f"(layer {layer(target)} {LAYERS[layer(target)][0]} is above layer {layer(m)} {LAYERS[layer(m)][0]})"
        for m in MODULES
        for target, line in imports(m)
        if target in MODULES and layer(target) > layer(m)
    ]
    assert not upward, "\n".join(upward)


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None (depth-first search with colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, " -> ".join(cycle or [])


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": ["b"], "b": ["c"], "c": ["a"]}, ["a", "b", "c", "a"]),
        ({"a": ["b"], "b": ["c"], "c": []}, None),
        ({"a": ["b", "c"], "b": ["c"], "c": ["b"]}, ["b", "c", "b"]),
    ],
)
def test_find_cycle_finds_cycles(graph: dict[str, list[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


def test_an_upward_import_would_be_caught() -> None:
    assert layer("harness.config.suite") < layer("harness.run.plan") < layer("harness.cli.run")
    assert layer("harness.config.base") < layer("harness.graders.rubric") < layer("harness.config.suite")
    assert layer("harness.report.show") > layer("harness.store.db")
    assert layer("harness.report.show") < layer("harness.cli.display")  # report/show.py may not print itself


def oversized(limit_module: int = 400, limit_function: int = 60) -> list[str]:
    """Modules over 400 lines and functions over 60 that do not say why ("longer than N lines because ...")."""
    out = []
    for module, path in sorted(MODULES.items()):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if len(lines) > limit_module and f"longer than {limit_module} lines because" not in text.lower():
            out.append(f"{module}: {len(lines)} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                body = "\n".join(lines[node.lineno - 1 : node.end_lineno]).lower()
                if size > limit_function and f"longer than {limit_function} lines because" not in body:
                    out.append(f"{module}.{node.name}: {size} lines")
    return out


def test_modules_and_functions_stay_small_or_say_why() -> None:
    assert oversized() == []
    assert any(o.startswith("harness.run.plan._task_cells: ") for o in oversized(limit_function=65))  # says why at 60
