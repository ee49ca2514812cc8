"""SQL literals for the statements of a load.

DuckDB's Python binding imports numpy and pandas the first time it converts a bound parameter (even a string):
about 54 MiB, a third of a 3,000-cell run's peak RSS, in a process that otherwise never needs them. The load at
the end of every run binds a handful of values (a journal's name, a run's status, a timestamp), so those
statements carry their values as literals instead. Only the types below; anything else is a TypeError.
"""

from __future__ import annotations

import datetime as dt
import math


def literal(value: object) -> str:
    """`value` as a DuckDB SQL literal: NULL, TRUE/FALSE, a number, a quoted string (quotes doubled: DuckDB's
    strings have no backslash escapes) or a TIMESTAMPTZ."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"no SQL literal for {value!r}")
        return f"CAST({value!r} AS DOUBLE)"  # a bare 0.1 would be a DECIMAL
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a timestamp literal needs a time zone")
        return f"TIMESTAMPTZ '{value.isoformat()}'"
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("a SQL string literal cannot hold a NUL character")
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for a {type(value).__name__}")
