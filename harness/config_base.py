"""The base every file-facing pydantic model uses: unknown keys rejected, no silent type coercion."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

#: Ids of deployments, tasks, datasets and variants: safe in file names, SQL literals and HTML.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.@:+-]*$"


class Strict(BaseModel):
    """`extra="forbid"` and strict types: YAML's `no` never becomes a model name, `"3"` never a number."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)
