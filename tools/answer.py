"""The text an assistant reads: one result rendered at two detail levels.

Every front end that returns text (the MCP server's text content, LangChain's tool message,
`dispatch_text`, the CLI's `--detail`) renders a result here, so the levels mean the same
everywhere:

- ``"concise"`` (the default): the answer (the result's summary, its tables cut to the best
  rows and a count of the rest), the assumptions that drive it as ``name = value`` (MFU,
  price, power, the device variant chosen — without their sources) and the derivation as
  short lines (each step's formula with numbers, without the list of inputs).
- ``"full"``: the answer with every row, every step with its inputs, every assumption with
  its source.

The structured result (`structuredContent`, `dispatch`'s dict, LangChain's artifact) always
has every field: only the text changes. Nothing here computes; it selects and formats text
the core already wrote.
"""

from __future__ import annotations

from typing import Literal

from flopcast.numbers.results import FULL_ONLY_BEGIN, FULL_ONLY_END, Result

__all__ = ["CONCISE_TABLE_ROWS", "render_text"]

#: Rows of a Markdown table kept in a concise answer (the summary ranks the best first).
CONCISE_TABLE_ROWS = 5

_LABELS = {
    "en": {
        "steps": "**Steps**",
        "assumptions": "**Assumptions**",
        "assumed": "**Assumed**",
        "derivation": "**Derivation**",
        "more": "… {n} more rows (structured result, or detail=\"full\")",
        "full": "Sources and every step: detail=\"full\".",
    },
    "zh": {
        "steps": "**推导步骤**",
        "assumptions": "**假设**",
        "assumed": "**假设**",
        "derivation": "**推导**",
        "more": "……另有 {n} 行（见结构化结果，或 detail=\"full\"）",
        "full": "来源与全部步骤：detail=\"full\"。",
    },
}


def _full_only_parts(text: str, keep: bool) -> str:
    """`text` without the `FULL_ONLY_BEGIN` / `FULL_ONLY_END` marker lines, and without what
    they enclose unless `keep` (the full level keeps it, the concise one drops it)."""
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        mark = line.strip()
        if mark in (FULL_ONLY_BEGIN, FULL_ONLY_END):
            inside = mark == FULL_ONLY_BEGIN
        elif keep or not inside:
            out.append(line)
    return "\n".join(out)


def _full(result: Result, answer: str, labels: dict[str, str]) -> str:
    answer = _full_only_parts(answer, keep=True)
    parts = [answer] if answer else []
    if result.steps:
        lines = [f"- {step.name}: {step.text}" for step in result.steps]
        parts.append(labels["steps"] + "\n" + "\n".join(lines))
    if result.assumptions:
        lines = [f"- {a.name} = {a.value} ({a.source})" for a in result.assumptions]
        parts.append(labels["assumptions"] + "\n" + "\n".join(lines))
    return "\n\n".join(parts) or "(no summary)"


def _cut_tables(text: str, rows: int, more: str) -> str:
    """`text` with each Markdown table cut to its header and first `rows` rows."""
    out: list[str] = []
    body = 0  # rows of the current table's body seen so far (-1: not in a table)
    in_table = False
    dropped = 0
    for line in text.splitlines():
        is_row = line.lstrip().startswith("|")
        if is_row and not in_table:
            in_table, body, dropped = True, -2, 0  # header and separator lines come first
        if not is_row and in_table:
            if dropped:
                out.append(more.format(n=dropped))
            in_table = False
        if in_table:
            body += 1
            if body > rows:
                dropped += 1
                continue
        out.append(line)
    if in_table and dropped:
        out.append(more.format(n=dropped))
    return "\n".join(out)


def _short_step(text: str) -> str:
    """A step's text without its trailing list of inputs: "C = 6 · N · D = 3.15 × 10^23"."""
    head, sep, _ = text.partition("  (")
    return head if sep else text


def _short_answer(answer: str, rows: int | None, more: str) -> str:
    """The answer with its tables cut to `rows` rows (None: all), its worked lines without
    their lists of inputs and without the indented catalog notes below them."""
    lines = []
    for line in answer.splitlines():
        if line.startswith("  (") and line.rstrip().endswith(")"):
            continue  # "  (Read only in a secondary source: ...)": provenance, for "full"
        lines.append(_short_step(line) if line.startswith("- ") else line)
    text = "\n".join(lines)
    return text if rows is None else _cut_tables(text, rows, more)


def _expression(step_text: str) -> str:
    """The substituted formula of a step's text: "6 × 175e9 × 300e9" of "C = 6 × ... = 3e23"."""
    short = _short_step(step_text)
    first = short.find(" = ")
    last = short.rfind(" = ")
    return short[first + 3:last].strip() if 0 <= first < last else short


def _figure(step_text: str) -> str:
    """The result figure of a step's text as printed ("835,584" of "... = 835,584 h"); a
    figure of fewer than five characters ("0.4", "312") is too common to match, so it gives
    a string no answer holds."""
    figure = _short_step(step_text).rsplit(" = ", 1)[-1].split(" ")[0]
    return figure if len(figure) >= 5 else "\0"


def _concise(result: Result, answer: str, labels: dict[str, str],
             rows: int | None = CONCISE_TABLE_ROWS) -> str:
    concise_part = _full_only_parts(answer, keep=False)
    whole, answer = answer, _short_answer(concise_part, rows, labels["more"])
    parts = [answer] if answer else []
    if result.assumptions:
        assumed = "; ".join(f"{a.name} = {a.value}" for a in result.assumptions)
        parts.append(f"{labels['assumed']}: {assumed}")
    # A step the answer already works out (explain_flops' worked figures) or whose result the
    # answer already states (check_claim's "835,584 device-hours") is not repeated.
    lines = [f"- {_short_step(step.text)}" for step in result.steps
             if _expression(step.text) not in whole and _figure(step.text) not in whole]
    if lines:
        parts.append(labels["derivation"] + "\n" + "\n".join(lines))
    if result.steps or result.assumptions:
        parts.append(labels["full"])
    return "\n\n".join(parts) or "(no summary)"


def render_text(result: Result, text: str | None = None,
                detail: Literal["concise", "full"] = "full",
                rows: int | None = CONCISE_TABLE_ROWS) -> str:
    """The text block of a tool result at `detail` level (see the module docstring).

    Many clients show the model only the text content, not `structuredContent`; the
    assumptions and the derivation are what an answer must quote, so they travel in the
    text at both levels.

    Args:
        result: the tool's result.
        text: the Markdown answer (the spec's `text_field`); default `result.summary`.
        detail: "concise" or "full".
        rows: table rows kept in a concise answer; None keeps all (a catalog listing).
    """
    labels = _LABELS["zh" if result.language == "zh" else "en"]
    answer = (result.summary if text is None else text).strip()
    if detail == "full":
        return _full(result, answer, labels)
    return _concise(result, answer, labels, rows)
