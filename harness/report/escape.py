"""Plain text made inert in Markdown: what a suite, a dataset or a model answer names can never add a line, a table
cell, a heading, a quote, a link or HTML to the summaries that reviewers read (the report's Markdown, the gate's PR
comment and step summary). One function for every string that reaches Markdown; numbers need none."""

from __future__ import annotations

import re

#: Every line break Markdown or a browser may honour (CommonMark's, and Unicode's that some renderers follow).
_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
#: Punctuation with a meaning inside a line in CommonMark or GFM: emphasis, code spans, links and images (they need
#: `[`), table cells, strikethrough, GitHub's math. A backslash before any of these is always the literal character.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
#: What opens a block when it starts a line or a list item's text: a heading, quote, list item, thematic break or
#: setext underline, an ordered item (`1.` / `1)`); its first character is escaped there.
_BLOCK_START = re.compile(r"^([#>+=-]|\d+[.)])")
#: Leading whitespace (four spaces start a code block): written as character references, which never indent.
_INDENT = re.compile(r"^[ \t]+")


def md(value: object) -> str:
    """`value` as inline Markdown text that renders as itself, on one line: line breaks become spaces, `&`, `<`,
    `>` become entities (no HTML, no autolink), inline markup characters are backslash-escaped (no emphasis, code
    span, link, image or table cell), and what would open a block at the start (`#`, `>`, `-`, `1.`, an indent) is
    neutralised, so it is safe inside a line and after a list marker alike."""
    text = _BREAKS.sub(" ", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    text = _INDENT.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), text)
    return _BLOCK_START.sub(lambda m: f"{m.group()[:-1]}\\{m.group()[-1]}", text)  # `\#`, `\-`, `12\.`


def code(value: object) -> str:
    """`value` in a code span when one can hold it (a line without backticks), else as `md` text. Not for table
    cells: GFM splits a cell at `|` even inside a code span."""
    text = str(value)
    return f"`{text}`" if text and not re.search(r"[`\r\n\v\f\x85\u2028\u2029]", text) else md(text)
