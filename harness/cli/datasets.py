"""`harness datasets`: versioned datasets: list, show, verify, add a version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import DatasetsOpt, cli_errors

datasets_app = typer.Typer(help="Versioned datasets: list, show, verify, add a version.", no_args_is_help=True)


@datasets_app.command("list")
@cli_errors
def datasets_list(root: DatasetsOpt = Path("datasets")) -> None:
    """Datasets with their versions and case counts."""
    from harness.cli import display
    from harness.config.datasets import list_datasets, load_manifest

    rows = []
    for name in list_datasets(root):
        m = load_manifest(root, name)
        versions = ", ".join(f"{v} ({s.cases} cases)" for v, s in m.versions.items())
        rows.append((name, m.task_class or "", versions, m.licence))
    display.print_table(None, ["dataset", "class", "versions", "licence"], rows)


@datasets_app.command("show")
@cli_errors
def datasets_show(
    name: str,
    version: Annotated[str | None, typer.Option(help="Version (default: the latest).")] = None,
    root: DatasetsOpt = Path("datasets"),
    cases: Annotated[int, typer.Option(help="How many cases to print.")] = 3,
) -> None:
    """A dataset's manifest, split sizes and first cases."""
    from collections import Counter

    from harness.cli import display
    from harness.config.datasets import load_dataset, load_manifest

    m = load_manifest(root, name)
    v = version or list(m.versions)[-1]
    ds = load_dataset(root, name, v)
    splits = Counter(c.split for c in ds.cases)
    display.plain(f"{m.name}@{v}: {m.description}\nsource: {m.source}\nlicence: {m.licence}")
    display.plain(f"sha256 {ds.sha256}; {len(ds.cases)} cases ({', '.join(f'{k} {n}' for k, n in splits.items())})")
    for c in ds.cases[:cases]:
        display.plain(json.dumps({"id": c.id, "input": c.input, "expected": c.expected}, ensure_ascii=False)[:400])


@datasets_app.command("verify")
@cli_errors
def datasets_verify(name: Annotated[str | None, typer.Argument()] = None, root: DatasetsOpt = Path("datasets")) -> None:
    """Check every recorded version's sha256, case count and case format."""
    from harness.cli import display
    from harness.config.datasets import list_datasets, load_dataset, load_manifest

    names = [name] if name else list_datasets(root)
    for n in names:
        for v in load_manifest(root, n).versions:
            ds = load_dataset(root, n, v)
            display.plain(f"ok  {n}@{v}  {len(ds.cases)} cases  sha256 {ds.sha256[:16]}…")


@datasets_app.command("add-version")
@cli_errors
def datasets_add_version(
    name: str,
    file: Path,
    notes: Annotated[str, typer.Option(help="What changed.")] = "",
    root: DatasetsOpt = Path("datasets"),
) -> None:
    """Record FILE as the next version of dataset NAME (validated, copied, hashed, counted)."""
    from harness.cli import display
    from harness.config.datasets import add_version

    version = add_version(root, name, file, notes)
    display.plain(f"recorded {name}@{version}")


@datasets_app.command("new")
@cli_errors
def datasets_new(
    name: str,
    file: Path,
    task_class: Annotated[
        str,
        typer.Option(
            "--task-class", help="classification, extraction, function-calling, qa, code, long-document or generation."
        ),
    ],
    labels: Annotated[
        str | None, typer.Option(help="Classification: the label set, comma-separated (default: the expected values).")
    ] = None,
    description: Annotated[str, typer.Option(help="What the cases are.")] = "",
    source: Annotated[str, typer.Option(help="Where the data comes from.")] = "",
    licence: Annotated[str, typer.Option(help="The data's licence.")] = "unspecified",
    root: DatasetsOpt = Path("datasets"),
) -> None:
    """Start dataset NAME with FILE (JSONL cases) as version 1: manifest written, file copied, hashed, counted,
    validated."""
    from harness.cli import display
    from harness.cli.common import split
    from harness.config.scaffold import new_dataset

    ds = new_dataset(root, name, file, task_class, split(labels), description, source, licence)
    display.plain(
        f"recorded {ds.ref}: {len(ds.cases)} cases, sha256 {ds.sha256[:16]}…, "
        f"manifest {ds.path.parent / 'dataset.yaml'}"
    )
