from pathlib import Path

import pytest

from harness.config.models import ModelTable
from harness.config.yamlfile import load_model, load_yaml
from harness.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "f.yaml"
    p.write_text(text)
    return p


def test_duplicate_key_names_file_line_and_key(tmp_path: Path) -> None:
    p = write(tmp_path, "a:\n  b: 1\n  c: 2\n  b: 3\n")
    with pytest.raises(ConfigError) as e:
        load_yaml(p)
    assert str(e.value).startswith(f"{p}:4: a.b: duplicate key 'b' (first at line 2)")


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    p = write(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(ConfigError, match=r"f\.yaml:\d+: malformed YAML"):
        load_yaml(p)


def test_python_tags_are_rejected(tmp_path: Path) -> None:
    p = write(tmp_path, "a: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ConfigError, match="malformed YAML"):
        load_yaml(p)


def test_alias_bomb_is_rejected_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    p = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match="alias bomb"):
        load_yaml(p)


def test_unknown_key_points_at_its_line(tmp_path: Path) -> None:
    p = write(tmp_path, "deployments:\n  m:\n    provider: sim\n    modle: x\n")
    with pytest.raises(ConfigError) as e:
        load_model(p, ModelTable)
    assert f"{p}:4: deployments.m.modle: unknown key" in str(e.value)


def test_yaml_no_is_not_a_model_name(tmp_path: Path) -> None:
    p = write(tmp_path, "deployments:\n  m:\n    provider: anthropic\n    model: no\n")
    with pytest.raises(ConfigError, match=r"deployments\.m\.model: Input should be a valid string"):
        load_model(p, ModelTable)


def test_wrong_type_and_missing_key(tmp_path: Path) -> None:
    p = write(tmp_path, "deployments:\n  m:\n    provider: sim\n    pricing: {input_per_mtok: cheap}\n")
    with pytest.raises(ConfigError, match=r":4: deployments\.m\.pricing\.input_per_mtok"):
        load_model(p, ModelTable)
    p = write(tmp_path, "families: {}\n")
    with pytest.raises(ConfigError, match="deployments: required key is missing"):
        load_model(p, ModelTable)
