"""Your own graders: a function in a project file (`python: path.py:fn`), a package's `harness.graders` entry
point."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.config.suite import load_suite
from harness.errors import ConfigError
from harness.graders import REGISTRY, Sample, build_grader, lookup
from harness.graders.base import refresh_entry_points
from harness.run.plan import Selection, build_plan
from tests.fakeprov import query

GRADERS = '''
from __future__ import annotations

from dataclasses import dataclass

from harness.graders import Sample, Score, versioned


@dataclass
class Tally:  # a dataclass in a grader file needs its module registered while it loads
    seen: int = 0


@versioned("2")
def polite(sample: Sample) -> Score:
    """Says please."""
    ok = "please" in sample.output.lower()
    return Score(1.0 if ok else 0.0, ok, "says please" if ok else "no please")


def min_words(*, n: int = 1):
    def grade(sample: Sample) -> Score:
        words = len(sample.output.split())
        return Score(1.0 if words >= n else 0.0, words >= n, f"{words} words")

    return grade
'''


def use_graders(suite: Path, entries: str) -> None:
    text = suite.read_text()
    old = "    graders: [{name: exact, args: {ignore_punctuation: true}}]"
    assert old in text
    suite.write_text(
        text.replace(old, f"    graders: [{{name: exact, args: {{ignore_punctuation: true}}}}, {entries}]")
    )


def test_a_file_grader_runs_in_a_suite_with_its_version(project: Path, tmp_path: Path) -> None:
    folder = project.parent / "graders"
    folder.mkdir()
    (folder / "mine.py").write_text(GRADERS)
    use_graders(project, '{python: "evals/graders/mine.py:polite"}, '
                         '{python: "evals/graders/mine.py:min_words", args: {n: 1}, id: wordy}')  # fmt: skip
    results = tmp_path / "results"
    r = CliRunner().invoke(app, ["run", str(project), "--mode", "sim", "--tasks", "intents", "--limit", "3",
                                 "--results-dir", str(results), "--no-report"])  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = query(results, "SELECT grader_id, grader_version, bool_or(passed), count(*) FROM grades "
                          "WHERE grader_id <> 'exact' GROUP BY ALL ORDER BY 1")  # fmt: skip
    assert rows == [("polite", "2", False, 6), ("wordy", rows[1][1], True, 6)]
    assert rows[1][1].startswith("file-")  # no version given: the file's content hash


def test_editing_an_unversioned_file_grader_changes_the_run_fingerprint(project: Path) -> None:
    folder = project.parent / "graders"
    folder.mkdir()
    (folder / "mine.py").write_text(GRADERS)
    use_graders(project, '{python: "evals/graders/mine.py:min_words"}')
    before = build_plan(load_suite(project), Selection(mode="sim"), "r").fingerprint()["graders"]
    (folder / "mine.py").write_text(GRADERS.replace("words >= n", "words > n"))
    after = build_plan(load_suite(project), Selection(mode="sim"), "r").fingerprint()["graders"]
    assert before != after and any(g[0] == "python:evals/graders/mine.py:min_words" for g in after)


@pytest.mark.parametrize(
    "ref, message",
    [("../outside.py:fn", "outside the project root"), ("/etc/passwd.py:fn", "must be a path inside the project"),
     ("evals/graders/none.py:fn", "no such Python file"), ("evals/graders/mine.py", "is not `path/to/file.py"),
     ("evals/graders/mine.py:nope", "has no function 'nope'"), ("evals/graders/link.py:polite", "outside")],
)  # fmt: skip
def test_file_grader_paths_must_stay_inside_the_project(project: Path, tmp_path: Path, ref: str, message: str) -> None:
    folder = project.parent / "graders"
    folder.mkdir()
    (folder / "mine.py").write_text(GRADERS)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.py"
    outside.write_text(GRADERS)
    (folder / "link.py").symlink_to(outside)
    use_graders(project, f'{{python: "{ref}"}}')
    with pytest.raises(ConfigError, match=message) as e:
        load_suite(project)
    assert "tiny.yaml:" in str(e.value) and "tasks.intents.graders[1]" in str(e.value)


def test_a_grader_needs_exactly_one_of_name_and_python(project: Path) -> None:
    use_graders(project, '{name: exact, python: "evals/graders/mine.py:polite"}')
    with pytest.raises(ConfigError, match="either `name` or `python`"):
        load_suite(project)


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installed distribution `hx-graders` 1.4 exposing `shout` and `echo_len` as `harness.graders` entry points."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "hx_graders_pkg.py").write_text(textwrap.dedent('''
        from harness.graders import Sample, Score

        def shout(sample: Sample) -> Score:
            """Shouts."""
            ok = sample.output.isupper()
            return Score(float(ok), ok, "loud" if ok else "quiet")

        def echo_len(*, limit: int = 5):
            def grade(sample: Sample) -> Score:
                return Score(float(len(sample.output) <= limit), len(sample.output) <= limit, "short enough?")
            return grade
        echo_len.version = "7"
    '''))  # fmt: skip
    info = site / "hx_graders-1.4.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hx-graders\nVersion: 1.4\n")
    (info / "entry_points.txt").write_text(
        "[harness.graders]\nshout = hx_graders_pkg:shout\necho_len = hx_graders_pkg:echo_len\n"
    )
    monkeypatch.syspath_prepend(str(site))
    refresh_entry_points()
    yield site
    for name in ("shout", "echo_len"):
        REGISTRY.pop(name, None)
    refresh_entry_points()


def test_an_entry_point_grader_is_found_by_name_with_its_version(package: Path) -> None:
    shout = lookup("shout")
    assert (shout.version, shout.origin) == ("1.4", "entry point hx-graders 1.4")
    assert build_grader("shout", {}).fn(Sample("HELLO", None)).passed  # type: ignore[union-attr]
    echo = build_grader("echo_len", {"limit": 2})
    assert echo.version == "7" and not echo.fn(Sample("abc", None)).passed  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match="unexpected keyword"):
        build_grader("shout", {"limit": 2})


def test_an_entry_point_grader_is_usable_from_a_suite(package: Path, project: Path) -> None:
    use_graders(project, "{name: shout}")
    p = load_suite(project)
    assert p.registered(p.suite.tasks["intents"].graders[1]).origin.startswith("entry point")
