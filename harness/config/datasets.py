"""Versioned datasets: `datasets/<name>/dataset.yaml` plus one JSONL file per recorded version.

A recorded version never changes: its sha256 and case count are checked on every load, and new content is a
new version (`harness datasets add-version`). See datasets/README.md for the formats.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field

from harness.config.base import Strict
from harness.config.images import IMAGES_FIELD, images_digest, load_images
from harness.config.tools import tools_error
from harness.config.yamlfile import load_model
from harness.errors import DatasetError, Where
from harness.types import Image

CASE_ID = re.compile(r"^[A-Za-z0-9_.:-]+$")
CASE_KEYS = {"id", "input", "expected", "split", "tags", "cluster", "labels"}
MAX_LINE_BYTES = 8 * 1024 * 1024


class VersionSpec(Strict):
    file: str
    """The JSONL file, relative to the dataset folder."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    cases: int = Field(ge=0)
    created: str = ""
    notes: str = ""
    images_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    """When cases carry images: one sha256 over every image they reference (path and bytes, in case order), so a
    recorded version cannot change through its image files either."""


class Manifest(Strict):
    """`datasets/<name>/dataset.yaml`."""

    name: str
    description: str
    source: str
    """Where the data comes from and how it was built."""
    licence: str
    task_class: str | None = None
    labels: list[str] = []
    """Classification: the closed label set."""
    fields: dict[str, str]
    """Input fields every case carries, with a short description."""
    versions: dict[str, VersionSpec] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    input: dict[str, Any]
    expected: Any
    split: Literal["train", "test"] = "test"
    tags: tuple[str, ...] = ()
    cluster: str | None = None
    labels: tuple[dict[str, Any], ...] = ()
    images: tuple[Image, ...] = ()
    """Loaded from the paths in `input.images` (files in the dataset folder)."""


@dataclass(frozen=True)
class Dataset:
    name: str
    version: str
    sha256: str
    path: Path
    manifest: Manifest
    cases: list[Case] = field(repr=False)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def split(self, split: str) -> list[Case]:
        return [c for c in self.cases if c.split == split]


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


#: Built once (`json.loads` with hooks builds a decoder per line).
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)


def _case(obj: Any, fields: set[str], where: Where, folder: Path) -> Case:
    if not isinstance(obj, dict):
        raise DatasetError("each line must be a JSON object", where)
    unknown = set(obj) - CASE_KEYS
    if unknown:
        raise DatasetError(f"unknown key {sorted(unknown)[0]!r}", where, f"keys are {sorted(CASE_KEYS)}")
    for key in ("id", "input", "expected"):
        if key not in obj:
            raise DatasetError(f"missing {key!r}", where)
    cid = obj["id"]
    if not isinstance(cid, str) or not CASE_ID.match(cid):
        raise DatasetError(f"id {cid!r} must be a string of letters, digits and _.:-", where)
    inp = obj["input"]
    if not isinstance(inp, dict):
        raise DatasetError(f"case {cid}: input must be an object", where)
    if set(inp) != fields:
        missing, extra = sorted(fields - set(inp)), sorted(set(inp) - fields)
        what = f"missing input field {missing[0]!r}" if missing else f"input field {extra[0]!r} not in manifest"
        raise DatasetError(f"case {cid}: {what}", where, "input fields must equal the manifest's `fields`")
    if "tools" in inp:
        problem = tools_error(inp["tools"])
        if problem:
            raise DatasetError(f"case {cid}: {problem}", where)
    split = obj.get("split", "test")
    if split not in ("train", "test"):
        raise DatasetError(f"case {cid}: split must be 'train' or 'test', got {split!r}", where)
    tags, labels, cluster = obj.get("tags") or [], obj.get("labels") or [], obj.get("cluster")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise DatasetError(f"case {cid}: tags must be a list of strings", where)
    if not isinstance(labels, list) or not all(isinstance(x, dict) for x in labels):
        raise DatasetError(f"case {cid}: labels must be a list of objects", where)
    if cluster is not None and not isinstance(cluster, str | int):
        raise DatasetError(f"case {cid}: cluster must be a string or null", where)
    images = load_images(folder, inp[IMAGES_FIELD], where) if IMAGES_FIELD in inp else ()
    return Case(
        cid,
        inp,
        obj["expected"],
        split,
        tuple(tags),
        None if cluster is None else str(cluster),
        tuple(labels),
        images,
    )


def _lines(data: bytes) -> Iterator[bytes]:
    """`data.split(b"\\n")`, one line at a time: a list of every line would stay in the heap as holes among the
    cases (a dataset of 8 KB cases kept 2x its size)."""
    pos = 0
    while (nl := data.find(b"\n", pos)) >= 0:
        yield data[pos:nl]
        pos = nl + 1
    yield data[pos:]


def parse_cases(data: bytes, path: Path, fields: set[str], folder: Path | None = None) -> list[Case]:
    """Parse and check JSONL bytes: objects only, no duplicate keys or ids, no NaN, valid UTF-8. Images named in
    `input.images` are loaded from `folder` (default: the file's folder)."""
    folder = path.parent if folder is None else folder
    cases: list[Case] = []
    seen: dict[str, int] = {}
    if data.startswith(b"\xef\xbb\xbf"):
        raise DatasetError("file starts with a byte-order mark", Where(path, 1), "save it as UTF-8 without BOM")
    for n, raw in enumerate(_lines(data), start=1):
        where = Where(path, n)
        if not raw.strip():
            if n == data.count(b"\n") + 1:
                continue  # the empty string after the final newline
            raise DatasetError("blank line", where, "remove it")
        if len(raw) > MAX_LINE_BYTES:
            raise DatasetError(f"line is {len(raw)} bytes, over the {MAX_LINE_BYTES} limit", where)
        try:
            text = raw.decode("utf-8")
            obj = _DECODER.decode(text)
        except UnicodeDecodeError as e:
            raise DatasetError(f"invalid UTF-8 at byte {e.start}", where) from None
        except ValueError as e:
            raise DatasetError(f"malformed JSON: {e}", where) from None
        case = _case(obj, fields, where, folder)
        if case.id in seen:
            raise DatasetError(f"duplicate case id {case.id!r} (first on line {seen[case.id]})", where)
        seen[case.id] = n
        cases.append(case)
    return cases


def dataset_dir(root: Path, name: str) -> Path:
    if not CASE_ID.match(name) or name.startswith("."):
        raise DatasetError(f"invalid dataset name {name!r}")
    return root / name


def load_manifest(root: Path, name: str) -> Manifest:
    path = dataset_dir(root, name) / "dataset.yaml"
    if not path.exists():
        known = ", ".join(list_datasets(root)) or "none"
        raise DatasetError(f"unknown dataset {name!r}", Where(path), f"known datasets: {known}")
    manifest = load_model(path, Manifest)
    if manifest.name != name:
        raise DatasetError(f"manifest name {manifest.name!r} differs from its folder {name!r}", Where(path))
    return manifest


def _version_file(root: Path, name: str, version: str, spec: VersionSpec) -> Path:
    folder = dataset_dir(root, name)
    try:
        path = (folder / spec.file).resolve()
    except (OSError, RuntimeError) as e:  # RuntimeError: a symlink loop, on Python 3.11 and 3.12
        raise DatasetError(
            f"version {version}: cannot resolve file {spec.file!r} ({e})", Where(folder / spec.file)
        ) from None
    if folder.resolve() not in path.parents:
        raise DatasetError(f"version {version}: file {spec.file!r} is outside the dataset folder")
    return path


def load_dataset(root: Path, name: str, version: str) -> Dataset:
    """Load one recorded version, checking its hash and case count against the manifest."""
    manifest = load_manifest(root, name)
    mpath = dataset_dir(root, name) / "dataset.yaml"
    spec = manifest.versions.get(version)
    if spec is None:
        known = ", ".join(manifest.versions)
        raise DatasetError(f"dataset {name} has no version {version!r}", Where(mpath), f"recorded: {known}")
    path = _version_file(root, name, version, spec)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"version {version}: file not found", Where(path)) from None
    except OSError as e:  # a directory, no permission, a symlink loop
        raise DatasetError(f"version {version}: cannot read the file ({e.strerror or e})", Where(path)) from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != spec.sha256:
        raise DatasetError(
            f"sha256 {digest[:12]}… does not match the manifest's {spec.sha256[:12]}… for version {version}",
            Where(path),
            "a recorded version never changes: restore the file, or record it as a new version "
            "with `harness datasets add-version`",
        )
    cases = parse_cases(data, path, set(manifest.fields), dataset_dir(root, name))
    if not cases:
        raise DatasetError(f"version {version}: the file holds no cases", Where(path), "a dataset needs at least one")
    if len(cases) != spec.cases:
        raise DatasetError(f"{len(cases)} cases but the manifest records {spec.cases}", Where(path))
    _check_images(cases, spec, version, mpath)
    return Dataset(name, version, digest, path, manifest, cases)


def _check_images(cases: list[Case], spec: VersionSpec, version: str, mpath: Path) -> None:
    images = [image for case in cases for image in case.images]
    where = Where(mpath, None, f"versions.{version}.images_sha256")
    if not images:
        if spec.images_sha256 is not None:
            raise DatasetError("recorded, but no case of this version has images", where, "remove it")
        return
    digest = images_digest(images)
    if spec.images_sha256 is None:
        raise DatasetError("cases carry images but their sha256 is not recorded", where, f"record {digest}")
    if digest != spec.images_sha256:
        raise DatasetError(
            f"the images hash to {digest[:12]}…, not the recorded {spec.images_sha256[:12]}…",
            where,
            "a recorded version never changes: restore the image files, or record a new version",
        )


def list_datasets(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(p.parent.name for p in root.glob("*/dataset.yaml"))


def add_version(root: Path, name: str, source: Path, notes: str = "") -> str:
    """Validate `source`, copy it in as the next version, and record its hash and count."""
    manifest = load_manifest(root, name)
    data = source.read_bytes()
    cases = parse_cases(data, source, set(manifest.fields), dataset_dir(root, name))
    if not cases:
        raise DatasetError("the file holds no cases", Where(source), "a dataset version needs at least one")
    digest = hashlib.sha256(data).hexdigest()
    for v, spec in manifest.versions.items():
        if spec.sha256 == digest:
            raise DatasetError(f"this content is already recorded as version {v}", Where(source))
    numeric = [int(v) for v in manifest.versions if v.isdigit()]
    version = str(max(numeric, default=0) + 1)
    folder = dataset_dir(root, name)
    target = folder / f"v{version}.jsonl"
    if target.exists():
        raise DatasetError(f"{target} already exists", Where(target))
    shutil.copyfile(source, target)
    mpath = folder / "dataset.yaml"
    raw = yaml.safe_load(mpath.read_text(encoding="utf-8"))
    raw["versions"][version] = {
        "file": target.name,
        "sha256": digest,
        "cases": len(cases),
        "created": dt.datetime.now(dt.UTC).date().isoformat(),
        "notes": notes,
    }
    images = [image for case in cases for image in case.images]
    if images:
        raw["versions"][version]["images_sha256"] = images_digest(images)
    mpath.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return version
