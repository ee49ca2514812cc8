"""A measured child process: `python bench/child.py KIND ARGS_JSON`, one JSON line per measured run on stdout.

The clock starts before anything is imported, so start-up (import to first cell) is the real one.
"""

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402


def main() -> None:
    kind, args = sys.argv[1], json.loads(sys.argv[2])
    if kind == "sim":
        from bench.sim import child
    elif kind == "sdk":
        from bench.sdk import child
    elif kind == "stream":
        from bench.stream import child
    elif kind == "store":
        from bench.store import child
    elif kind == "lake":
        from bench.store import lake_child as child
    elif kind == "view":
        from bench.view import child
    elif kind == "ray":
        from bench.ray_cluster import child
    elif kind == "lake-machines":
        from bench.store import machines_child as child
    else:
        raise SystemExit(f"unknown child kind {kind!r}")
    for row in child(args, T0):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
