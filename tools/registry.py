"""The tool registry: one `ToolSpec` per tool, the single source of truth.

Every front end is generated from `TOOLS`: the MCP server (`flopcast.tools.mcp_server`),
the OpenAI / Anthropic schemas and `dispatch` (`flopcast.tools.schemas`), the LangChain
tools (`flopcast.tools.langchain`) and the CLI's `--json` path. Adding a spec here adds the
tool everywhere, with the same argument names (the input model's fields) and the same
result fields (the output model's).

Adapters never compute: they validate the arguments through the input model, call the
handler (a core function) with them, and translate the result or the error.

Arguments, once for every front end (`normalize_arguments`):

- the keys must be fields of the input model (`extra="forbid"`): an unknown key is an error
  that lists the accepted arguments;
- `null` (None) for an optional argument means "use the default", so OpenAI strict-mode
  schemas (where every argument is required and optional ones are nullable) work;
- values are validated by the input model exactly as the Python API validates them: lax
  pydantic coercion (an integer sent as the JSON string "8" is accepted, 8.5 is not) and
  quantities typed `float | str` parsed with their suffixes ("175B", "3.14e23 FLOPs").
  Assistants often send numbers as strings; refusing them would buy nothing.

Some handlers take keyword arguments the *caller* must not control, such as the folders
`count_tokens` may read. A spec names them in `server_arguments`; each front end offers a
context (`{"allowed_roots": [...], "progress": fn, ...}`) and `call_tool` passes on only the
names the spec declares. A caller putting one of those names in the arguments gets an
"is not an argument" error, because it is not a field of the input model.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from flopcast.numbers.errors import InvalidInputError, closest_matches, quote
from flopcast.numbers.results import Result, check_finite
from flopcast.numbers.validation import input_error

__all__ = [
    "FRONT_ARGUMENTS",
    "TOOLS",
    "TOOL_NAME_PATTERN",
    "FrontOptions",
    "ToolSpec",
    "call_tool",
    "front_options",
    "get_tool",
    "normalize_arguments",
    "structured",
]

#: Tool names every target accepts: MCP allows dots and 128 characters, OpenAI does not.
TOOL_NAME_PATTERN = re.compile(r"^[a-z0-9_]{1,64}$")

Detail = Literal["concise", "full"]

#: Arguments the front ends add to every tool (`chart` only where the spec has a chart):
#: they choose how the answer is *shown*, never what is computed, so they are not fields of
#: the core input models; `normalize_arguments` strips them before the handler is called and
#: `front_options` reads them. Their schema, once for every tool:
FRONT_ARGUMENTS: dict[str, tuple[Any, Any]] = {
    "detail": (Detail, Field(
        default="concise",
        description="full: every step and source.")),
    "chart": (bool, Field(default=False, description="Add a PNG chart.")),
}


_FRONT_MODEL: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "FrontArguments", **FRONT_ARGUMENTS)


@dataclass(frozen=True)
class FrontOptions:
    """How a front end shows a result: the text's detail level and whether to draw a chart."""

    detail: Detail = "concise"
    chart: bool = False


@dataclass(frozen=True)
class ToolSpec:
    """One tool, described once for every front end.

    Attributes:
        name: the tool's name, matching `TOOL_NAME_PATTERN`.
        title: a short human title (MCP `title`, CLI help).
        description: written for a language model: when to use the tool (the kinds of
            questions it answers, in English and Chinese), units, one example call.
        input_model: pydantic model whose fields are the tool's arguments (extra="forbid").
        output_model: the `Result` subclass the handler returns.
        handler: the core function, called with the arguments as keywords.
        read_only / idempotent / open_world / destructive: MCP tool annotations.
        server_arguments: keyword arguments of `handler` that a front end supplies from its
            own configuration (never from the caller), e.g. `allowed_roots`.
        blocking: the handler may run long (reads files); async front ends run it in a
            worker thread.
        text_field: the result field holding the Markdown answer a reader (or a model that
            only sees text) needs: "summary" for most tools, "markdown" for explain_flops.
        concise_rows: rows of each table a concise answer keeps (the best first; a count of
            the rest follows); None keeps every row (a catalog listing is the answer).
        chart: the tool draws a chart (`flopcast.tools.charts`): its schema gets `chart`.
        example: one call in Python syntax (`name(arg=value, ...)`), for help texts and the
            docs. Not in the definitions an assistant receives: every conversation would pay
            for it, and the argument descriptions already show each value's form (tested to
            run).
        strict_more: optional arguments that OpenAI strict-mode schemas take inside one JSON
            object, `more`, instead of typing each (`flopcast.tools.schemas`): strict mode
            makes a model write every typed argument on every call, so it types the ones a
            question usually sets, and leaves to `more` the shape details a preset or
            config.json supplies, overrides of sourced defaults and tuning knobs.
        arguments_model: the input model plus the front-end arguments (`FRONT_ARGUMENTS`),
            built here: what every front end offers and validates.
    """

    name: str
    title: str
    description: str
    input_model: type[BaseModel]
    output_model: type[Result]
    handler: Callable[..., Result]
    read_only: bool = True
    idempotent: bool = True
    open_world: bool = False
    destructive: bool = False
    server_arguments: tuple[str, ...] = ()
    blocking: bool = False
    text_field: str = "summary"
    chart: bool = False
    concise_rows: int | None = 5
    example: str = ""
    strict_more: tuple[str, ...] = ()
    arguments_model: type[BaseModel] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not TOOL_NAME_PATTERN.fullmatch(self.name):
            raise ValueError(f"tool name {self.name!r} must match {TOOL_NAME_PATTERN.pattern}")
        clash = set(self.server_arguments) & set(self.input_model.model_fields)
        if clash:
            raise ValueError(f"{self.name}: server arguments {sorted(clash)} are model fields")
        if self.text_field not in self.output_model.model_fields:
            raise ValueError(f"{self.name}: text_field {self.text_field!r} is not a result field")
        fields = self.input_model.model_fields
        folded = [n for n in self.strict_more if n not in fields or fields[n].is_required()]
        if folded:
            raise ValueError(f"{self.name}: strict_more {folded} are not optional arguments")
        front = {k: v for k, v in FRONT_ARGUMENTS.items() if k != "chart" or self.chart}
        clash = set(front) & set(self.input_model.model_fields)
        if clash:
            raise ValueError(f"{self.name}: front-end arguments {sorted(clash)} are model fields")
        # The arguments every front end offers: the input model's fields, then `detail`
        # (and `chart`). Schemas, LangChain's args_schema and the CLI's options come from it.
        model = create_model(  # type: ignore[call-overload]
            self.input_model.__name__, __base__=self.input_model,
            __module__=self.input_model.__module__, **front)
        model.__doc__ = self.input_model.__doc__
        object.__setattr__(self, "arguments_model", model)

    @classmethod
    def of(cls, handler: Callable[..., Result], title: str, description: str,
           **options: Any) -> ToolSpec:
        """The spec of a core tool function made by `flopcast.numbers.validation.tool_function`:
        its name, input model, output model (the return annotation) and server arguments
        come from the function, so each is written once.
        """
        output = typing.get_type_hints(handler)["return"]
        model = handler.input_model  # type: ignore[attr-defined]
        server = handler.server_arguments  # type: ignore[attr-defined]
        return cls(handler.__name__, title, description, model, output, handler,
                   server_arguments=server, **options)

    def text_of(self, result: Result) -> str:
        """The Markdown answer of `result` (its `text_field`)."""
        return str(getattr(result, self.text_field))

    def render(self, result: Result, detail: Detail = "concise") -> str:
        """The text an assistant reads at `detail` level (`flopcast.tools.answer`)."""
        from flopcast.tools.answer import render_text

        return render_text(result, self.text_of(result), detail, self.concise_rows)


def normalize_arguments(spec: ToolSpec, arguments: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check `arguments` against the spec's input model; return the ones to pass on.

    `None` values of optional arguments are dropped (null means "use the default"). The
    values returned are the caller's own, not pydantic's coerced copies: the handler
    validates them through the same model (the convention), exactly as a Python caller's,
    so they are validated here only when a key is not a field or a required argument is
    missing — to turn either into the model's own one-line error ("is not an argument",
    "is required") instead of a Python TypeError from the call.

    Raises:
        InvalidInputError: not an object, an unknown key, or a value the model rejects;
            the message names the argument and what is accepted.
    """
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, Mapping):
        raise InvalidInputError(
            "arguments",
            f"must be an object mapping argument names to values, got {type(arguments).__name__}",
        )
    fields = spec.arguments_model.model_fields
    kept: dict[str, Any] = {}
    for key, value in arguments.items():
        if not isinstance(key, str):
            raise InvalidInputError(
                "arguments", f"argument names must be strings, got {quote(key)}")
        field = fields.get(key)
        if value is None and field is not None and not field.is_required():
            continue
        kept[key] = value
    missing = any(f.is_required() and name not in kept for name, f in fields.items())
    if missing or any(key not in fields for key in kept):
        # pydantic names the stray key or the missing argument: the same one-line error
        # the Python API gives, instead of a TypeError from calling the handler.
        try:
            spec.arguments_model.model_validate(kept)
        except ValidationError as e:
            raise input_error(spec.arguments_model, e) from e
    for name in FRONT_ARGUMENTS:
        kept.pop(name, None)
    return kept


def front_options(spec: ToolSpec, arguments: Mapping[str, Any] | None) -> FrontOptions:
    """The front-end arguments (`detail`, `chart`) of a call, validated; defaults if absent.

    Raises:
        InvalidInputError: a value the schema does not accept (e.g. detail="short").
    """
    if not isinstance(arguments, Mapping):
        return FrontOptions()
    given = {k: arguments[k] for k in FRONT_ARGUMENTS
             if k in spec.arguments_model.model_fields and arguments.get(k) is not None}
    try:
        checked = _FRONT_MODEL.model_validate(given)
    except ValidationError as e:
        raise input_error(spec.arguments_model, e) from e
    return FrontOptions(detail=checked.detail, chart=checked.chart)  # type: ignore[attr-defined]


def call_tool(
    spec: ToolSpec,
    arguments: Mapping[str, Any] | None,
    context: Mapping[str, Any] | None = None,
) -> Result:
    """Validate `arguments`, call the handler, return its result.

    Args:
        spec: the tool.
        arguments: the caller's arguments (names = input model fields).
        context: what the front end can supply for `spec.server_arguments` (e.g.
            `{"allowed_roots": [...]}`); names the spec does not declare are ignored, except
            `allowed_roots`, which also bounds where a `model` config.json may be read.

    Raises:
        FlopcastError: the input is wrong (the message is one line, ready to show).
        NonFiniteResultError: a figure of the result is NaN or infinite (a `FlopcastError`:
            one line, no figure shown).
        TypeError: the handler returned something other than `spec.output_model` (a bug).
    """
    kwargs = normalize_arguments(spec, arguments)
    for name in spec.server_arguments:
        if context is not None and name in context:
            kwargs[name] = context[name]
    if context is not None and "allowed_roots" in context:
        # A `model` naming a config.json is read below the same folders as count_tokens.
        from flopcast.catalog.hf_config import config_roots

        with config_roots(context["allowed_roots"]):
            result = spec.handler(**kwargs)
    else:
        result = spec.handler(**kwargs)
    if not isinstance(result, spec.output_model):
        raise TypeError(
            f"{spec.name} returned {type(result).__name__}, expected {spec.output_model.__name__}"
        )
    check_finite(result)  # before any front end shows or serializes it
    return result


def structured(result: BaseModel) -> dict[str, Any]:
    """The JSON form of a result, as every front end returns it (`structuredContent`)."""
    return result.model_dump(mode="json")


def get_tool(name: str, tools: Sequence[ToolSpec] | None = None) -> ToolSpec:
    """The spec called `name` in `tools` (default: `TOOLS`).

    Raises:
        InvalidInputError: no such tool; the message lists the closest names and all names.
    """
    pool = TOOLS if tools is None else tools
    for spec in pool:
        if spec.name == name:
            return spec
    names = [s.name for s in pool]
    near = closest_matches(str(name), names)
    hint = f"did you mean {', '.join(repr(n) for n in near)}? " if near else ""
    raise InvalidInputError("name", f"unknown tool {quote(name)}; {hint}tools: {', '.join(names)}")


#: The architecture details a preset or config.json supplies: in strict mode, in `more`.
_SHAPE_MORE = ("layers", "d_model", "heads", "d_ff", "vocab")
#: estimate_training's and compare_gpus' `more` in strict mode: the shape, the sparse peak,
#: the overrides of the catalog's power and the sourced PUE and carbon defaults, and the
#: cluster of a predicted MFU.
_TRAINING_MORE = (*_SHAPE_MORE, "seq_len", "sparsity", "power_watts", "pue",
                  "carbon_kg_per_kwh", "system", "global_batch")


def _build() -> tuple[ToolSpec, ...]:
    """The shipped tools, in the order a client lists them (most used first)."""
    from flopcast.catalog import hardware, models
    from flopcast.claims import check as claims
    from flopcast.cluster import plan as cluster
    from flopcast.explain import flops as explain
    from flopcast.inference import estimate as inference
    from flopcast.memory import estimate as memory
    from flopcast.planning import optimal as scaling
    from flopcast.tokens import count as tokens
    from flopcast.training import compare
    from flopcast.training import estimate as training

    return (
        ToolSpec.of(
            training.estimate_training,
            title="Estimate a training run (FLOPs, time, cost, energy)",
            description=(
                "Days, device-hours, cost, energy and CO2 of one training run on `count` "
                "devices, or the devices a `target_days` deadline needs. E.g. \"how long does "
                "7B on 2T tokens take on 256 H100s?\", \"1024 块 A100 训练 GPT-3 要多少天？\""
            ),
            example=(
                'estimate_training(model="gpt-3-175b", hardware="a100", '
                "count=1024, achieved_tflops=140)"
            ),
            strict_more=_TRAINING_MORE,
        ),
        ToolSpec.of(
            compare.compare_gpus,
            title="Compare accelerators for one training run",
            description=(
                "Ranks device types (default: all) for one training run by days, cost or "
                "energy, with memory fit: \"which GPU trains it cheapest / fastest within 30 "
                "days?\", \"哪种 GPU 最便宜？\". Arguments as estimate_training."
            ),
            example='compare_gpus(params="13B", tokens="1T", target_days=30, sort_by="cost")',
            chart=True,
            strict_more=_TRAINING_MORE,
        ),
        ToolSpec.of(
            cluster.plan_cluster_training,
            title="Plan parallelism on a cluster (TP/PP/DP layout, step time, predicted MFU)",
            description=(
                "Predicts TFLOP/s per GPU, MFU and step time from the model, devices, network "
                "(DGX, InfiniBand) and TP/PP/DP/CP layout, where the time goes, and the best "
                "layouts that fit. E.g. \"why is my MFU only 30%?\", \"用什么并行策略最快？\""
            ),
            example=(
                'plan_cluster_training(model="gpt-3-175b", count=1024, system="dgx-a100", '
                "tensor_parallel=8, pipeline_parallel=8, global_batch=1536)"
            ),
            chart=True,
            strict_more=(*_SHAPE_MORE, "kv_heads", "head_dim", "gated_ffn", "devices_per_node",
                         "scale_up_gb_s", "scale_out_gb_s", "virtual_stages", "zero_stage",
                         "sequence_parallel", "flash_attention", "dp_overlap", "tp_overlap",
                         "micro_batch"),
        ),
        ToolSpec.of(
            scaling.plan_compute_optimal,
            title="Plan a compute-optimal (Chinchilla) model",
            description=(
                "Chinchilla-optimal params and tokens, with predicted loss, for a budget "
                "(`flops`; `hardware` + `count` + `days`; or `budget_usd`), or how far a "
                "`params` / `tokens` run is from optimal. E.g. \"largest model for $2M?\", "
                "\"这个模型是不是算力最优？\""
            ),
            example='plan_compute_optimal(flops="1e24")',
            chart=True,
            strict_more=("sparsity", "loss_fit"),
        ),
        ToolSpec.of(
            memory.estimate_memory,
            title="Estimate memory per device (training or inference)",
            description=(
                "Memory per device and minimum devices: training (weights, gradients, "
                "optimizer, activations; ZeRO) or inference (weights, KV cache). E.g. "
                "\"fine-tune 7B on one A100?\", \"显存够不够？\""
            ),
            example=(
                'estimate_memory(model="llama-2-70b", mode="inference", '
                "context=32768, batch=8)"
            ),
            chart=True,
            strict_more=("layers", "d_model", "heads", "kv_heads", "head_dim", "flash_attention",
                         "sequence_parallel"),
        ),
        ToolSpec.of(
            inference.estimate_inference,
            title="Estimate inference throughput and cost",
            description=(
                "Serving: FLOPs per token, decode and prefill tokens/s, USD per million "
                "tokens, memory fit. E.g. \"70B tokens/s on one H100 in int4?\", "
                "\"推理一百万 token 要多少钱？\""
            ),
            example=(
                'estimate_inference(model="llama-2-70b", hardware="h200", '
                'count=1, precision="int4", price_per_device_hour=3.5)'
            ),
            strict_more=("layers", "heads", "kv_heads", "head_dim", "compute_precision"),
        ),
        ToolSpec.of(
            tokens.count_tokens,
            title="Count tokens of a text, file or folder",
            description=(
                "Tokens of a `text`, file or folder (`path`) with a tiktoken encoding, by file "
                "type: exact, or sampled with a 95% interval. E.g. \"这段文字有多少 token？\""
            ),
            example='count_tokens(path="docs", include=["*.md", "*.py"])',
            blocking=True,
            strict_more=("bpe_file", "sample_chunks", "seed", "workers", "max_bytes"),
        ),
        ToolSpec.of(
            claims.check_claim,
            title="Check a published or quoted compute claim",
            description=(
                "Checks the figures claimed for a run (FLOPs, time, device-hours, cost, energy, "
                "peak, MFU) against each other: consistent, off by N× or impossible, with the "
                "MFU or price implied. Figures as claimed, e.g. cost_usd=\"4.6M\". "
                "E.g. \"took 11 days on 64 A100s: what MFU?\", \"文中说 3.114E23 FLOPs，对吗？\""
            ),
            example=(
                'check_claim(model="gpt-3-175b", hardware="a100", '
                "count=1024, days=34, device_hours=835584)"
            ),
        ),
        ToolSpec.of(
            explain.explain_flops,
            title="Explain FLOPs, peaks, 6ND, MFU and precision",
            description=(
                "Explains with worked figures: FLOPs vs FLOP/s, how a peak is derived "
                "(instruction sets), HPL, why 6·N·D, MFU vs HFU, FP8/FP4 and sparsity. For "
                "\"why\" and \"what is\" questions, e.g. \"峰值是怎么算出来的？\", "
                "\"FLOPs 和 FLOPS 有什么区别？\""
            ),
            example=(
                'explain_flops(topic="peak_derivation", '
                "hardware=\"i9-14900k\", language=\"zh\")"
            ),
            text_field="markdown",
            concise_rows=3,
        ),
        ToolSpec.of(
            hardware.list_hardware,
            title="List accelerators in the catalog",
            description=(
                "The device catalog: ids, dense peaks per precision, memory, bandwidth, TDP, "
                "price, sources. E.g. \"A100 峰值是多少？\""
            ),
            example='list_hardware(vendor="NVIDIA")',
            concise_rows=None,
        ),
        ToolSpec.of(
            models.list_models,
            title="List model presets",
            description=(
                "The model presets: ids, parameters, tokens, shape, published FLOPs, sources. "
                "E.g. \"GPT-3 有多少层？\""
            ),
            example='list_models(family="llama-2")',
            concise_rows=None,
        ),
    )


TOOLS: tuple[ToolSpec, ...] = _build()
