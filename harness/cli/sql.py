"""`harness sql`: read-only SQL over the results database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import ResultsOpt, StoreDataOpt, StoreOpt, cli_errors, source
from harness.errors import InputError


@cli_errors
def sql(
    query: str,
    results_dir: ResultsOpt = Path("results"),
    store: StoreOpt = None,
    store_data: StoreDataOpt = None,
    csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines on stdout.")] = False,
) -> None:
    """Run one read (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) over the results database (tables and views:
    results, case_results, eligibility, ...). Nothing can be written, exported, attached or loaded."""
    import csv as csv_module
    import sys

    from harness.cli import display
    from harness.store import db
    from harness.store.lake import open_read

    con = open_read(source(results_dir, store, store_data))
    try:
        db.check_read(con, query)
        cur = con.execute(query)
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchall()
    except InputError:
        raise
    except Exception as e:  # duckdb's parser and binder errors are the user's to fix
        raise InputError(f"SQL error: {str(e).splitlines()[0]}") from None
    finally:
        con.close()
    if csv:
        writer = csv_module.writer(sys.stdout, lineterminator="\n")  # LF: `$(harness sql --csv ... | tail -1)`
        writer.writerow(columns)
        writer.writerows(rows)
    elif as_json:
        for row in rows:
            display.plain(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False))
    else:
        display.print_table(None, columns, rows)
