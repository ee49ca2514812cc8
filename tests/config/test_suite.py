from pathlib import Path

import pytest

from harness.config.suite import load_suite
from harness.errors import ConfigError


def test_loads_and_hashes(project: Path) -> None:
    p = load_suite(project)
    assert set(p.suite.tasks) == {"intents", "invoices"}
    assert p.suite.tasks["intents"].quality.non_inferiority_margin == 0.05
    assert p.suite.tasks["intents"].quality.equivalence_margin == 0.02
    assert p.suite.tasks["intents"].quality.regression_margin == 0.03
    assert set(p.hashes) == {"suite", "models", "routing"}
    assert p.routing.role("invoices", "fallback-canned") == "fallback 2"


def test_unknown_deployment_in_chain(project: Path) -> None:
    routing = project.parent / "routing.yaml"
    routing.write_text(routing.read_text().replace("[alpha, beta]", "[alpha, gamma]"))
    with pytest.raises(ConfigError) as e:
        load_suite(project)
    assert f"{routing}:5: tasks.intents.chain[1]: unknown deployment 'gamma'" in str(e.value)


def test_canned_must_be_last(project: Path) -> None:
    routing = project.parent / "routing.yaml"
    routing.write_text(routing.read_text().replace("[alpha, beta, fallback-canned]", "[alpha, fallback-canned, beta]"))
    with pytest.raises(ConfigError, match="canned response must be the last"):
        load_suite(project)


def test_task_without_route(project: Path) -> None:
    routing = project.parent / "routing.yaml"
    routing.write_text(routing.read_text().replace("  intents:\n    chain: [alpha, beta]\n", ""))
    with pytest.raises(ConfigError, match="task 'intents' has no entry in the routing table"):
        load_suite(project)


def test_unknown_grader_and_bad_args(project: Path) -> None:
    text = project.read_text()
    project.write_text(text.replace("name: json_fields", "name: json_feilds"))
    with pytest.raises(ConfigError, match=r"tasks\.invoices\.graders\[0\]: unknown grader 'json_feilds'"):
        load_suite(project)
    project.write_text(text.replace("{name: json_fields}", "{name: json_fields, args: {tolerence: 1}}"))
    with pytest.raises(ConfigError, match="unexpected keyword argument 'tolerence'"):
        load_suite(project)


def test_dataset_reference_needs_version(project: Path) -> None:
    project.write_text(project.read_text().replace("intents@1", "intents"))
    with pytest.raises(ConfigError, match="dataset must be `name@version`"):
        load_suite(project)


def test_canned_needs_response(project: Path) -> None:
    models = project.parent / "models.yaml"
    models.write_text(
        models.read_text().replace("    response: {vendor: null, invoice_number: null, total: null}\n", "")
    )
    with pytest.raises(ConfigError, match="a canned deployment needs `response`"):
        load_suite(project)
