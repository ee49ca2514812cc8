from pathlib import Path

import pytest

from harness.errors import JournalCorruptError
from harness.store.journal import JournalWriter, read_records, torn_tail


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
