"""Bad input through the CLI, case by case: one `error:` line naming the file and line or key (where there is a file)
and what is wrong, exit code 2 (1 for a corrupt journal: a `StoreError`, harness/errors.py), no traceback, and
journals and database unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from harness.cli import app

Mutation = Callable[[Path, Path], None]
"""Changes the project (its root) or the results directory before the command runs."""
Expected = str | re.Pattern[str]


def _nothing(root: Path, res: Path) -> None: ...


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    """`{suite}`, `{root}`, `{res}` and `{run}` (the clean run's id) are filled in."""
    expect: tuple[Expected, ...]
    """What the error line contains (the whole output when the case expects exit code 0)."""
    mutate: Mutation = _nothing
    code: int = 2
    clean_run: bool = False
    """Run the suite once first, so that a results directory with a journal and a database exists."""
    load: bool = False
    """The command loads journals: the database may change, the journals may not."""
    subprocess_timeout: float | None = None
    """Run `python -m harness` in a child killed after this many seconds (for a command that may hang)."""
    marks: tuple[pytest.MarkDecorator, ...] = ()


def edit(rel: str, old: str, new: str) -> Mutation:
    def mutate(root: Path, res: Path) -> None:
        text = (root / rel).read_text()
        assert old in text, f"test bug: {old!r} not in {rel}"
        (root / rel).write_text(text.replace(old, new, 1))

    return mutate


def write(rel: str, data: str | bytes) -> Mutation:
    def mutate(root: Path, res: Path) -> None:
        path = root / rel
        path.write_bytes(data if isinstance(data, bytes) else data.encode())

    return mutate


def append(rel: str, text: str) -> Mutation:
    def mutate(root: Path, res: Path) -> None:
        (root / rel).write_text((root / rel).read_text() + text)

    return mutate


def remove(rel: str) -> Mutation:
    return lambda root, res: (root / rel).unlink()


def manifest(key: str, value: object, name: str = "intents") -> Mutation:
    """Set `versions.1.<key>` in a dataset's manifest."""

    def mutate(root: Path, res: Path) -> None:
        path = root / "datasets" / name / "dataset.yaml"
        data = yaml.safe_load(path.read_text())
        data["versions"]["1"][key] = value
        path.write_text(yaml.safe_dump(data, sort_keys=False))

    return mutate


def cases_file(change: Callable[[list[bytes]], list[bytes]]) -> Mutation:
    """Rewrite intents' v1.jsonl line by line and record the new content in the manifest (sha256 and count), so the
    load gets past the hash check to the lines themselves."""

    def mutate(root: Path, res: Path) -> None:
        path = root / "datasets/intents/v1.jsonl"
        data = b"".join(line + b"\n" for line in change(path.read_bytes().splitlines()))
        path.write_bytes(data)
        manifest("sha256", hashlib.sha256(data).hexdigest())(root, res)
        manifest("cases", len(data.splitlines()))(root, res)

    return mutate


def case_json(n: int, change: Callable[[dict[str, object]], object]) -> Mutation:
    """Line n (1-based) of intents' v1.jsonl replaced by `change(its object)`."""

    def lines(old: list[bytes]) -> list[bytes]:
        out = list(old)
        out[n - 1] = json.dumps(change(json.loads(old[n - 1]))).encode()
        return out

    return cases_file(lines)


def symlink_loop(root: Path, res: Path) -> None:
    path = root / "datasets/intents/v1.jsonl"
    path.unlink()
    os.symlink(path, path)


def journal(res: Path) -> Path:
    (path,) = (res / "runs").glob("*.jsonl")
    return path


def corrupt_db(root: Path, res: Path) -> None:
    (res / "harness.duckdb").write_bytes(bytes(range(256)) * 64)


def corrupt_journal_line_3(root: Path, res: Path) -> None:
    """Line 3 of the journal becomes garbage; the database goes, so that a load reads the journal from its start."""
    lines = journal(res).read_bytes().splitlines(keepends=True)
    lines[2] = b'{"kind": "cell", garbage\n'
    journal(res).write_bytes(b"".join(lines))
    (res / "harness.duckdb").unlink()


def empty_journal(root: Path, res: Path) -> None:
    journal(res).write_bytes(b"")


def results_is_file(root: Path, res: Path) -> None:
    res.write_bytes(b"")


def results_read_only(root: Path, res: Path) -> None:
    """Read-only for everyone: root ignores 0o555, not the immutable attribute (undone by `immutable_cleanup`)."""
    res.mkdir()
    res.chmod(0o555)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(res)], check=True, capture_output=True)


@pytest.fixture(autouse=True)
def immutable_cleanup(tmp_path: Path) -> Iterator[None]:
    yield
    if os.geteuid() == 0 and shutil.which("chattr") and (tmp_path / "results").is_dir():
        subprocess.run(["chattr", "-i", str(tmp_path / "results")], check=False, capture_output=True)


# --- cases ----------------------------------------------------------------------------------------------------------

SUITE, MODELS, ROUTING = "evals/tiny.yaml", "evals/models.yaml", "evals/routing.yaml"
PROMPT, CASES_FILE = "prompts/intents/default.j2", "datasets/intents/v1.jsonl"
RUN = ("run", "{suite}", "--mode", "sim", "--no-report", "--results-dir", "{res}")
INVOICE_GRADERS = "graders: [{name: json_fields}]"
NOT_ROOT = (pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("chattr"), reason="root writes into 0o555"),)


def run(*extra: str) -> tuple[str, ...]:
    return (*RUN, *extra)


def judge(name: str) -> Mutation:
    return edit(SUITE, INVOICE_GRADERS, f"graders: [{{name: json_fields}}, {{name: judge, args: {{judge: {name}}}}}]")


def scenario(name: str, deployment: str) -> Mutation:
    faults = f"[{{deployment: {deployment}, rate: 0.5, failure: overloaded}}]"
    return append(SUITE, f'scenarios:\n  "{name}":\n    faults: {faults}\n')


def flag(id: str, *extra: str, expect: Iterable[Expected] = (), timeout: float | None = None) -> Case:
    """A bad `harness run` flag: the error names the flag."""
    return Case(id, run(*extra), (extra[0], *expect), subprocess_timeout=timeout)


def sql(id: str, query: str, *expect: Expected) -> Case:
    return Case(id, ("sql", query, "--results-dir", "{res}"), expect, clean_run=True)


CASES = [
    # the suite
    Case("suite-empty", run(), ("tiny.yaml", "empty"), write(SUITE, "")),
    Case("suite-not-mapping", run(), ("tiny.yaml:1",), write(SUITE, "- a\n- b\n")),
    Case("suite-not-utf8", run(), ("tiny.yaml", "UTF-8"), write(SUITE, b"name: \xff\xfe\n")),
    Case("suite-unknown-top-key", run(), ("tiny.yaml:13", "colour", "unknown key"), append(SUITE, "colour: red\n")),
    Case("suite-unknown-task-key", run(), ("tiny.yaml:11", "tasks.invoices.repeets", "unknown key"),
         edit(SUITE, "task_class: extraction", "task_class: extraction\n    repeets: 2")),
    Case("suite-wrong-type", run(), ("tiny.yaml:8", "tasks.intents.repeats", "integer"),
         edit(SUITE, "dataset: intents@1", "dataset: intents@1\n    repeats: two")),
    Case("suite-missing-field", run(), ("tiny.yaml:9", "tasks.invoices.task_class", "missing"),
         edit(SUITE, "    task_class: extraction\n", "")),
    Case("suite-duplicate-key", run(), ("tiny.yaml:13", "duplicate key 'tasks'"), append(SUITE, "tasks: {}\n")),
    Case("suite-yaml-syntax", run(), ("tiny.yaml:3", "malformed YAML"), edit(SUITE, "name: tiny", "name: tiny: x")),
    Case("suite-tab-indent", run(), ("tiny.yaml:6", "malformed YAML"),
         edit(SUITE, "    task_class: classification", "\ttask_class: classification")),
    Case("suite-name-newline", run(), ("tiny.yaml:3", "name"), edit(SUITE, "name: tiny", 'name: "ti\\nny"')),
    Case("suite-name-pipe", run(), ("tiny.yaml:3", "name"), edit(SUITE, "name: tiny", 'name: "ti|ny"')),
    Case("suite-unknown-grader", run(), ("tiny.yaml:12", "tasks.invoices.graders[0]", "unknown grader 'nosuch'"),
         edit(SUITE, "name: json_fields", "name: nosuch")),
    Case("suite-bad-grader-args", run(), ("tiny.yaml:12", "tasks.invoices.graders[0]", "tolerence"),
         edit(SUITE, "{name: json_fields}", "{name: json_fields, args: {tolerence: 1}}")),
    Case("suite-duplicate-grader-id", run(), ("tiny.yaml:12", "tasks.invoices.graders[1]", "used twice"),
         edit(SUITE, INVOICE_GRADERS, "graders: [{name: json_fields}, {name: json_fields}]")),
    Case("suite-unknown-judge", run(), ("tiny.yaml:12", "graders[1].args.judge", "unknown judge deployment 'nosuch'"),
         judge("nosuch")),
    Case("suite-canned-judge", run(), ("tiny.yaml:12", "graders[1].args.judge", "fallback-canned"),
         judge("fallback-canned")),
    Case("suite-dataset-without-version", run(), ("tiny.yaml:7", "tasks.intents.dataset", "name@version"),
         edit(SUITE, "intents@1", "intents")),
    Case("suite-unknown-dataset", run(), ("nosuch", "unknown dataset"), edit(SUITE, "intents@1", "nosuch@1")),
    Case("suite-unknown-dataset-version", run(), ("intents", "no version '9'"), edit(SUITE, "intents@1", "intents@9")),
    Case("suite-task-without-route", run(), ("tiny.yaml:9", "tasks.invoices", "routing"),
         edit(ROUTING, "  invoices:\n    chain: [alpha, beta, fallback-canned]\n", "")),
    Case("suite-scenario-name-slash", run(), ("tiny.yaml:14", "scenarios.a/b"), scenario("a/b", "alpha")),
    Case("suite-scenario-unknown-deployment", run(), ("tiny.yaml:15", "scenarios.down.faults[0]", "'nosuch'"),
         scenario("down", "nosuch")),
    Case("suite-path-missing", run()[:1] + ("{root}/evals/nope.yaml", *RUN[2:]), ("nope.yaml", "not found")),
    Case("suite-path-is-directory", run()[:1] + ("{root}/evals", *RUN[2:]), ("evals", "directory")),
    # the model table
    Case("models-missing", run(), ("models.yaml", "not found"), remove(MODELS)),
    Case("models-unknown-provider", run(), ("models.yaml:14", "deployments.beta.provider"),
         edit(MODELS, "provider: openai", "provider: nosuchprov")),
    Case("models-bad-pricing-type", run(), ("models.yaml:10", "deployments.alpha.pricing.input_per_mtok"),
         edit(MODELS, "input_per_mtok: 3.0", "input_per_mtok: cheap")),
    Case("models-unknown-key", run(), ("models.yaml:10", "deployments.alpha.colour", "unknown key"),
         edit(MODELS, "    family: claude\n", "    family: claude\n    colour: red\n")),
    Case("models-duplicate-deployment", run(), ("models.yaml:23", "duplicate key 'alpha'"),
         append(MODELS, "  alpha:\n    provider: canned\n    response: x\n")),
    Case("models-negative-rate-limit", run(), ("models.yaml:9", "deployments.alpha.rate_limits.rpm"),
         edit(MODELS, "    family: claude\n", "    rate_limits: {rpm: -5}\n    family: claude\n")),
    # the routing table
    Case("routing-unknown-deployment", run(), ("routing.yaml:5", "tasks.intents.chain[1]", "unknown deployment"),
         edit(ROUTING, "[alpha, beta]", "[alpha, nosuch]")),
    Case("routing-empty-chain", run(), ("routing.yaml:5", "tasks.intents.chain"), edit(ROUTING, "[alpha, beta]", "[]")),
    Case("routing-twice-in-chain", run(), ("routing.yaml:5", "tasks.intents.chain[", "twice"),
         edit(ROUTING, "[alpha, beta]", "[alpha, alpha]")),
    Case("routing-canned-not-last", run(), ("routing.yaml:7", "tasks.invoices.chain[0]", "last"),
         edit(ROUTING, "[alpha, beta, fallback-canned]", "[fallback-canned, alpha]")),
    Case("routing-unknown-key", run(), ("routing.yaml:8", "colour", "unknown key"), append(ROUTING, "colour: red\n")),
    Case("routing-alias-cycle", run(), ("routing.yaml:4", "tasks.invoices", "alias"),
         write(ROUTING, "tasks: &t\n  intents:\n    chain: [alpha, beta]\n  invoices: *t\n")),
    Case("routing-alias-self-list", run(), ("routing.yaml:5", "tasks.intents.chain", "alias"),
         edit(ROUTING, "[alpha, beta]", "&c [alpha, *c]")),
    # datasets
    Case("dataset-manifest-missing", run(), ("intents/dataset.yaml", "unknown dataset 'intents'"),
         remove("datasets/intents/dataset.yaml")),
    Case("dataset-bad-sha256", run(), ("intents/dataset.yaml", "versions.1.sha256"), manifest("sha256", "zz")),
    Case("dataset-sha256-mismatch", run(), ("v1.jsonl", "does not match"), append(CASES_FILE, "\n")),
    Case("dataset-count-mismatch", run(), ("v1.jsonl", "manifest records 99"), manifest("cases", 99)),
    Case("dataset-file-missing", run(), ("v1.jsonl", "not found"), remove(CASES_FILE)),
    Case("dataset-line-not-json", run(), ("v1.jsonl:3", "malformed JSON"),
         cases_file(lambda ls: [*ls[:2], b"{not json", *ls[3:]])),
    Case("dataset-blank-line", run(), ("v1.jsonl:2", "blank line"), cases_file(lambda ls: [ls[0], b"", *ls[1:]])),
    Case("dataset-case-without-id", run(), ("v1.jsonl:2", "missing 'id'"),
         case_json(2, lambda c: {k: v for k, v in c.items() if k != "id"})),
    Case("dataset-duplicate-case-id", run(), ("v1.jsonl:2", "duplicate case id 'c000'"),
         case_json(2, lambda c: {**c, "id": "c000"})),
    Case("dataset-line-not-object", run(), ("v1.jsonl:2", "JSON object"), case_json(2, lambda c: [c])),
    Case("dataset-empty-file", run(), ("intents", re.compile(r"empty|no (test )?cases|0 cases")),
         cases_file(lambda ls: [])),
    Case("dataset-symlink-loop", run(), ("v1.jsonl",), symlink_loop),
    # prompt templates
    Case("prompt-syntax-error", run(), ("default.j2:1", "template syntax error"),
         write(PROMPT, "{% block user %}{{ nope {% endblock %}")),
    Case("prompt-undefined-variable", run(), ("default.j2:2", "undefined variable", "nope"),
         write(PROMPT, "{% block user %}\n{{ nope }}{% endblock %}\n")),
    Case("prompt-no-user-block", run(), ("default.j2", "user"), write(PROMPT, "{% block system %}x{% endblock %}")),
    Case("prompt-missing-for-deployment", run(), ("prompts/invoices", "no template for deployment"),
         remove("prompts/invoices/default.j2")),
    # flags of `harness run`
    flag("flag-mode", "--mode", "bogus", expect=("bogus",)),
    flag("flag-cache", "--cache", "bogus", expect=("bogus",)),
    Case("flag-tasks-unknown", run("--tasks", "unknown"), ("unknown task 'unknown'",)),
    Case("flag-deployments-unknown", run("--deployments", "unknown"), ("unknown deployment 'unknown'",)),
    Case("flag-scenario-unknown", run("--scenario", "unknown"), ("unknown scenario 'unknown'",)),
    flag("flag-fault-shape", "--fault", "x", expect=("DEPLOYMENT:FAILURE:RATE",)),
    flag("flag-fault-rate-out-of-range", "--fault", "alpha:overloaded:1.5",
         expect=(re.compile(r"--fault 'alpha:overloaded:1\.5': .*rate"),)),
    flag("flag-fault-unknown-failure", "--fault", "alpha:nosuchfailure:0.5",
         expect=(re.compile(r"--fault 'alpha:nosuchfailure:0\.5': .*(failure|unknown)"),)),
    flag("flag-fault-unknown-deployment", "--fault", "nosuch:overloaded:0.5", expect=("unknown deployment",)),
    flag("flag-variants-pipe", "--variants", "a|b", expect=("'a|b'",)),
    flag("flag-limit-0", "--limit", "0"),
    flag("flag-repeats-0", "--repeats", "0"),
    flag("flag-concurrency-0", "--concurrency", "0"),
    flag("flag-per-deployment-0", "--per-deployment", "0"),
    flag("flag-timeout-0", "--timeout", "0"),
    flag("flag-max-cost-negative", "--max-cost", "-1"),
    flag("flag-sim-time-scale-negative", "--sim-time-scale", "-1"),
    flag("flag-sim-time-scale-nan", "--sim-time-scale", "nan", expect=(re.compile("(?i)nan|finite"),)),
    flag("flag-sim-time-scale-inf", "--sim-time-scale", "inf", timeout=20),
    Case("flag-resume-unknown-run", run("--resume", "nosuchrun"), ("nosuchrun",), clean_run=True),
    Case("flag-resume-path", run("--resume", "../x"), ("'../x'",), clean_run=True),
    # other commands
    Case("report-unknown-run", ("report", "--run", "nosuchrun", "--results-dir", "{res}"), ("no run 'nosuchrun'",),
         clean_run=True),
    Case("report-format", ("report", "--format", "pdf", "--results-dir", "{res}"), ("--format", "pdf"),
         clean_run=True),
    Case("show-unknown-run", ("show", "nosuchrun", "--results-dir", "{res}"), ("no run 'nosuchrun'",), clean_run=True),
    Case("show-status", ("show", "--status", "bogus", "--results-dir", "{res}"), ("--status", "bogus"),
         clean_run=True),
    Case("gate-outside-git", ("gate", "{suite}", "--mode", "sim", "--results-dir", "{res}"),
         ("tiny.yaml", "not inside a git repository")),
    # harness sql
    sql("sql-delete", "DELETE FROM cells", "only reads", "DELETE"),
    sql("sql-copy", "COPY cells TO 'cells.csv'", "only reads", "COPY"),
    sql("sql-set", "SET threads = 2", "only reads", "SET"),
    sql("sql-syntax-error", "SELEC 1", "SQL error", "SELEC"),
    sql("sql-two-statements", "SELECT 1; SELECT 2", "one SQL statement"),
    Case("sql-no-database", ("sql", "SELECT 1", "--results-dir", "{res}"), ("no database", "results")),
    # a broken database or journal
    # `runs list` loads first, and a load sets a broken database aside "with a message" (README, Storage)
    Case("db-corrupt-runs-list", ("runs", "list", "--results-dir", "{res}"), ("harness.duckdb", "set aside"),
         corrupt_db, code=0, clean_run=True, load=True),
    Case("db-corrupt-sql", ("sql", "SELECT 1", "--results-dir", "{res}"), ("harness.duckdb",), corrupt_db,
         clean_run=True),
    Case("db-corrupt-report", ("report", "--format", "json", "--results-dir", "{res}"), ("harness.duckdb",),
         corrupt_db, clean_run=True),
    Case("journal-corrupt-db-load", ("db", "load", "--results-dir", "{res}"), ("{run}.jsonl:3", "corrupt"),
         corrupt_journal_line_3, code=1, clean_run=True, load=True),
    Case("journal-empty-resume", run("--resume", "{run}"), ("{run}.jsonl", "empty"), empty_journal, clean_run=True),
    # the file system
    Case("results-dir-is-file", run(), ("results", re.compile("(?i)not a directory")), results_is_file),
    Case("results-dir-read-only", run(), ("results",), results_read_only, marks=NOT_ROOT),
]  # fmt: skip


# --- the test -------------------------------------------------------------------------------------------------------


def snapshot(res: Path) -> dict[str, str]:
    """sha256 of every file under the results directory (write-ahead logs aside)."""
    if res.is_file():
        return {".": hashlib.sha256(res.read_bytes()).hexdigest()}
    files = (p for p in res.rglob("*") if p.is_file() and p.suffix != ".wal") if res.is_dir() else ()
    return {str(p.relative_to(res)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def invoke(args: list[str], timeout: float | None) -> tuple[int, str, str]:
    """Exit code, all output, stderr; an exception that escaped the command fails the test with its traceback."""
    if timeout is not None:
        cmd = [sys.executable, "-m", "harness", *args]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"hung for {timeout} s: harness {' '.join(args)}")
        return done.returncode, done.stdout + done.stderr, done.stderr
    r = CliRunner().invoke(app, args)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        tb = "".join(traceback.format_exception(r.exception))
        pytest.fail(f"exit {r.exit_code}, uncaught exception:\n{r.output}\n{tb}")
    return r.exit_code, r.output, r.stderr


def filler(**values: str) -> Callable[[str], str]:
    """Fills `{suite}`, `{res}`, ... in arguments and expected strings."""
    return lambda text: re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], m[0]), text)


def found(expected: Expected, text: str) -> bool:
    return bool(expected.search(text)) if isinstance(expected, re.Pattern) else expected in text


def check_output(case: Case, code: int, out: str, err: str, fill: Callable[[str], str]) -> None:
    assert "Traceback" not in out, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    expected = [e if isinstance(e, re.Pattern) else fill(e) for e in case.expect]
    if case.code == 0:
        assert not errors, out
        missing = [e for e in expected if not found(e, out)]
    else:
        assert len(errors) == 1, f"expected one `error:` line, got:\n{out}"
        assert errors[0] in err.splitlines(), f"the error line is not on stderr:\n{out}"
        assert "validation error for" not in errors[0], errors[0]  # pydantic's heading, not what is wrong
        missing = [e for e in expected if not found(e, errors[0])]
    assert not missing, f"{missing} not in:\n{out}"
    assert code == case.code, f"exit {code}, expected {case.code}:\n{out}"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_bad_input(case: Case, project: Path, tmp_path: Path) -> None:
    root, res = project.parent.parent, tmp_path / "results"
    if case.clean_run:
        r = CliRunner().invoke(app, [a.format(suite=project, res=res) for a in RUN])
        assert r.exit_code == 0, r.output
    run_id = journal(res).stem if case.clean_run else "no-run"
    case.mutate(root, res)
    before = snapshot(res)
    fill = filler(suite=str(project), root=str(root), res=str(res), run=run_id)
    code, out, err = invoke([fill(a) for a in case.args], case.subprocess_timeout)
    check_output(case, code, out, err, fill)
    after = snapshot(res)
    if case.load:  # a load may write the database, never a journal
        before, after = ({k: v for k, v in s.items() if k.endswith(".jsonl")} for s in (before, after))
    assert after == before, "the command changed files under the results directory"
