import hashlib
import json
from pathlib import Path

import pytest
import yaml

from harness.config.datasets import add_version, load_dataset, parse_cases
from harness.errors import DatasetError
from tests.conftest import intent_cases, write_dataset

FIELDS = {"text"}


def lines(*objs: object) -> bytes:
    return "".join(json.dumps(o) + "\n" for o in objs).encode()


def case(i: str = "a", **kw: object) -> dict[str, object]:
    return {"id": i, "input": {"text": "t"}, "expected": "x", **kw}


def test_parses_and_defaults() -> None:
    cases = parse_cases(lines(case("a"), case("b", split="train", tags=["t"], cluster="d1")), Path("f"), FIELDS)
    assert [c.id for c in cases] == ["a", "b"]
    assert cases[0].split == "test" and cases[1].split == "train" and cases[1].cluster == "d1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lines(case("a"), case("a")), "f:2: duplicate case id 'a' (first on line 1)"),
        (lines({"input": {"text": "t"}, "expected": 1}), "f:1: missing 'id'"),
        (
            b'{"id": "a", "id": "b", "input": {"text": "t"}, "expected": 1}\n',
            "f:1: malformed JSON: duplicate key 'id'",
        ),
        (
            b'{"id": "a", "input": {"text": "t"}, "expected": NaN}\n',
            "f:1: malformed JSON: NaN is not valid JSON",
        ),
        (lines(case("a")) + b"{not json\n", "f:2: malformed JSON"),
        (lines(case("a")) + b"\n" + lines(case("b")), "f:2: blank line"),
        (lines(case("a", extra=1)), "f:1: unknown key 'extra'"),
        (lines({"id": "a", "input": {"txt": "t"}, "expected": 1}), "f:1: case a: missing input field 'text'"),
        (lines(case("a b")), "f:1: id 'a b' must be"),
        (lines(case("a", split="dev")), "split must be 'train' or 'test'"),
        (b"\xef\xbb\xbf" + lines(case("a")), "f:1: file starts with a byte-order mark"),
        (b'{"id": "a", "input": {"text": "\xff"}, "expected": 1}\n', "f:1: invalid UTF-8"),
        (b"[1, 2]\n", "f:1: each line must be a JSON object"),
    ],
)
def test_bad_lines_name_file_and_line(data: bytes, message: str) -> None:
    with pytest.raises(DatasetError) as e:
        parse_cases(data, Path("f"), FIELDS)
    assert message in str(e.value)


def test_hash_mismatch_refuses(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path, "d", intent_cases(3, 0), {"text": "m"})
    load_dataset(tmp_path, "d", "1")
    data = (folder / "v1.jsonl").read_bytes()
    (folder / "v1.jsonl").write_bytes(data.replace(b"billing", b"bIlling", 1))
    with pytest.raises(DatasetError, match="sha256 .* does not match the manifest"):
        load_dataset(tmp_path, "d", "1")


def test_count_mismatch_and_unknown_version(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path, "d", intent_cases(3, 0), {"text": "m"})
    manifest = yaml.safe_load((folder / "dataset.yaml").read_text())
    manifest["versions"]["1"]["cases"] = 4
    (folder / "dataset.yaml").write_text(yaml.safe_dump(manifest))
    with pytest.raises(DatasetError, match="3 cases but the manifest records 4"):
        load_dataset(tmp_path, "d", "1")
    with pytest.raises(DatasetError, match="no version '2'"):
        load_dataset(tmp_path, "d", "2")
    with pytest.raises(DatasetError, match="unknown dataset 'nope'"):
        load_dataset(tmp_path, "nope", "1")


def test_add_version_records_hash_and_count(tmp_path: Path) -> None:
    write_dataset(tmp_path, "d", intent_cases(3, 0), {"text": "m"})
    new = tmp_path / "new.jsonl"
    new.write_bytes(lines(*intent_cases(5, 0)))
    assert add_version(tmp_path, "d", new, "more cases") == "2"
    ds = load_dataset(tmp_path, "d", "2")
    assert len(ds.cases) == 5 and ds.sha256 == hashlib.sha256(new.read_bytes()).hexdigest()
    assert len(load_dataset(tmp_path, "d", "1").cases) == 3  # the recorded version is untouched
    with pytest.raises(DatasetError, match="already recorded as version 2"):
        add_version(tmp_path, "d", new)


def test_add_version_validates_first(tmp_path: Path) -> None:
    write_dataset(tmp_path, "d", intent_cases(3, 0), {"text": "m"})
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(lines(case("a"), case("a")))
    with pytest.raises(DatasetError, match="duplicate case id"):
        add_version(tmp_path, "d", bad)
    assert not (tmp_path / "d" / "v2.jsonl").exists()
