"""The bulk loader: record lines go to DuckDB unparsed, one file per type; what DuckDB cannot read is named."""

from pathlib import Path

import pytest

from harness.errors import JournalCorruptError
from harness.store import db


def cell(i: int) -> bytes:
    return (
        f'{{"type":"cell","cell_key":"k{i}","run_id":"r","task":"t","deployment":"d","variant":"base",'
        f'"sample":0,"case_id":"c{i}","status":"ok","output":"x","tags":["a"],"tool_calls":[]}}'
    ).encode()


def write(results: Path, lines: list[bytes]) -> Path:
    path = results / "runs" / "r.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_a_malformed_record_line_is_named_and_nothing_is_loaded(tmp_path: Path) -> None:
    path = write(tmp_path, [b'{"type":"run","run_id":"r"}', cell(0), cell(1)[:60], cell(2)])
    with pytest.raises(JournalCorruptError, match=rf"{path}:3: corrupt journal line"):
        db.load(tmp_path)
    assert db.query(tmp_path, "SELECT count(*) FROM cells") == [(0,)]
    assert not list(tmp_path.glob(".load-*"))  # the per-type files are removed


def test_lines_in_any_key_order_load_like_the_writers(tmp_path: Path) -> None:
    other_order = b'{"run_id": "r", "cell_key": "k9", "type": "cell", "status": "error", "tags": []}'
    write(tmp_path, [b'{"type":"run","run_id":"r","status":"running"}', cell(0), other_order, cell(1),
                     b'{"type":"run_end","run_id":"r","status":"complete","counts":{"ok":2}}'])  # fmt: skip
    stats = db.load(tmp_path)
    assert (stats.records, stats.cells) == (5, 3)
    assert db.query(tmp_path, "SELECT cell_key, status, tags FROM cells ORDER BY cell_key") == [
        ("k0", "ok", ["a"]), ("k1", "ok", ["a"]), ("k9", "error", []),
    ]  # fmt: skip
    assert db.query(tmp_path, "SELECT status FROM runs") == [("complete",)]


def test_a_load_too_big_for_the_loaders_memory_is_retried_without_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limits: list[str | None] = []
    limit_memory = db._limit_memory

    def spy(con: object, limit: str | None) -> None:
        limits.append(limit)
        limit_memory(con, limit)

    monkeypatch.setattr(db, "_limit_memory", spy)
    big = [cell(i).replace(b'"output":"x"', b'"output":"' + b"y" * 4096 + b'"') for i in range(2000)]
    write(tmp_path, [b'{"type":"run","run_id":"r"}', *big])
    assert db.load(tmp_path, memory_limit="8MB").cells == 2000
    assert limits[:3] == ["8MB", None, "8MB"]  # set, lifted for the retry, set again (and lifted for the checkpoint)
    assert db.query(tmp_path, "SELECT count(*), min(length(output)) FROM cells") == [(2000, 4096)]


def test_loads_default_to_the_loaders_limit_and_a_run_uses_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limits: list[str | None] = []
    monkeypatch.setattr(db, "_limit_memory", lambda con, limit: limits.append(limit))
    write(tmp_path, [b'{"type":"run","run_id":"r"}', cell(0)])
    db.load(tmp_path)
    from harness.run.loop import try_load

    assert try_load(tmp_path, wait=1.0)[0]
    assert limits == [db.LOAD_MEMORY_LIMIT, db.RUN_LOAD_MEMORY_LIMIT]
