"""Cases with images: loaded and checked with the dataset, attached to the user message, hashed into the prompt,
routed only to vision deployments, answered by the simulator, graded."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from harness.cli import app
from harness.config.datasets import add_version, load_dataset
from harness.config.images import MAX_IMAGE_TOKENS, image_tokens, images_digest, load_image, sniff
from harness.config.suite import load_suite
from harness.errors import DatasetError, Where
from harness.run.plan import Selection, build_plan
from harness.types import Image
from tests.conftest import write_dataset
from tests.pngs import png

GIF = b"GIF89a" + (7).to_bytes(2, "little") + (9).to_bytes(2, "little") + b"\x00" * 8
JPEG = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08" + (33).to_bytes(2, "big") + (44).to_bytes(2, "big") + b"\x03"
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 "


def test_sniff_reads_type_and_size_from_the_bytes() -> None:
    assert sniff(png(12, 5)) == ("image/png", 12, 5)
    assert sniff(GIF) == ("image/gif", 7, 9)
    assert sniff(JPEG + b"\x00" * 8) == ("image/jpeg", 44, 33)
    assert sniff(WEBP) == ("image/webp", None, None)
    assert sniff(b"%PDF-1.7") is None


def test_image_tokens_follow_the_pixel_count_with_a_cap() -> None:
    def img(w: int | None, h: int | None) -> Image:
        return Image("image/png", b"", "", "", w, h)

    assert image_tokens(img(300, 250)) == 100
    assert image_tokens(img(4000, 3000)) == MAX_IMAGE_TOKENS
    assert image_tokens(img(None, None)) == MAX_IMAGE_TOKENS


def test_route_size_counts_images_not_their_paths() -> None:
    from harness.config.datasets import Case
    from harness.config.eligibility import case_tokens

    chart = Image("image/png", b"", "", "images/" + "x" * 400 + ".png", 300, 250)  # 100 tokens; a long path
    text_only = case_tokens(Case("a", {"question": "q?"}, 1))
    assert case_tokens(Case("a", {"question": "q?", "images": [chart.path]}, 1, images=(chart,))) == text_only + 100


def test_load_image_refuses_what_it_should(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "ok.png").write_bytes(png())
    (folder / "images" / "fake.png").write_bytes(b"not an image")
    (tmp_path / "outside.png").write_bytes(png())
    os.symlink(tmp_path / "outside.png", folder / "images" / "link.png")
    image = load_image(folder, "images/ok.png", at("f.jsonl", 3))
    assert (image.media_type, image.sha256, image.path) == (
        "image/png",
        hashlib.sha256(png()).hexdigest(),
        "images/ok.png",
    )
    cases = {
        "images/missing.png": "f.jsonl:3: k: image file 'images/missing.png' not found",
        "../outside.png": "must be relative and stay inside the dataset folder",
        "/etc/passwd": "must be relative and stay inside the dataset folder",
        "images/link.png": "leads outside the dataset folder",
        "images/fake.png": "is not a PNG, JPEG, GIF or WebP file",
        "images": "is a directory",
    }
    for rel, message in cases.items():
        with pytest.raises(DatasetError, match=message.replace(".", r"\.").replace("(", r"\(")):
            load_image(folder, rel, at("f.jsonl", 3))


def at(path: str, line: int) -> Where:
    return Where(path, line, "k")


def chart_case(i: int, images: list[str], split: str = "test") -> dict[str, object]:
    return {"id": f"v{i}", "input": {"question": f"What is bar {i}?", "images": images}, "expected": 10 * i,
            "split": split}  # fmt: skip


def vision_dataset(root: Path, n: int = 4, record_images: bool = True) -> Path:
    folder = root / "charts"
    (folder / "images").mkdir(parents=True, exist_ok=True)
    cases = []
    for i in range(n):
        (folder / "images" / f"c{i}.png").write_bytes(png(8, 6, shade=i * 40))
        cases.append(chart_case(i, [f"images/c{i}.png"]))
    write_dataset(root, "charts", cases, {"question": "the question", "images": "chart image(s)"})
    if record_images:
        manifest = folder / "dataset.yaml"
        raw = yaml.safe_load(manifest.read_text())
        loaded = [load_image(folder, f"images/c{i}.png", at("x", 1)) for i in range(n)]
        raw["versions"]["1"]["images_sha256"] = images_digest(loaded)
        manifest.write_text(yaml.safe_dump(raw, sort_keys=False))
    return folder


def test_dataset_loads_images_and_pins_their_bytes(tmp_path: Path) -> None:
    folder = vision_dataset(tmp_path)
    ds = load_dataset(tmp_path, "charts", "1")
    assert [c.images[0].path for c in ds.cases] == [f"images/c{i}.png" for i in range(4)]
    assert ds.cases[2].images[0].data == png(8, 6, shade=80)
    (folder / "images" / "c2.png").write_bytes(png(8, 6, shade=81))  # a recorded version never changes
    with pytest.raises(DatasetError, match=r"dataset\.yaml: versions\.1\.images_sha256: the images hash to"):
        load_dataset(tmp_path, "charts", "1")


def test_dataset_errors_name_file_line_and_key(tmp_path: Path) -> None:
    vision_dataset(tmp_path, record_images=False)
    with pytest.raises(DatasetError, match=r"versions\.1\.images_sha256: cases carry images but their sha256 is not"):
        load_dataset(tmp_path, "charts", "1")
    other = tmp_path / "other"
    cases = [chart_case(0, ["images/c0.png"]), chart_case(1, ["images/nope.png"])]
    (other / "charts" / "images").mkdir(parents=True)
    (other / "charts" / "images" / "c0.png").write_bytes(png())
    write_dataset(other, "charts", cases, {"question": "q", "images": "i"})
    with pytest.raises(DatasetError) as info:
        load_dataset(other, "charts", "1")
    where = (other / "charts" / "images" / "nope.png").resolve()
    message = f"v1.jsonl:2: input.images[0]: image file 'images/nope.png' not found (fix: expected at {where})"
    assert str(info.value).endswith(message)
    write_dataset(other, "charts", [chart_case(0, "images/c0.png")], {"question": "q", "images": "i"})  # type: ignore[arg-type]
    with pytest.raises(DatasetError, match=r"v1\.jsonl:1: input\.images: must be a list of file paths"):
        load_dataset(other, "charts", "1")


def test_add_version_records_the_images_hash(tmp_path: Path) -> None:
    folder = vision_dataset(tmp_path)
    (folder / "images" / "c9.png").write_bytes(png(3, 3, 9))
    source = tmp_path / "new.jsonl"
    source.write_text(json.dumps(chart_case(9, ["images/c9.png"])) + "\n")
    version = add_version(tmp_path, "charts", source)
    spec = yaml.safe_load((folder / "dataset.yaml").read_text())["versions"][version]
    assert spec["images_sha256"] == images_digest(list(load_dataset(tmp_path, "charts", version).cases[0].images))


VISION = {
    "models": "\n  gamma:\n    provider: openai\n    model: gamma-1\n    family: gpt\n    credentials_env: TINY_KEY\n"
    "    capabilities: [vision]\n    sim: {accuracy: {qa: 1.0}}\n",
    "routing": "\n  charts:\n    chain: [alpha, gamma, fallback-canned]\n",
    "suite": "\n  charts:\n    task_class: qa\n    dataset: charts@1\n    graders: [{name: numeric}]\n",
    "prompt": "{% block system %}Read the chart.{% endblock %}\n{% block user %}{{ question }}{% endblock %}\n",
}


@pytest.fixture
def vision_project(project: Path) -> Path:
    root = project.parent.parent
    for name in ("models", "routing"):
        path = project.parent / f"{name}.yaml"
        path.write_text(path.read_text() + VISION[name])
    project.write_text(project.read_text() + VISION["suite"])
    vision_dataset(root / "datasets")
    (root / "prompts" / "charts").mkdir()
    (root / "prompts" / "charts" / "default.j2").write_text(VISION["prompt"])
    return project


def test_plan_attaches_images_hashes_them_and_drops_blind_deployments(vision_project: Path) -> None:
    plan = build_plan(load_suite(vision_project), Selection(tasks=["charts"]), "r")
    assert {c.deployment for c in plan.cells} == {"gamma", "fallback-canned"}  # alpha has no vision
    entries = [e for r in plan.routes for e in r["entries"] if e["deployment"] == "alpha"]
    assert len(entries) == 4 and {e["reason"] for e in entries} == {"capability: the case needs vision"}
    cell = next(c for c in plan.cells if c.deployment == "gamma" and c.case.id == "v2")
    system, user = cell.request.messages
    assert (system.images, user.content) == ((), "What is bar 2?")
    assert [i.data for i in user.images] == [png(8, 6, shade=80)]
    assert cell.est_input_tokens >= image_tokens(user.images[0])
    # the prompt hash covers the image bytes: other bytes, other hash (and another simulated draw)
    root = vision_project.parent.parent / "datasets" / "charts"
    (root / "images" / "c2.png").write_bytes(png(8, 6, shade=81))
    manifest = yaml.safe_load((root / "dataset.yaml").read_text())
    loaded = [load_image(root, f"images/c{i}.png", at("x", 1)) for i in range(4)]
    manifest["versions"]["1"]["images_sha256"] = images_digest(loaded)
    (root / "dataset.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    again = build_plan(load_suite(vision_project), Selection(tasks=["charts"]), "r")
    hashes = {c.case.id: c.request.prompt_hash for c in plan.cells if c.deployment == "gamma"}
    rehashed = {c.case.id: c.request.prompt_hash for c in again.cells if c.deployment == "gamma"}
    assert [k for k in hashes if hashes[k] != rehashed[k]] == ["v2"]


def test_simulated_vision_run_answers_and_grades(vision_project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    out = CliRunner().invoke(app, ["run", str(vision_project), "--tasks", "charts", "--results-dir", str(results),
                                   "--no-report"])  # fmt: skip
    assert out.exit_code == 0, out.output
    con = duckdb.connect(str(results / "harness.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT deployment, simulated, count(*), avg(score) FROM results GROUP BY ALL ORDER BY 1")
        got = rows.fetchall()
    finally:
        con.close()
    # gamma's twin is always right here (qa accuracy 1.0) and says the number; canned is real and wrong
    assert got == [("fallback-canned", False, 4, 0.0), ("gamma", True, 4, 1.0)]
