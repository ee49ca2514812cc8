import time
from pathlib import Path

import pytest

from harness.errors import JournalCorruptError
from harness.store import db
from harness.store.journal import JournalWriter, read_records, split_batch, torn_tail


def test_write_flush_read(tmp_path: Path) -> None:
    j = JournalWriter(tmp_path / "r.jsonl")
    for i in range(5):
        j.write({"type": "cell", "i": i, "text": "é\n"})
    j.close()
    recs = list(read_records(tmp_path / "r.jsonl"))
    assert [r["i"] for _, _, r in recs] == [0, 1, 2, 3, 4] and recs[0][2]["text"] == "é\n"
    assert recs[-1][1] == (tmp_path / "r.jsonl").stat().st_size


def test_torn_last_line_is_ignored(tmp_path: Path) -> None:
    p = tmp_path / "r.jsonl"
    p.write_bytes(b'{"type":"cell","i":0}\n{"type":"cell","i":1}\n{"type":"ce')
    assert [r["i"] for _, _, r in read_records(p)] == [0, 1]
    assert torn_tail(p) == len(b'{"type":"ce')


def test_corrupt_middle_line_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "r.jsonl"
    p.write_bytes(b'{"type":"cell","i":0}\n{"type":"ce\n{"type":"cell","i":2}\n')
    with pytest.raises(JournalCorruptError, match=rf"{p}:2: corrupt journal line"):
        list(read_records(p))


def test_reading_from_an_offset_keeps_line_numbers(tmp_path: Path) -> None:
    p = tmp_path / "r.jsonl"
    p.write_bytes(b'{"type":"a"}\n{"type":"b"}\nnope\n')
    first = next(iter(read_records(p)))
    with pytest.raises(JournalCorruptError, match=":3:"):
        list(read_records(p, first[1], first_line=2))


def test_one_writer_per_journal(tmp_path: Path) -> None:
    from harness.errors import StoreError

    first = JournalWriter(tmp_path / "r.jsonl")
    with pytest.raises(StoreError, match="being written by another process"):
        JournalWriter(tmp_path / "r.jsonl")
    first.close()
    JournalWriter(tmp_path / "r.jsonl").close()


def test_lines_start_with_their_type_whatever_the_key_order(tmp_path: Path) -> None:
    j = JournalWriter(tmp_path / "r.jsonl")
    j.write({"run_id": "r", "type": "cell", "i": 0})
    j.close()
    assert (tmp_path / "r.jsonl").read_bytes() == b'{"type":"cell","run_id":"r","i":0}\n'


def test_split_batch_sorts_bulk_types_into_files_and_parses_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.store import journal

    monkeypatch.setattr(journal, "CHUNK_BYTES", 16)  # lines cross the pieces it reads
    p = tmp_path / "r.jsonl"
    p.write_bytes(
        b'{"type":"run","run_id":"r"}\n{"type":"cell","i":0}\n{"type":"grade","i":0}\n'
        b'{"i": 1, "type": "cell"}\n{"type":"run_end","status":"complete"}\n{"type":"cell","i":2}\n{"type":"ce'
    )
    monkeypatch.setattr(journal, "PART_BYTES", 30)  # a type's lines go to a new file past 30 bytes
    batch = split_batch(p, 0, 1, {"cell", "grade"}, lambda name: tmp_path / f"{name}.part")
    cells = [tmp_path / "cell-0.part", tmp_path / "cell-1.part"]
    assert batch.files == {"cell": cells, "grade": [tmp_path / "grade-0.part"]}
    assert b"".join(f.read_bytes() for f in cells) == (
        b'{"type":"cell","i":0}\n{"type":"cell","i":1}\n{"type":"cell","i":2}\n'
    )
    assert (tmp_path / "grade-0.part").read_bytes() == b'{"type":"grade","i":0}\n'
    assert batch.counts == {"cell": 3, "grade": 1}
    assert [r["type"] for r in batch.parsed] == ["run", "run_end"]
    assert batch.lines == 6 and batch.end == p.stat().st_size - len(b'{"type":"ce')  # the torn tail is left


def test_split_batch_checks_what_it_parses_and_leaves_no_files(tmp_path: Path) -> None:
    p = tmp_path / "r.jsonl"
    p.write_bytes(b'{"type":"cell","i":0}\n{"type":"run_end","stat\n{"type":"cell","i":2}\n')
    with pytest.raises(JournalCorruptError, match=rf"{p}:2: corrupt journal line"):
        split_batch(p, 0, 1, {"cell"}, lambda kind: tmp_path / f"{kind}.part")
    assert not list(tmp_path.glob("*.part"))


def test_a_failed_fsync_fails_the_next_flush(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.errors import StoreError
    from harness.store import journal

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    j = JournalWriter(tmp_path / "r.jsonl")
    monkeypatch.setattr(journal.os, "fsync", broken)
    j.write({"type": "cell", "i": 0})
    j.flush()  # written; the fsync fails in the background
    deadline = time.monotonic() + 5
    with pytest.raises(StoreError, match="could not write the journal .*Input/output error"):
        while time.monotonic() < deadline:
            j.flush()
            time.sleep(0.01)
    with pytest.raises(StoreError, match="Input/output error"):
        j.close()  # close fsyncs in the foreground: the error is reported there too


def test_any_model_output_is_journaled_and_loaded(tmp_path: Path) -> None:
    """A model's text can hold a lone surrogate (JSON's "\\ud800" decodes to one; no UTF-8 file can hold it: it
    becomes U+FFFD) and its tool calls integers beyond 64 bits: the run journals both and the database loads them."""
    j = JournalWriter(tmp_path / "runs" / "r.jsonl")
    j.write({"type": "run", "run_id": "r"})
    j.write({"type": "cell", "cell_key": "k0", "run_id": "r", "task": "t", "deployment": "d", "variant": "base",
             "sample": 0, "case_id": "c0", "status": "ok", "output": "a \ud800 b", "tags": [],
             "tool_calls": [{"name": "f", "arguments": {"id": 2**80}}]})  # fmt: skip
    j.close()
    ((_, _, cell),) = [r for r in read_records(tmp_path / "runs" / "r.jsonl") if r[2]["type"] == "cell"]
    assert cell["output"] == "a \ufffd b" and cell["tool_calls"][0]["arguments"]["id"] == 2**80
    db.load(tmp_path)
    assert db.query(tmp_path, "SELECT output FROM cells") == [("a \ufffd b",)]
