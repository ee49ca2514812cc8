"""`python -m harness.store.load_child RESULTS_DIR WAIT [RUN_ID]`: one database load in a process of its own.

A run loads its journal into DuckDB every few seconds while it goes. Done in the run's process, each load held
DuckDB's working memory (about 200 MB for a load of 8 KB outputs) and parsed journal lines under the GIL the
run's event loop needs; in a child, the run's memory stays flat and its loop keeps its core. A large run's final
load goes here too (`harness.run.loop.try_load`). Prints one JSON line (what was loaded, or the lock holder);
exit 0 loaded, 3 the database was busy, 1 anything else (stderr says).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from harness.errors import DatabaseLockedError
from harness.store import db

BUSY = 3


def main(argv: list[str]) -> int:
    results_dir, wait, run_id = Path(argv[0]), float(argv[1]), (argv[2] if len(argv) > 2 else None)
    try:
        stats = db.load(results_dir, wait=wait, memory_limit=db.RUN_LOAD_MEMORY_LIMIT, run_id=run_id)
    except DatabaseLockedError as e:
        print(json.dumps({"busy": str(e)}))
        return BUSY
    print(json.dumps(dataclasses.asdict(stats)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
