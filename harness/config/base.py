"""The base every file-facing pydantic model uses: unknown keys rejected, no silent type coercion.

Field docstrings are the fields' descriptions in the JSON schemas `harness schema` writes. They are read from the
source only when a schema is asked for: pydantic's `use_attribute_docstrings` would parse every model's source at
import, tens of milliseconds of every start-up.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

#: Ids of deployments, tasks, datasets and variants: safe in file names, SQL literals and HTML.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.@:+-]*$"
#: What a task does; it picks the request's shape (tools for function calling) and how outputs are compared.
TaskClass = Literal["classification", "extraction", "function-calling", "qa", "code", "long-document", "generation"]


class Strict(BaseModel):
    """`extra="forbid"` and strict types: YAML's `no` never becomes a model name, `"3"` never a number."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        _describe_fields()
        return super().model_json_schema(*args, **kwargs)


_described: set[type[Strict]] = set()


def _models(base: type[Strict]) -> list[type[Strict]]:
    out = []
    for sub in base.__subclasses__():
        out += [sub, *_models(sub)]
    return out


def _describe_fields() -> None:
    """Field docstrings (as `use_attribute_docstrings` reads them) become descriptions of every Strict model not
    described yet; schemas are rebuilt twice so that a model nested in another carries its descriptions too."""
    from pydantic._internal._docs_extraction import extract_docstrings_from_cls

    todo = [m for m in _models(Strict) if m not in _described]
    if not todo:
        return
    docs: dict[type, dict[str, str]] = {}
    for model in todo:
        for klass in model.__mro__:
            if klass not in docs and isinstance(klass, type) and issubclass(klass, Strict):
                docs[klass] = extract_docstrings_from_cls(klass, use_inspect=True)
        for name, info in model.model_fields.items():
            if info.description is None:
                found = (docs[k][name] for k in model.__mro__ if k in docs and name in docs[k])
                info.description = next(found, None)
    for _ in range(2):
        for model in todo:
            model.model_rebuild(force=True)
    _described.update(todo)
