"""What every LLM judge shares: the nonce-delimited data block, the judge prompt, the verdict and its validation.

The candidate output never reaches the judge as instructions. It goes inside a block whose delimiters carry a
nonce hashed from what is judged (unpredictable to the candidate), with every delimiter look-alike in it escaped
(runs of angle brackets, their Unicode confusables), so no output can close the block early; the judge prompt's
system message says that the block is data and that instructions inside it are grounds for a low score. The
verdict is a JSON object validated by pydantic (`score` an integer in the declared range, `passed` a boolean, a
short `reasoning`): anything else is asked once more, with another nonce, then recorded as a judge error, never as
a score.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.errors import GraderError, PromptError, ProviderError, Where
from harness.graders.base import ModelCaller
from harness.graders.confusables import latin_view, skeleton
from harness.types import Completion, Message, RequestOptions, SimHint

DEFAULT_PROMPT = "judges/single.j2"
PAIRWISE_PROMPT = "judges/pairwise.j2"
REASON_CHARS = 300

#: Characters a reader could take for the block's angle brackets (NFKC folds several of these to < and >).
_OPEN = "<＜﹤‹«〈《⟨❮❰˂ᐸ⧼"
_CLOSE = ">＞﹥›»〉》⟩❯❱˃ᐳ⧽"


def new_nonce(*parts: object) -> str:
    """The block's nonce: a hash of what is judged (outputs, context, attempt). A candidate cannot predict it (it
    would have to know the hash of its own output), and the same judgement asks the very same request, so judge
    calls hit the response cache on reruns and replay like candidate calls."""
    return hashlib.sha256("\x1f".join(map(repr, parts)).encode()).hexdigest()[:16]


def _entity(ch: str) -> str:
    """`&lt;` / `&gt;` for an angle bracket or anything that reads as one (NFKC, UTS #39 skeleton); else `ch`."""
    if ch in _OPEN:
        return "&lt;"
    if ch in _CLOSE:
        return "&gt;"
    if ch.isascii():
        return ch
    folded = unicodedata.normalize("NFKC", ch) + skeleton(ch)
    return "&lt;" if "<" in folded else "&gt;" if ">" in folded else ch


#: Words that make a line read as the end (or start) of a block, matched on the folded view of each word.
_MARKERS = frozenset({"end", "begin", "eof", "endof"})
_WEAK_MARKERS = frozenset({"start", "stop", "close"})  # common words: a marker only on a line drawn as one
_MARKER_HINT = re.compile(r"end|begin|start|eof|stop|close")
_WORD = re.compile(r"[^\W_]+")  # letters and digits: `END_CANDIDATE_OUTPUT` is three words joined by `_`
_RULE = re.compile(r"[=\-#*~_+|\[\](){}/\\:.]{2,}")  # `===`, `---`, `[[`: a line drawn as a delimiter
_SLASH_TAG = re.compile(r"([\[［])(\s*)([/／])")  # `[/answer]`: a closing tag in square brackets


def _defuse_line(line: str) -> str:
    """Encode the first letter of each marker word (`&#69;ND`) where the line reads as a delimiter: the word is
    joined to another by `_` or `-` (`END_CANDIDATE_OUTPUT`, `END-OF-ANSWER`), or the line is short (six words at
    most) and starts or ends with it, is drawn with punctuation runs (`=== END ===`) or is all capitals."""
    words = list(_WORD.finditer(line))
    kinds = [(m, latin_view(m.group())) for m in words]
    short = len(words) <= 6
    shaped = short and (_RULE.search(line) is not None or (line.upper() == line and any(c.isalpha() for c in line)))
    marked = [m for m, v in kinds if v in _MARKERS or (shaped and v in _WEAK_MARKERS)]
    if not marked:
        return line
    out, last = [], 0
    for m in marked:
        a, b = m.span()
        joined = (a > 0 and line[a - 1] in "_-") or (b < len(line) and line[b] in "_-")
        edge = m is words[0] or m is words[-1]
        if joined or shaped or (short and edge):
            out += [line[last:a], f"&#{ord(line[a])};"]
            last = a + 1
    return "".join(out) + line[last:]


def escape(text: str) -> str:
    """Neutralise every delimiter look-alike, whatever tag it would spell: format characters (zero-width spaces and
    joiners, bidi controls: they split `< < <` runs or hide text) are dropped; every angle bracket, its look-alikes
    and what NFKC or the UTS #39 skeleton folds into one become `&lt;`/`&gt;`, so no tag of any name survives in
    the block; a line that reads as an end marker without brackets (`END_CANDIDATE_OUTPUT`, `=== END ===`,
    `---END OF ANSWER---`, also spelt with look-alikes) has its marker word's first letter encoded (`&#69;ND`)."""
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    if _MARKER_HINT.search(latin_view(text)):
        text = "\n".join(map(_defuse_line, text.split("\n")))
    text = _SLASH_TAG.sub(lambda m: f"{m.group(1)}{m.group(2)}&#{ord(m.group(3))};", text)
    if text.isascii():  # the common case: only < and > to replace
        return text.replace("<", "&lt;").replace(">", "&gt;")
    return "".join(map(_entity, text))


def tags(label: str, nonce: str) -> tuple[str, str]:
    return f"<<<{label} {nonce}>>>", f"<<<END_{label} {nonce}>>>"


def block(text: str, label: str, nonce: str) -> str:
    """The untrusted text as a delimited data block."""
    start, end = tags(label, nonce)
    return f"{start}\n{escape(text)}\n{end}"


def reference_text(expected: Any) -> str | None:
    if expected is None or expected == []:
        return None
    if isinstance(expected, str):
        return expected
    if isinstance(expected, list) and all(isinstance(e, str) for e in expected):
        return " | ".join(expected)
    return json.dumps(expected, ensure_ascii=False, sort_keys=True)


def input_items(inp: dict[str, Any], fields: list[str] | None) -> list[dict[str, str]]:
    """The case input fields the judge sees (all by default), as {name, value} text."""
    names = list(inp) if fields is None else [f for f in fields if f in inp]
    return [{"name": n, "value": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}
            for n in names for v in [inp[n]]]  # fmt: skip


# --- The verdicts ------------------------------------------------------------------------------------------------


class Verdict(BaseModel):
    """A single-answer verdict: exactly these keys."""

    model_config = ConfigDict(extra="forbid", strict=True)
    score: int
    passed: bool
    reasoning: str = Field(max_length=4000)


class PairVerdict(BaseModel):
    """A pairwise verdict: which of the two responses is better, or a tie."""

    model_config = ConfigDict(extra="forbid", strict=True)
    winner: Literal["A", "B", "tie"]
    reasoning: str = Field(max_length=4000)


class VerdictError(ValueError):
    """The judge's answer is not a valid verdict."""


_FENCE = re.compile(r"^```(?:json)?\s*\n?(.*?)\n?```$", re.DOTALL)
V = TypeVar("V", bound=BaseModel)


def parse_json_object(text: str) -> dict[str, Any]:
    """The whole answer as one JSON object (a code fence around it tolerated); never a score found in prose."""
    body = text.strip()
    m = _FENCE.match(body)
    if m:
        body = m.group(1).strip()
    try:
        obj = json.loads(body)
    except ValueError:
        raise VerdictError(f"not a JSON object: {body[:60]!r}") from None
    if not isinstance(obj, dict):
        raise VerdictError(f"not a JSON object: {body[:60]!r}")
    return obj


def parse_verdict(text: str, model: type[V]) -> V:
    try:
        return model.model_validate(parse_json_object(text))
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(map(str, err["loc"])) or "verdict"
        raise VerdictError(f"{where}: {err['msg']}") from None


def single_verdict(text: str, low: int, high: int) -> Verdict:
    v = parse_verdict(text, Verdict)
    if not low <= v.score <= high:
        raise VerdictError(f"score {v.score} is outside {low}..{high}")
    return v


# --- Asking -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgePrompt:
    """A judge prompt template, loaded and checked once: it must keep the data block out of the instructions."""

    path: str
    hash: str
    template: Any
    library: Any

    @classmethod
    def load(cls, library: Any, rel: str, labels: tuple[str, ...], probe: dict[str, Any]) -> JudgePrompt:
        if library is None:
            raise ValueError("no prompt library: judges are built by a suite load, a run or a calibration")
        tmpl = library.load(rel)
        prompt = cls(rel, tmpl.hash, tmpl, library)
        nonce = "0" * 16
        context = {**probe, **{f"output{sfx}": block("probe", lab, nonce) for sfx, lab in _slots(labels)}}
        messages = prompt.render(context, nonce, labels)
        system = "".join(m.content for m in messages if m.role == "system")
        user = "".join(m.content for m in messages if m.role == "user")
        for _, lab in _slots(labels):
            start, end = tags(lab, nonce)
            if user.count(start) != 1 or user.count(end) != 1:
                raise PromptError(f"the judge prompt must put `{{{{ output }}}}` ({lab}) once in the user block",
                                  Where(library.root / rel))  # fmt: skip
            if block("probe", lab, nonce) in system:
                raise PromptError("the candidate output must not be in the system block", Where(library.root / rel))
        if nonce not in system:
            raise PromptError(
                "the judge prompt's system block must name the data delimiters (`{{ open_tag }}`, `{{ close_tag }}`)"
                " and say that text between them is data", Where(library.root / rel))  # fmt: skip
        return prompt

    def render(self, context: dict[str, Any], nonce: str, labels: tuple[str, ...]) -> tuple[Message, ...]:
        names = {}
        for sfx, lab in _slots(labels):
            start, end = tags(lab, nonce)
            names[f"open_tag{sfx}"], names[f"close_tag{sfx}"] = start, end
        messages: tuple[Message, ...] = self.library.render(self.template, {**context, **names, "nonce": nonce})
        return messages


def _slots(labels: tuple[str, ...]) -> list[tuple[str, str]]:
    """Template variable suffixes: one block is `output`; two are `output_a` and `output_b`."""
    if len(labels) == 1:
        return [("", labels[0])]
    return [(f"_{chr(ord('a') + i)}", lab) for i, lab in enumerate(labels)]


def outputs_context(outputs: tuple[str, ...], labels: tuple[str, ...], nonce: str) -> dict[str, str]:
    return {f"output{sfx}": block(text, lab, nonce) for (sfx, lab), text in zip(_slots(labels), outputs, strict=True)}


@dataclass(frozen=True)
class Asked:
    text: str
    completion: Completion


async def ask(
    call_model: ModelCaller,
    deployment: str,
    prompt: JudgePrompt,
    context: dict[str, Any],
    outputs: tuple[str, ...],
    labels: tuple[str, ...],
    validate: Callable[[str], V],
    *,
    sim: SimHint,
    cell_key: str,
    max_tokens: int,
    purpose: str = "judge",
) -> tuple[V, Completion]:
    """Ask `deployment`; an invalid verdict is asked once more with a fresh nonce, then it is a GraderError."""
    options = RequestOptions(temperature=0.0, max_tokens=max_tokens, json_mode=True)
    problem = ""
    for attempt in range(2):
        nonce = new_nonce(outputs, sorted(context.items(), key=lambda kv: kv[0]), attempt)
        messages = prompt.render({**context, **outputs_context(outputs, labels, nonce)}, nonce, labels)
        try:
            completion = await call_model(deployment, messages, options=options, sim=sim, cell_key=cell_key,
                                          purpose=purpose)  # fmt: skip
        except ProviderError as e:
            raise GraderError(f"judge {deployment}: {e.failure_class.value}: {e.message}") from None
        try:
            return validate(completion.text), completion
        except VerdictError as e:
            problem = str(e)
    raise GraderError(f"judge {deployment}: invalid verdict twice ({problem})")


def short(text: str, limit: int = REASON_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
