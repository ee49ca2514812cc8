"""Per-(task, model) prompt templates: resolution and sandboxed rendering to chat messages.

Convention: `prompts/<task>/<name>[.<variant>].j2`, where `<name>` is tried in order: the deployment id, its
family, then `default`; the most specific file wins. A template holds Jinja2 blocks, one per message:

```jinja
{% block system %}You label customer messages.{% endblock %}
{% block user %}Message: {{ text }}{% endblock %}
```
`system` is optional, `user` required; an optional `prefill` block becomes a trailing assistant message. Text
outside blocks is an error; share text with `{% include "_shared/x.j2" %}` or macros (`extends` is not
supported: each block renders on its own, so imports and `set` go inside the block that uses them). Files
starting with `_` are partials.

A variant `prompt:<name>` (the portability matrix, `harness run --portability`) takes `<task>/<name>.j2` whatever the
deployment: a family's template, or `default`, run on every model.

Templates run in Jinja2's immutable sandbox with StrictUndefined, a loader confined to the prompts root, no
globals but `range`, and dataset values are always data, never template source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from harness.errors import PromptError, Where
from harness.types import Message

BASE_VARIANT = "base"
PORTABLE = "prompt:"
"""Prefix of the portability variants: `prompt:claude` runs `<task>/claude.j2` on any deployment."""
MAX_RENDERED_CHARS = 8_000_000
RESERVED = ("input", "case_id", "examples", "labels", "task")


@dataclass(frozen=True)
class Template:
    path: str
    """Relative to the prompts root, e.g. `support-intents/claude.j2`."""
    hash: str
    """sha256 over this file and every template it includes or imports."""
    template: jinja2.Template


def _tojson(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def prompt_hash(messages: tuple[Message, ...]) -> str:
    h = hashlib.sha256()
    for m in messages:
        h.update(m.role.encode())
        h.update(b"\x00")
        h.update(m.content.encode())
        for image in m.images:  # the bytes, through their hash; messages without images hash as before
            h.update(b"\x02" + image.sha256.encode())
        h.update(b"\x01")
    return h.hexdigest()


class PromptLibrary:
    """Templates under one prompts root, loaded and checked once each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader(root),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.globals = {"range": self.env.globals["range"]}
        self._globals = dict(self.env.globals)
        self.env.filters["tojson"] = _tojson
        self._cache: dict[str, Template] = {}

    def candidates(self, task_dir: str, deployment: str, family: str, variant: str) -> list[str]:
        if variant.startswith(PORTABLE):
            return [f"{task_dir}/{variant.removeprefix(PORTABLE)}.j2"]
        suffix = ".j2" if variant == BASE_VARIANT else f".{variant}.j2"
        return [f"{task_dir}/{name}{suffix}" for name in (deployment, family, "default")]

    def resolve(self, task_dir: str, deployment: str, family: str, variant: str = BASE_VARIANT) -> Template:
        tried = self.candidates(task_dir, deployment, family, variant)
        for rel in tried:
            if (self.root / rel).is_file():
                return self.load(rel)
        raise PromptError(
            f"no template for deployment {deployment!r} (family {family!r}), variant {variant!r}",
            Where(self.root / task_dir),
            f"create one of: {', '.join(tried)}",
        )

    def portable(self, task_dir: str, families: set[str]) -> list[str]:
        """The portability variants of a task: `prompt:<name>` for each base template named after a family or
        `default` (partials, named variants and deployment-specific templates are not families' prompts)."""
        folder = self.root / task_dir
        names = sorted(p.stem for p in folder.glob("*.j2") if "." not in p.stem and not p.stem.startswith("_"))
        return [f"{PORTABLE}{n}" for n in names if n in families or n == "default"]

    def load(self, rel: str) -> Template:
        if rel in self._cache:
            return self._cache[rel]
        where = Where(self.root / rel)
        try:
            source, _, _ = self.env.loader.get_source(self.env, rel)  # type: ignore[union-attr]
            ast = self.env.parse(source, rel)
            _check_layout(ast, where)
            digest = hashlib.sha256()
            for name in self._closure(rel, ast):
                digest.update(name.encode() + b"\x00")
                digest.update(self.env.loader.get_source(self.env, name)[0].encode())  # type: ignore[union-attr]
            tmpl = Template(rel, digest.hexdigest(), self.env.get_template(rel))
        except jinja2.TemplateSyntaxError as e:
            raise PromptError(f"template syntax error: {e.message}", Where(self.root / rel, e.lineno)) from None
        except jinja2.TemplateNotFound as e:
            raise PromptError(f"template not found: {e.name}", where) from None
        self._cache[rel] = tmpl
        return tmpl

    def _closure(self, rel: str, ast: nodes.Template) -> list[str]:
        """This template and every one it includes or imports, recursively, in a stable order."""
        seen = [rel]
        stack = [ast]
        while stack:
            for ref in meta.find_referenced_templates(stack.pop()):
                if ref is None:
                    raise PromptError("included template names must be literal strings", Where(self.root / rel))
                if ref not in seen:
                    seen.append(ref)
                    stack.append(self.env.parse(self.env.loader.get_source(self.env, ref)[0]))  # type: ignore[union-attr]
        return seen

    def render(self, tmpl: Template, context: Mapping[str, Any]) -> tuple[Message, ...]:
        """Render each block to a message. Undefined variables and sandbox violations are PromptErrors."""
        t = tmpl.template
        try:
            # one dict, shared: without `shared`, every render copies the globals out of a ChainMap (~20 µs)
            ctx = t.new_context({**self._globals, **context}, shared=True)
            messages = []
            for block, role in (("system", "system"), ("user", "user"), ("prefill", "assistant")):
                if block in t.blocks:
                    text = "".join(t.blocks[block](ctx)).strip()
                    if len(text) > MAX_RENDERED_CHARS:
                        raise PromptError(f"block {block!r} renders to over {MAX_RENDERED_CHARS} chars", self._at(tmpl))
                    messages.append(Message(role, text))  # type: ignore[arg-type]
        except jinja2.UndefinedError as e:
            raise PromptError(
                f"undefined variable: {e.message}", _where_in(e) or self._at(tmpl), _known(context)
            ) from None
        except SecurityError as e:
            raise PromptError(f"blocked by the template sandbox: {e}", self._at(tmpl)) from None
        except jinja2.TemplateError as e:
            raise PromptError(f"template error: {e}", self._at(tmpl)) from None
        return tuple(messages)

    def _at(self, tmpl: Template) -> Where:
        return Where(self.root / tmpl.path)


def _where_in(e: BaseException) -> Where | None:
    """The template file and line an error was raised at (the innermost template frame: an included one when the
    error is there), from the traceback of Jinja's compiled code."""
    where, tb = None, e.__traceback__
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            where = Where(Path(template.filename), template.get_corresponding_lineno(tb.tb_lineno))
        tb = tb.tb_next
    return where


def _known(context: Mapping[str, Any]) -> str:
    return "variables available: " + ", ".join(sorted(context))


def _check_layout(ast: nodes.Template, where: Where) -> None:
    names = set()
    for node in ast.body:
        if isinstance(node, nodes.Extends):
            raise PromptError("`extends` is not supported", Where(where.path, node.lineno), "use include or macros")
        if isinstance(node, nodes.Block):
            if node.name not in ("system", "user", "prefill"):
                raise PromptError(
                    f"unknown block {node.name!r}",
                    Where(where.path, node.lineno),
                    "blocks: system, user, prefill",
                )
            names.add(node.name)
        elif isinstance(node, nodes.Output):
            for child in node.nodes:
                if not (isinstance(child, nodes.TemplateData) and not child.data.strip()):
                    raise PromptError(
                        "text outside a block would be dropped",
                        Where(where.path, node.lineno),
                        "move it into a block",
                    )
        else:
            raise PromptError(
                f"`{type(node).__name__.lower()}` outside a block has no effect: each block renders on its own",
                Where(where.path, node.lineno),
                "move it inside the block that uses it",
            )
    if "user" not in names:
        raise PromptError("no `user` block", where, "add {% block user %}...{% endblock %}")
