"""What every command shares: the error wrapper that turns our exceptions into one line and an exit code, and the
options several commands take."""

from __future__ import annotations

import errno
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from harness.errors import HarnessError, InputError

F = TypeVar("F", bound=Callable[..., Any])

SuiteArg = Annotated[Path, typer.Argument(help="Suite file.")]
ResultsOpt = Annotated[Path, typer.Option("--results-dir", help="Journals, cache and harness.duckdb live here.")]
DatasetsOpt = Annotated[Path, typer.Option("--datasets-dir", help="Root of the datasets.")]
DEFAULT_SUITE = Path("evals/example.yaml")
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store", help="Read from (or push to) the shared lake: ducklake:FILE.ducklake | ducklake:postgres:..."
    ),
]
StoreDataOpt = Annotated[
    str | None, typer.Option("--store-data", help="The lake's data folder or s3://bucket/prefix (a new lake's).")
]
#: OS errors that are the machine's, not the user's input: one line too, but exit 1.
_NOT_INPUT = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.ENOMEM})


def cli_errors(fn: F) -> F:
    """Our errors become one line on stderr and an exit code; no tracebacks for user mistakes."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from harness.cli import display

        try:
            return fn(*args, **kwargs)
        except InputError as e:
            display.error(e.one_line())
            raise typer.Exit(2) from None
        except HarnessError as e:
            display.error(str(e))
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            display.error("interrupted")
            raise typer.Exit(130) from None
        except OSError as e:  # the file system said no: permission, read-only, a file where a folder goes, ...
            name = f"{e.filename}: " if e.filename else ""
            display.error(f"{name}{e.strerror or e}")
            raise typer.Exit(1 if e.errno in _NOT_INPUT else 2) from None

    return wrapper  # type: ignore[return-value]


def split(value: str | None) -> list[str] | None:
    """A comma-separated option as a list (None when not given)."""
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def source(results_dir: Path, store: str | None, store_data: str | None) -> Any:
    """Where a read command reads: the lake when `--store` is given, else the results directory."""
    from harness.store import lake

    return lake.parse(store, store_data) or results_dir
