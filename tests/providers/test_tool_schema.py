"""Tool schemas from BFCL-style sets (issue 27): checked when the dataset loads, translated per vendor in one place
(`harness.providers.tool_schema`), recorded in the cell, and mapped back before grading. Covered against the
vendors' request validators as the loopback wire server applies them, through the three real SDKs."""

from __future__ import annotations

import asyncio
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.config.models import Deployment, ModelTable
from harness.errors import DatasetError, ProviderError
from harness.providers.base import ProviderSettings, make_provider
from harness.providers.tool_schema import restore, translate
from harness.types import Message, Request, RequestOptions, ToolCall
from tests.conftest import bfcl_tool_cases, write_dataset
from tests.fakeprov import KEY_ENVS, LANES, Prompt, Reply, Server, query, serve
from tests.fakeprov.project import deployment_yaml, run_live

TOOLS = bfcl_tool_cases(1)[0]["input"]["tools"]


def test_translation_per_vendor() -> None:
    strict = translate("openai", TOOLS)
    assert [t["name"] for t in strict.tools] == ["math_factorial", "geometry_area_circle"]
    assert strict.names == {"math_factorial": "math.factorial", "geometry_area_circle": "geometry.area_circle"}
    params = strict.tools[1]["parameters"]
    assert params["type"] == "object" and params["properties"]["radius"]["type"] == "number"
    assert params["properties"]["centre"] == {
        "type": "array",
        "items": {"type": "number"},
        "description": "Centre (x, y).",
    }
    assert "type" not in params["properties"]["meta"]
    assert "tools[1].parameters.properties.radius.type: float -> number" in strict.changes
    assert "tools[0].name: math.factorial -> math_factorial" in strict.changes
    assert TOOLS[0]["name"] == "math.factorial" and TOOLS[0]["parameters"]["type"] == "dict"  # the case unchanged
    assert translate("anthropic", TOOLS).tools == strict.tools
    gemini = translate("google", TOOLS)  # Gemini takes dotted names: only the types change
    assert [t["name"] for t in gemini.tools] == ["math.factorial", "geometry.area_circle"] and not gemini.names
    assert gemini.tools[1]["parameters"] == params
    clean = [{"name": "lookup", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}]
    assert translate("openai", clean).record() is None and translate("openai", clean).tools == tuple(clean)


def test_safe_names_never_collide_and_map_back() -> None:
    tools = [{"name": "a.b"}, {"name": "a_b"}, {"name": "a:b"}]
    t = translate("openai", tools)
    assert [x["name"] for x in t.tools] == ["a_b_2", "a_b", "a_b_3"]
    calls = (ToolCall("a_b_2", {"x": 1}), ToolCall("a_b", {}), ToolCall("a_b_3", {}))
    back = restore(calls, t.names)
    assert [c.name for c in back] == ["a.b", "a_b", "a:b"] and restore(back, t.names) == back


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t[1]["parameters"]["properties"]["radius"].update(type="real"),
         "case t0: tools[1].parameters.properties.radius.type: unknown type 'real'"),
        (lambda t: t[0]["parameters"].update(required=["n"]),
         "case t0: tools[0].parameters.required: 'n' is not a property"),
        (lambda t: t[0].update(name="math factorial"),
         "case t0: tools[0].name: 'math factorial' is not a function name"),
        (lambda t: t[1].update(name="math.factorial"), "case t0: tools[1].name: 'math.factorial' is defined twice"),
        (lambda t: t[0].update(params={}), "case t0: tools[0]: unknown key 'params'"),
    ],
)  # fmt: skip
def test_bad_tool_schemas_fail_the_load_naming_case_and_field(tmp_path: Path, change: Any, message: str) -> None:
    cases = bfcl_tool_cases(2)
    tools = json.loads(json.dumps(cases[0]["input"]["tools"]))
    change(tools)
    cases[0]["input"]["tools"] = tools
    src = tmp_path / "cases.jsonl"
    src.write_text("".join(json.dumps(c) + "\n" for c in cases))
    r = CliRunner().invoke(app, ["datasets", "new", "calls", str(src), "--task-class", "function-calling",
                                 "--datasets-dir", str(tmp_path / "datasets")])  # fmt: skip
    assert r.exit_code == 2 and message in r.output and "cases.jsonl:1" in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1
    write_dataset(tmp_path / "d", "calls", cases, {"request": "r", "tools": "t"})  # a hand-written manifest too
    from harness.config.datasets import load_dataset

    with pytest.raises(DatasetError, match=re.escape(message)):
        load_dataset(tmp_path / "d", "calls", "1")


# --- Against the vendors' validators, through the SDKs -------------------------------------------------------------


def answer(p: Prompt) -> Reply:
    """A model that calls the right tool under whatever name it was offered."""
    n = int(re.findall(r"\d+", p.user)[-1])
    if "factorial" in p.user:
        return Reply(calls=((next(t for t in p.tools if "factorial" in t), {"number": n}),))
    return Reply(calls=((next(t for t in p.tools if "area" in t), {"radius": float(n), "units": "m"}),))


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")


def send(server: Server, lane: str, tools: tuple[dict[str, Any], ...]) -> Any:
    api = LANES[lane]
    dep = Deployment(provider=api, model=f"{lane}-test", base_url=server.base_url(lane, api),
                     credentials_env=KEY_ENVS[lane])  # fmt: skip
    p = make_provider(api, lane, dep, ProviderSettings(ModelTable(deployments={lane: dep})))
    req = Request(lane, dep.model, (Message("user", "What is the factorial of 5?"),), RequestOptions(tools=tools), "h")

    async def go() -> Any:
        try:
            return await p.complete(req)
        except ProviderError as e:
            return e
        finally:
            await p.aclose()  # type: ignore[attr-defined]

    return asyncio.run(go())


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize("lane", list(LANES))
def test_the_vendor_refuses_raw_tools_and_takes_translated_ones(lane: str) -> None:
    with serve(answer) as server:
        raw = send(server, lane, tuple(TOOLS))
        sent = translate(LANES[lane], TOOLS)
        ok = send(server, lane, sent.tools)
    assert isinstance(raw, ProviderError) and raw.status == 400, raw  # untranslated: the validator's 400
    assert not isinstance(ok, ProviderError), ok
    assert [c.name for c in restore(ok.tool_calls, sent.names)] == ["math.factorial"]


SUITE = """
schema_version: 1
name: calls
tasks:
  calls:
    task_class: function-calling
    dataset: calls@1
    graders: [{name: function_call}]
"""


@pytest.mark.usefixtures("keys")
def test_live_run_sends_only_what_each_vendor_takes(tmp_path: Path) -> None:
    """A run of BFCL-style cases on the three vendors: no request is refused, every call is stored and graded under
    the dataset's names, and each cell records what was changed for its vendor."""
    with serve(answer) as server:
        evals = tmp_path / "evals"
        evals.mkdir()
        models = "schema_version: 1\ndeployments:\n" + "".join(
            deployment_yaml(lane, server) + "    capabilities: [tools]\n" for lane in LANES
        )
        (evals / "models.yaml").write_text(models)
        (evals / "routing.yaml").write_text(f"schema_version: 1\ntasks:\n  calls:\n    chain: [{', '.join(LANES)}]\n")
        (evals / "calls.yaml").write_text(textwrap.dedent(SUITE))
        write_dataset(tmp_path / "datasets", "calls", bfcl_tool_cases(6), {"request": "r", "tools": "t"},
                      task_class="function-calling")  # fmt: skip
        prompt = tmp_path / "prompts" / "calls" / "default.j2"
        prompt.parent.mkdir(parents=True)
        prompt.write_text("{% block user %}{{ request }}{% endblock %}\n")
        result = run_live(evals / "calls.yaml", tmp_path / "results")
        assert result.loaded, result.load_note
        refused = [h for h in server.hits if h.status == 400]
    assert refused == []
    results = tmp_path / "results"
    assert query(results, "SELECT deployment, status, count(*), avg(score) FROM results GROUP BY ALL ORDER BY 1") == [
        (lane, "ok", 6, 1.0) for lane in sorted(LANES)
    ]
    names = query(results, "SELECT DISTINCT json_extract_string(tool_calls, '$[0].name') FROM cells ORDER BY 1")
    assert names == [("geometry.area_circle",), ("math.factorial",)]
    schema = dict(query(results, "SELECT deployment, any_value(tool_schema) FROM cells GROUP BY 1"))
    assert json.loads(schema["gpt"])["renamed"] == {"math_factorial": "math.factorial",
                                                    "geometry_area_circle": "geometry.area_circle"}  # fmt: skip
    assert "renamed" in json.loads(schema["claude"]) and json.loads(schema["gemini"])["renamed"] == {}
    assert "tools[0].parameters.type: dict -> object" in json.loads(schema["gemini"])["changes"]
