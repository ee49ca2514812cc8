"""fakeprov: the loopback wire server (`server`) and a live project pointed at it (`project`)."""

from tests.fakeprov.project import (
    INFRA_LANES,
    KEY_ENVS,
    LANES,
    aws_env,
    deployment_yaml,
    lane_deployment,
    live_project,
    query,
    route_by_keyword,
    run_live,
)
from tests.fakeprov.server import Fault, Hit, Prompt, Reply, Server, always, first, http, serve

__all__ = [
    "INFRA_LANES", "KEY_ENVS", "LANES", "Fault", "Hit", "Prompt", "Reply", "Server", "always", "aws_env",
    "deployment_yaml", "first", "http", "lane_deployment", "live_project", "query", "route_by_keyword", "run_live",
    "serve",
]  # fmt: skip
