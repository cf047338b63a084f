"""The `flopcast` command line: one subcommand per registry tool, options generated from its model.

    flopcast estimate --model gpt-3-175b --hardware a100 --count 1024 --achieved-tflops 140
    flopcast compare --model llama-2-7b --hardware h100 --hardware a100 --count 256
    flopcast explain --topic mfu --lang zh
    flopcast serve            # the MCP server over stdio (same as flopcast-mcp)

Each subcommand's options come from the tool's pydantic input model: a field `achieved_tflops`
becomes `--achieved-tflops`, a `Literal` becomes a choice, a `bool` a `--x/--no-x` flag, a list a
repeatable option, the field's description its help. Only the options given are passed on, so the
tool's own defaults apply (and show up in the result's `assumptions`). The same registry handler
runs as for MCP, LangChain and `dispatch`.

Output: the summary, the main figures, the derivation steps and the assumptions as tables (rich
when installed, plain text otherwise); `--json` prints the structured result instead. Bad input
exits with status 2 and one line on stderr; a failure inside flopcast or a library with status 1
and one line; Ctrl-C with status 130 and "flopcast: interrupted".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, Protocol, TextIO

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from flopcast.numbers.errors import FlopcastError, quote
from flopcast.numbers.limits import OrText
from flopcast.numbers.quantities import format_count, format_number
from flopcast.numbers.validation import input_error
from flopcast.numbers.zh import SCENARIO_NAMES, TOOL_TITLES, field_meaning
from flopcast.tools._errors import error_message, must_propagate

__all__ = ["SUBCOMMANDS", "build_parser", "main", "render"]

#: Short subcommand names for the registry's tools; a tool missing here gets its own name
#: with dashes (`estimate_foo` → `estimate-foo`). The full tool name always works too.
SUBCOMMANDS: dict[str, str] = {
    "estimate_training": "estimate",
    "compare_gpus": "compare",
    "explain_flops": "explain",
    "list_hardware": "hardware",
    "list_models": "models",
    "check_claim": "claim",
    "plan_compute_optimal": "plan",
    "plan_cluster_training": "cluster",
    "estimate_memory": "memory",
    "estimate_inference": "inference",
    "count_tokens": "tokens",
}

_RESERVED = {"steps", "assumptions", "summary", "language"}
#: Widest row table shown; wider ones keep their first columns (`--json` has every field).
_MAX_COLUMNS = 8

_LABELS = {
    "en": {
        "figures": "Result",
        "figure": "figure",
        "value": "value",
        "meaning": "meaning",
        "steps": "Derivation",
        "step": "step",
        "calculation": "formula and numbers",
        "assumptions": "Assumptions (defaults used)",
        "assumed": "assumed",
        "source": "source",
        "yes": "yes",
        "no": "no",
        "first_columns": f"first {_MAX_COLUMNS} columns; --json for all",
    },
    "zh": {
        "figures": "结果",
        "figure": "项目",
        "value": "数值",
        "meaning": "含义",
        "steps": "推导步骤",
        "step": "步骤",
        "calculation": "公式与代入",
        "assumptions": "假设（采用的默认值）",
        "assumed": "取值",
        "source": "出处",
        "yes": "是",
        "no": "否",
        "first_columns": f"仅前 {_MAX_COLUMNS} 列，完整字段见 --json",
    },
}


class ToolSpecLike(Protocol):
    """What the CLI needs from a registry entry (`flopcast.tools.registry.ToolSpec`, a frozen
    dataclass: read-only members)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def example(self) -> str: ...
    @property
    def input_model(self) -> type[BaseModel]: ...
    @property
    def output_model(self) -> type[BaseModel]: ...
    @property
    def handler(self) -> Callable[..., BaseModel]: ...
    @property
    def server_arguments(self) -> tuple[str, ...]: ...


def _registry_specs() -> list[ToolSpecLike]:
    from flopcast.tools.registry import TOOLS

    return list(TOOLS)


# ---------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: `flopcast estimate: error: ...` and status 2."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())}\n")


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
        return typing.Union[tuple(args)]  # noqa: UP007 - rebuilt from a runtime tuple
    return annotation


def _number_or_text(text: str) -> float | int | str:
    """A `float | str` field: plain numbers become numbers, anything else ("175B") stays text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _converter(annotation: Any) -> tuple[Callable[[str], Any], list[str] | None]:
    """A string → value converter for one (non-list) annotation, and its choices if any."""
    origin = typing.get_origin(annotation)
    if origin is Literal:
        values = typing.get_args(annotation)
        by_text = {str(v): v for v in values}

        def choose(text: str) -> Any:
            if text not in by_text:
                raise argparse.ArgumentTypeError(
                    f"invalid choice {quote(text)} (choose from {', '.join(by_text)})"
                )
            return by_text[text]

        return choose, list(by_text)
    if annotation is int:
        return int, None
    if annotation is float:
        return float, None
    if annotation is str:
        return str, None
    if origin in (typing.Union, types.UnionType):
        # A bounded number is `Annotated[float, Field(le=...)]`: its base type decides.
        members = {typing.get_args(m)[0] if typing.get_origin(m) is typing.Annotated else m
                   for m in typing.get_args(annotation)}
        if str in members and members & {int, float}:
            return _number_or_text, None
        if str in members:
            return str, None
        if float in members:
            return float, None
    return _json_value, None


def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _help_text(field: FieldInfo) -> str:
    text = field.description or ""
    default = field.default
    if default is not PydanticUndefined and default is not None and default != []:
        text += f" (default: {default})"
    return text.replace("%", "%%")


def _add_field_option(parser: argparse.ArgumentParser, name: str, field: FieldInfo) -> None:
    flags = [f"--{name.replace('_', '-')}"]
    if name == "language":
        flags = ["--lang", "--language"]
    annotation = _strip_optional(field.annotation)
    kwargs: dict[str, Any] = {
        "dest": name,
        "help": _help_text(field),
        "default": argparse.SUPPRESS,
    }
    origin = typing.get_origin(annotation)
    if annotation is bool:
        kwargs["action"] = argparse.BooleanOptionalAction
    elif origin in (list, tuple, set, frozenset, Sequence):
        item = (typing.get_args(annotation) or (str,))[0]
        convert, choices = _converter(_strip_optional(item))
        kwargs.update(action="append", type=convert, metavar=_metavar(name, choices))
        kwargs["help"] += " (repeat the option for several values)"
    elif any(isinstance(m, OrText) for m in field.metadata):
        # A bounded number that also reads text ("500 MB"): the model reads the text.
        kwargs.update(type=_number_or_text, metavar=_metavar(name, None))
    else:
        convert, choices = _converter(annotation)
        kwargs.update(type=convert, metavar=_metavar(name, choices))
    if field.is_required():
        kwargs["required"] = True
    parser.add_argument(*flags, **kwargs)


def _metavar(name: str, choices: list[str] | None) -> str:
    return "{" + ",".join(choices) + "}" if choices else name.upper()


def _subcommand_name(spec: ToolSpecLike) -> str:
    return SUBCOMMANDS.get(spec.name, spec.name.replace("_", "-"))


def build_parser(specs: Iterable[ToolSpecLike]) -> argparse.ArgumentParser:
    """The `flopcast` parser: one subparser per spec, options generated from its input model."""
    from flopcast import __version__

    parser = _Parser(
        prog="flopcast",
        description="Deterministic estimates of large-model training compute, with derivations.",
    )
    parser.add_argument("--version", action="version", version=f"flopcast {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for spec in specs:
        name = _subcommand_name(spec)
        aliases = [a for a in dict.fromkeys([spec.name, spec.name.replace("_", "-")]) if a != name]
        child = sub.add_parser(
            name,
            aliases=aliases,
            help=spec.title,
            description=spec.description,
            epilog=f"Python: flopcast.{spec.example}" if spec.example else None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        child.set_defaults(_spec=spec)
        for field_name, field in spec.input_model.model_fields.items():
            _add_field_option(child, field_name, field)
        if "language" not in spec.input_model.model_fields:
            child.add_argument(
                "--lang", dest="_lang", choices=["en", "zh"], default=argparse.SUPPRESS,
                help="language of the table labels",
            )
        child.add_argument(
            "--json", dest="_json", action="store_true",
            help="print the structured result as JSON instead of tables",
        )
        if hasattr(spec, "render"):  # registry specs: the text an assistant reads
            child.add_argument(
                "--detail", dest="_detail", choices=["concise", "full"],
                default=argparse.SUPPRESS,
                help="print the tool's text answer at this detail level instead of tables",
            )
        if getattr(spec, "chart", False):
            child.add_argument(
                "--plot", dest="_plot", metavar="FILE", default=argparse.SUPPRESS,
                help="also write the chart to FILE (.png or .svg; needs flopcast[charts])",
            )
    sub.add_parser(
        "serve",
        help="run the MCP server (stdio by default; `flopcast serve --help` for its options)",
        add_help=False,
    )
    return parser


# ---------------------------------------------------------------- rendering


def _cell(value: Any, language: str) -> str:
    labels = _LABELS.get(language, _LABELS["en"])
    if value is None:
        return "—"
    if isinstance(value, bool):
        return labels["yes"] if value else labels["no"]
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return format_count(value, "zh") if language == "zh" else format_number(value)
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _meaning(field: FieldInfo | None, limit: int = 80) -> str:
    """The first sentence of a field's description, shortened at a word boundary."""
    text = (field.description or "") if field is not None else ""
    text = text.split(". ")[0].rstrip(".")
    if len(text) > limit:
        text = text[: text.rfind(" ", 0, limit)].rstrip(",;:") + " …"
    return text


def _zh_word(value: Any, column: str) -> Any:
    """A cell's Chinese where the value is a word flopcast chose (verdict, scenario name)."""
    if column == "verdict" and isinstance(value, str):
        return {"consistent": "一致", "off": "有误", "impossible": "不可能",
                "unchecked": "无法核对"}.get(value, value)
    if column == "name" and isinstance(value, str):
        return SCENARIO_NAMES.get(value, value)
    return value


def _step_text(formula: str, text: str) -> str:
    """The substituted text, preceded by the formula unless the text already starts with it."""
    return text if text.startswith(formula) else f"{formula}\n{text}"


class _Section(typing.NamedTuple):
    title: str
    columns: list[str]
    rows: list[list[str]]


def _label(name: str, language: str) -> str:
    """A field name or key as a table shows it: its Chinese meaning with `zh`, else itself."""
    return (field_meaning(name) if language == "zh" else None) or name


def _sections(result: BaseModel, language: str) -> tuple[str, list[_Section]]:
    """Split a result into its Markdown (summary, then prose fields) and tables."""
    labels = _LABELS.get(language, _LABELS["en"])
    fields = type(result).model_fields
    figures: list[list[str]] = []
    tables: list[_Section] = []
    blocks: list[tuple[str, str]] = []
    summary_has_table = any(
        line.lstrip().startswith("|") for line in str(getattr(result, "summary", "")).splitlines()
    )
    for name, field in fields.items():
        if name in _RESERVED:
            continue
        value = getattr(result, name)
        if value is None:
            continue  # not applicable to this call (e.g. run-mode fields in budget mode)
        if isinstance(value, str) and "\n" in value.strip():
            blocks.append((name, value))  # Markdown prose (e.g. explain_flops' `markdown`)
        elif _is_scalar(value):
            meaning = ((field_meaning(name, type(result).__name__) if language == "zh" else None)
                       or _meaning(field))
            shown = _zh_word(value, name) if language == "zh" else value
            figures.append([name, _cell(shown, language), meaning])
        elif isinstance(value, BaseModel):
            rows = [[_label(k, language), _cell(v, language)]
                    for k, v in value.model_dump().items()]
            tables.append(_Section(_label(name, language), [labels["figure"], labels["value"]],
                                   rows))
        elif isinstance(value, dict):
            rows = [[_label(str(k), language), _cell(v, language)] for k, v in value.items()]
            tables.append(_Section(_label(name, language), [labels["figure"], labels["value"]],
                                   rows))
        elif isinstance(value, list | tuple) and value and all(
            isinstance(v, BaseModel) for v in value
        ):
            dumped = [v.model_dump() for v in value]
            columns = [
                k for k in dumped[0]
                if all(_is_scalar(d.get(k)) for d in dumped)
                and any(d.get(k) is not None for d in dumped)
            ]
            title = name
            if len(columns) > _MAX_COLUMNS:
                if summary_has_table:
                    continue  # the summary already tabulates these rows; --json has them all
                columns = columns[:_MAX_COLUMNS]
                title = f"{name} ({labels['first_columns']})"
            rows = [[_cell(_zh_word(d.get(k), k) if language == "zh" else d.get(k), language)
                     for k in columns] for d in dumped]
            if language == "zh":
                title = title.replace(name, field_meaning(name) or name, 1)
                row_model = type(value[0]).__name__
                columns = [field_meaning(k, row_model) or k for k in columns]
            tables.append(_Section(title, columns, rows))
        elif isinstance(value, list | tuple):
            rows = [[_cell(v, language)] for v in value]
            if rows:
                tables.append(_Section(_label(name, language), [_label(name, language)], rows))
    sections = []
    if figures:
        sections.append(
            _Section(labels["figures"], [labels["figure"], labels["value"], labels["meaning"]],
                     figures)
        )
    sections.extend(tables)
    steps = getattr(result, "steps", None) or []
    if steps:
        rows = [[f"{i}. {s.name}", _step_text(s.formula, s.text)] for i, s in enumerate(steps, 1)]
        sections.append(_Section(labels["steps"], [labels["step"], labels["calculation"]], rows))
    assumptions = getattr(result, "assumptions", None) or []
    if assumptions:
        rows = [[a.name, a.value, a.source] for a in assumptions]
        sections.append(
            _Section(labels["assumptions"],
                     [labels["figure"], labels["assumed"], labels["source"]], rows)
        )
    markdown = [str(getattr(result, "summary", "") or "").strip()]
    markdown += [text.strip() for _, text in blocks]
    return "\n\n".join(m for m in markdown if m), sections


def render(result: BaseModel, *, title: str, language: str, file: TextIO) -> None:
    """Print `result` as readable tables: summary, figures, row tables, steps, assumptions."""
    summary, sections = _sections(result, language)
    try:
        import rich  # noqa: F401 - probe only: rich is the optional `cli` extra
    except ImportError:
        _render_plain(title, summary, sections, file)
    else:
        _render_rich(title, summary, sections, file)


def _render_rich(title: str, summary: str, sections: list[_Section], file: TextIO) -> None:
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    is_tty = hasattr(file, "isatty") and file.isatty()
    console = Console(file=file, width=None if is_tty else 120, emoji=False, highlight=False)
    console.print(Rule(Text(title, style="bold")))
    if summary:
        console.print(Markdown(summary))
        console.print()
    for section in sections:
        table = Table(title=Text(section.title, style="bold"), title_justify="left",
                      show_lines=False, expand=False)
        for column in section.columns:
            table.add_column(Text(column), overflow="fold")
        for row in section.rows:
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)


def _render_plain(title: str, summary: str, sections: list[_Section], file: TextIO) -> None:
    out = [title, "=" * len(title), ""]
    if summary:
        out += [summary, ""]
    for section in sections:
        out += [section.title, "-" * len(section.title)]
        widths = [len(c) for c in section.columns]
        for row in section.rows:
            for i, cell in enumerate(row[:-1]):
                widths[i] = max(widths[i], max(len(line) for line in cell.split("\n")))
        for row in [section.columns, *section.rows]:
            first = [cell.split("\n") for cell in row]
            height = max(len(lines) for lines in first)
            for k in range(height):
                parts = [
                    (lines[k] if k < len(lines) else "").ljust(widths[i] if i < len(row) - 1 else 0)
                    for i, lines in enumerate(first)
                ]
                out.append("  ".join(parts).rstrip())
        out.append("")
    file.write("\n".join(out))


# ---------------------------------------------------------------- running


#: Seconds of counting before a progress bar appears: short counts stay quiet.
PROGRESS_DELAY_S = 0.5


def _progress_callback(stack: list[Any]) -> Callable[[int, int], None]:
    """A `progress(done, total)` callback that draws a rich bar on stderr once work is long.

    `stack` receives `(bar, task)` when the bar starts (or None if rich is absent), so the
    caller can stop it; the bar goes to stderr and is transient, so stdout stays clean.
    """
    started_at: list[float] = []

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if not started_at:
            started_at.append(now)
        if not stack:
            if now - started_at[0] < PROGRESS_DELAY_S or done >= total:
                return
            try:
                from rich.progress import Progress
            except ImportError:
                stack.append(None)
                return
            bar = Progress(transient=True, console=_stderr_console())
            bar.start()
            stack.append((bar, bar.add_task("counting tokens", total=total)))
        entry = stack[0]
        if entry is not None:
            bar, task = entry
            bar.update(task, completed=done, total=total)

    return progress


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(file=sys.stderr)


def _fail(message: str) -> int:
    sys.stderr.write(f"flopcast: error: {' '.join(message.split())}\n")
    return 2


def _run_tool(spec: ToolSpecLike, options: dict[str, Any]) -> BaseModel:
    """Call the tool through the registry, offering the CLI's server-side arguments."""
    from flopcast.tools.registry import call_tool

    stack: list[Any] = []
    context = {"progress": _progress_callback(stack)}
    try:
        return call_tool(spec, options, context)  # type: ignore[arg-type]
    finally:
        if stack and stack[0] is not None:
            stack[0][0].stop()


#: Exit status after Ctrl-C: 128 + SIGINT, what shells report for an interrupted command.
EXIT_INTERRUPTED = 130
#: Exit status when flopcast itself failed (a bug, or a library's panic), not the input.
EXIT_INTERNAL = 1


def main(argv: list[str] | None = None, *, specs: Iterable[ToolSpecLike] | None = None) -> int:
    """Run the `flopcast` command line; return the exit status.

    0: done; 2: bad input (one line on stderr naming the argument); 1: a bug in flopcast or
    a library (one line, no traceback); 130: interrupted with Ctrl-C (one line).

    Args:
        argv: the arguments after the program name (default: `sys.argv[1:]`).
        specs: the tools to expose (default: the registry's); tests pass their own.
    """
    try:
        return _main(argv, specs)
    except KeyboardInterrupt:
        sys.stderr.write("flopcast: interrupted\n")
        return EXIT_INTERRUPTED


def _main(argv: list[str] | None, specs: Iterable[ToolSpecLike] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["serve"]:
        from flopcast.tools.mcp_server import main as serve

        try:
            return int(serve(args_list[1:], prog="flopcast serve") or 0)
        except SystemExit as stop:  # its own --help or a bad flag
            return stop.code if isinstance(stop.code, int) else 2
    tool_specs = list(_registry_specs() if specs is None else specs)
    parser = build_parser(tool_specs)
    try:
        namespace = parser.parse_args(args_list)
    except SystemExit as stop:  # --help, --version, or a one-line usage error
        return stop.code if isinstance(stop.code, int) else 2
    spec = getattr(namespace, "_spec", None)
    if spec is None:
        parser.print_help(sys.stderr)
        return 2
    values = vars(namespace)
    options = {k: v for k, v in values.items() if not k.startswith("_") and k != "command"}
    language = str(options.get("language", values.get("_lang", "en")))
    try:
        result = _run_tool(spec, options)
    except FlopcastError as e:
        return _fail(str(e))
    except ValidationError as e:
        return _fail(str(input_error(spec.input_model, e)))
    except BaseException as e:  # a bug or a library's panic: one line, no traceback
        if must_propagate(e):  # Ctrl-C (→ "interrupted" in main), exit, cancellation
            raise
        sys.stderr.write(f"flopcast: error: {error_message(e, spec.name)}\n")
        return EXIT_INTERNAL
    if values.get("_plot"):
        try:
            from flopcast.tools.charts import save_chart

            save_chart(spec.name, result, values["_plot"])  # type: ignore[arg-type]
        except (FlopcastError, ValueError, OSError) as e:
            return _fail(str(e))
    try:
        if values.get("_detail"):
            sys.stdout.write(spec.render(result, values["_detail"]) + "\n")  # type: ignore[attr-defined]
        elif values.get("_json"):
            # allow_nan=False: JSON has no NaN / Infinity (call_tool refuses them already)
            text = json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2,
                              allow_nan=False)
            sys.stdout.write(text + "\n")
        else:
            title = (TOOL_TITLES.get(spec.name) if language == "zh" else None) or spec.title
            render(result, title=title, language=language, file=sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # `flopcast ... | head`: the reader left; that is not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
