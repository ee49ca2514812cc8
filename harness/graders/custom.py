"""Your own graders: a function in a project file, named in a suite as `python: path/to/file.py:function`.

```python
# evals/graders/polite.py
from harness.graders import Sample, Score, versioned

@versioned("2")                        # or: polite.version = "2"; default: a hash of the file
def polite(sample: Sample) -> Score:   # a plain grade function ...
    ok = "please" in sample.output.lower()
    return Score(1.0 if ok else 0.0, ok, "says please" if ok else "no please")

def min_words(*, n: int = 3):          # ... or a factory: its keyword arguments come from the suite's `args`
    def grade(sample: Sample) -> Score: ...
    return grade
```
The path is relative to the project root (the directory holding the suite's directory, e.g. the repository
root for `evals/example.yaml`) and must stay inside it: absolute paths, `..` and symlinks leading out are refused.
Packages register graders under the `harness.graders` entry-point group instead (see `base.lookup`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

from harness.errors import ConfigError, Where
from harness.graders.base import Registered, as_registered

_LOADED: dict[tuple[str, str], Registered] = {}


def split_ref(ref: str, where: Where | None = None) -> tuple[str, str]:
    path, sep, fn = ref.rpartition(":")
    if not sep or not path or not fn.isidentifier():
        raise ConfigError(f"python: {ref!r} is not `path/to/file.py:function`", where)
    return path, fn


def resolve(ref: str, root: Path, where: Where | None = None) -> Path:
    """The file a `python:` reference names, refusing anything outside the project root."""
    rel, _ = split_ref(ref, where)
    if Path(rel).is_absolute():
        raise ConfigError(f"python: {rel!r} must be a path inside the project, relative to {root}", where)
    base = root.resolve()
    full = (base / rel).resolve()
    if base not in full.parents:
        raise ConfigError(
            f"python: {rel!r} leads outside the project root {base}", where, "keep graders in the project"
        )
    if full.suffix != ".py" or not full.is_file():
        raise ConfigError(f"python: {rel!r}: no such Python file under {base}", where)
    return full


def load_file_grader(ref: str, root: Path, where: Where | None = None) -> Registered:
    """Import the file (once per content) and wrap the named function as a registered grader."""
    full = resolve(ref, root, where)
    _, fn_name = split_ref(ref, where)
    data = full.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    key = (f"{full}:{fn_name}", sha)
    if key in _LOADED:
        return _LOADED[key]
    module_name = f"harness_user_graders.m{sha[:16]}"
    spec = importlib.util.spec_from_file_location(module_name, full)
    if spec is None or spec.loader is None:
        raise ConfigError(f"python: {ref!r} cannot be imported", where)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look their module up there
    try:
        spec.loader.exec_module(module)
    except Exception as e:  # the user's file: one line naming it, not a traceback
        sys.modules.pop(module_name, None)
        raise ConfigError(f"python: {ref!r} does not import: {type(e).__name__}: {e}", where) from None
    obj = getattr(module, fn_name, None)
    if obj is None or not callable(obj):
        raise ConfigError(f"python: {full.name} has no function {fn_name!r}", where)
    reg = as_registered(f"python:{ref}", obj, f"file-{sha[:12]}", str(full.relative_to(root.resolve())))
    _LOADED[key] = reg
    return reg
