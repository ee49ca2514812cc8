"""The routing table's `router:` block and balance groups: they load, validate and reject what cannot work."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from harness.config.models import load_models
from harness.config.routing import RoutingTable, load_routing
from harness.errors import ConfigError

EXAMPLE = Path(__file__).parents[2] / "evals"

TABLE = """
schema_version: 1
router:
  cooldown: {failure_share: 0.5, seconds: 30}
  requests_per_s: 5.0
tasks:
  invoice-extraction:
    chain: [claude-sonnet@anthropic, claude-sonnet@bedrock, gpt-4o@azure]
    balance:
      - {deployments: [claude-sonnet@bedrock, claude-sonnet@anthropic], weights: [1, 3]}
"""


def load(tmp_path: Path, body: str) -> RoutingTable:
    path = tmp_path / "routing.yaml"
    path.write_text(textwrap.dedent(body))
    return load_routing(path, load_models(EXAMPLE / "models.yaml"))


def test_router_block_and_balance_groups_load(tmp_path: Path) -> None:
    table = load(tmp_path, TABLE)
    assert table.router.cooldown is not None
    assert table.router.cooldown.seconds == 30 and table.router.cooldown.failure_share == 0.5
    assert table.router.cooldown.min_requests == 5 and table.router.requests_per_s == 5.0
    group = table.tasks["invoice-extraction"].balance[0]
    assert group.weight("claude-sonnet@anthropic") == 3 and group.strategy == "weighted"


def test_the_example_table_has_no_router_and_defaults_to_no_cooldown() -> None:
    table = load_routing(EXAMPLE / "routing.yaml", load_models(EXAMPLE / "models.yaml"))
    assert table.router.cooldown is None


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("[claude-sonnet@bedrock, claude-sonnet@anthropic]", "[claude-sonnet@anthropic, gpt-4o@azure]"), "next to"),
        (("[claude-sonnet@bedrock, claude-sonnet@anthropic]", "[claude-sonnet@bedrock, gpt-4o@openai]"), "next to"),
        (("weights: [1, 3]", "weights: [1]"), "1 weights for 2"),
        (("weights: [1, 3]", "weights: [0, 3]"), "positive"),
        (("weights: [1, 3]", "strategy: fastest"), "strategy"),
        (("seconds: 30", "seconds: 30, spare: 1"), "spare"),
        (("failure_share: 0.5", "failure_share: 1.5"), "failure_share"),
    ],
)
def test_bad_router_config_is_one_error_naming_it(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load(tmp_path, TABLE.replace(*edit))
