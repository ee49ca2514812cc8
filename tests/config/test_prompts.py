from pathlib import Path

import pytest

from harness.config.prompts import PromptLibrary, prompt_hash
from harness.errors import PromptError


def lib(tmp_path: Path, files: dict[str, str]) -> PromptLibrary:
    for rel, body in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(body)
    return PromptLibrary(tmp_path)


SIMPLE = "{% block system %}S {{ x }}{% endblock %}{% block user %}U {{ x }}{% endblock %}"


def test_resolution_order_model_then_family_then_default(tmp_path: Path) -> None:
    library = lib(tmp_path, {"t/default.j2": SIMPLE, "t/claude.j2": SIMPLE, "t/sonnet@api.j2": SIMPLE})
    assert library.resolve("t", "sonnet@api", "claude").path == "t/sonnet@api.j2"
    assert library.resolve("t", "haiku@api", "claude").path == "t/claude.j2"
    assert library.resolve("t", "gpt", "gpt").path == "t/default.j2"


def test_variants_resolve_separately(tmp_path: Path) -> None:
    library = lib(tmp_path, {"t/default.j2": SIMPLE, "t/default.fewshot.j2": SIMPLE})
    assert library.resolve("t", "m", "f", "fewshot").path == "t/default.fewshot.j2"
    with pytest.raises(PromptError, match="variant 'xml'.*create one of: t/m.xml.j2, t/f.xml.j2, t/default.xml.j2"):
        library.resolve("t", "m", "f", "xml")


def test_renders_messages(tmp_path: Path) -> None:
    library = lib(tmp_path, {"t/default.j2": SIMPLE + "{% block prefill %}{{ '{' }}{% endblock %}"})
    msgs = library.render(library.resolve("t", "m", "f"), {"x": "1"})
    assert [(m.role, m.content) for m in msgs] == [("system", "S 1"), ("user", "U 1"), ("assistant", "{")]


def test_undefined_variable_is_an_error(tmp_path: Path) -> None:
    library = lib(tmp_path, {"t/default.j2": SIMPLE})
    with pytest.raises(PromptError, match=r"t/default.j2:1: undefined variable: 'x' is undefined"):
        library.render(library.resolve("t", "m", "f"), {"y": 1})


def test_undefined_variable_in_an_included_template_names_that_file_and_line(tmp_path: Path) -> None:
    library = lib(tmp_path, {"t/default.j2": '{% block user %}{% include "t/part.j2" %}{% endblock %}',
                             "t/part.j2": "line one\nline two {{ nope }}"})  # fmt: skip
    with pytest.raises(PromptError, match=r"t/part.j2:2: undefined variable: 'nope' is undefined"):
        library.render(library.resolve("t", "m", "f"), {"y": 1})


def test_syntax_error_names_line(tmp_path: Path) -> None:
    library = lib(tmp_path, {"t/default.j2": "{% block user %}\n{{ x \n{% endblock %}"})
    with pytest.raises(PromptError, match=r"default.j2:\d: template syntax error"):
        library.resolve("t", "m", "f")


def test_text_outside_blocks_and_missing_user(tmp_path: Path) -> None:
    library = lib(
        tmp_path,
        {
            "a/default.j2": "hello {% block user %}u{% endblock %}",
            "b/default.j2": "{% block system %}s{% endblock %}",
        },
    )
    with pytest.raises(PromptError, match="text outside a block"):
        library.resolve("a", "m", "f")
    with pytest.raises(PromptError, match="no `user` block"):
        library.resolve("b", "m", "f")


def test_dataset_values_are_data_not_template(tmp_path: Path) -> None:
    library = lib(tmp_path, {"t/default.j2": SIMPLE})
    payload = "{{ 7*7 }} {% raw %} {{ ''.__class__.__mro__ }}"
    msgs = library.render(library.resolve("t", "m", "f"), {"x": payload})
    assert msgs[1].content == f"U {payload}"


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ x.__class__.__init__.__globals__ }}",
        "{{ lipsum.__globals__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% include '/etc/passwd' %}",
        "{% include '../secret.txt' %}",
        "{{ config }}",
    ],
)
def test_sandbox_blocks_escapes(tmp_path: Path, body: str) -> None:
    (tmp_path / "secret.txt").write_text("s3cret")
    library = lib(tmp_path / "p", {"t/default.j2": "{% block user %}" + body + "{% endblock %}"})
    with pytest.raises(PromptError):
        msgs = library.render(library.resolve("t", "m", "f"), {"x": "a"})
        assert "s3cret" not in msgs[0].content


def test_hash_covers_included_templates(tmp_path: Path) -> None:
    files = {
        "t/default.j2": '{% block user %}{% include "_shared/head.j2" %} {{ x }}{% endblock %}',
        "_shared/head.j2": "Hi",
    }
    h1 = lib(tmp_path, files).resolve("t", "m", "f").hash
    (tmp_path / "_shared/head.j2").write_text("Hello")
    library = PromptLibrary(tmp_path)
    assert library.resolve("t", "m", "f").hash != h1
    assert library.render(library.resolve("t", "m", "f"), {"x": 1})[0].content == "Hello 1"


def test_prompt_hash_depends_on_roles_and_text() -> None:
    from harness.types import Message

    a = prompt_hash((Message("user", "hi"),))
    assert a == prompt_hash((Message("user", "hi"),))
    assert a != prompt_hash((Message("system", "hi"),))
    assert a != prompt_hash((Message("user", "hi "),))
