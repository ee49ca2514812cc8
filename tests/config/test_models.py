"""The model table's infrastructure fields: which clients each provider reaches and what each one needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from harness.config.models import Deployment, load_models
from harness.errors import ConfigError


def dep(**fields: Any) -> Deployment:
    return Deployment(**{"provider": "anthropic", "model": "m", **fields})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"provider": "openai", "client": "bedrock"}, "client bedrock is not available for provider openai"),
        ({"provider": "google", "client": "azure"}, "choose from: direct, vertex"),
        ({"client": "openai-compatible"}, "client openai-compatible is not available for provider anthropic"),
        ({"provider": "openai", "client": "azure", "api_version": "2024-10-21"}, "client azure needs `base_url`"),
        ({"provider": "openai", "client": "azure", "base_url": "https://r.openai.azure.com"}, "and `api_version`"),
        ({"client": "vertex"}, "client vertex needs `region`"),
        ({"client": "bedrock", "credentials_env": "AWS_ACCESS_KEY_ID"}, "remove `credentials_env`"),
        ({"api_version": "2024-10-21"}, "`api_version` is only for client azure"),
        ({"project": "p"}, "`project` is only for client vertex"),
        ({"provider": "canned", "response": "x", "client": "bedrock"}, "not available for provider canned"),
    ],
)
def test_infrastructure_fields_are_checked(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        dep(**fields)


def test_valid_deployments_per_infrastructure() -> None:
    assert dep(client="bedrock", region="eu-central-1").client == "bedrock"
    assert dep(client="bedrock").region is None  # AWS_REGION at call time
    assert dep(provider="google", client="vertex", region="global", project="p").project == "p"
    azure = dep(provider="openai", client="azure", base_url="https://r.openai.azure.com", api_version="2024-10-21")
    assert azure.api_version == "2024-10-21"


def test_an_unquoted_yaml_api_version_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "models.yaml"
    entry = "  gpt-azure:\n    provider: openai\n    client: azure\n    model: gpt4o-prod\n"
    path.write_text(f"schema_version: 1\ndeployments:\n{entry}    base_url: https://r.openai.azure.com\n"
                    "    api_version: 2024-10-21\n")  # fmt: skip
    assert load_models(path).deployments["gpt-azure"].api_version == "2024-10-21"
    path.write_text(f"schema_version: 1\ndeployments:\n{entry}    api_version: 2024-10-21\n")
    with pytest.raises(ConfigError, match=r"models.yaml:\d+: deployments.gpt-azure.*client azure needs `base_url`"):
        load_models(path)


def test_the_example_model_table_loads() -> None:
    table = load_models(Path(__file__).resolve().parents[2] / "evals" / "models.yaml")
    clients = {d.client for d in table.deployments.values()}
    assert {"direct", "bedrock", "azure"} <= clients
