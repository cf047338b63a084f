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
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from flopcast.numbers.errors import InvalidInputError, closest_matches, quote
from flopcast.numbers.results import Result, check_finite
from flopcast.numbers.validation import input_error

__all__ = [
    "TOOLS",
    "TOOL_NAME_PATTERN",
    "ToolSpec",
    "call_tool",
    "get_tool",
    "normalize_arguments",
    "structured",
]

#: Tool names every target accepts: MCP allows dots and 128 characters, OpenAI does not.
TOOL_NAME_PATTERN = re.compile(r"^[a-z0-9_]{1,64}$")


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

    def __post_init__(self) -> None:
        if not TOOL_NAME_PATTERN.fullmatch(self.name):
            raise ValueError(f"tool name {self.name!r} must match {TOOL_NAME_PATTERN.pattern}")
        clash = set(self.server_arguments) & set(self.input_model.model_fields)
        if clash:
            raise ValueError(f"{self.name}: server arguments {sorted(clash)} are model fields")
        if self.text_field not in self.output_model.model_fields:
            raise ValueError(f"{self.name}: text_field {self.text_field!r} is not a result field")

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
    fields = spec.input_model.model_fields
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
            spec.input_model.model_validate(kept)
        except ValidationError as e:
            raise input_error(spec.input_model, e) from e
    return kept


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
                "Training compute of one run and what it costs on given hardware: total "
                "FLOPs (C = 6·N·D by default), wall-clock time (seconds, days, years) on "
                "`count` accelerators, device-hours, cost (USD), energy (kWh) and CO2 (kg), "
                "with every step and assumption. Use it for questions like: \"How long does a "
                "7B model on 2T tokens take on 256 H100s?\", \"How many H100s to train 70B on "
                "15T tokens in 90 days at 40% MFU?\", \"What would Llama 3.1 405B cost at "
                "today's H100 price, and the CO2 at 0.4 kg/kWh?\", \"训练 GPT-3 需要多少 "
                "FLOPs？用两块 V100 要多少年？\", \"1024 块 A100 训练 GPT-3 要多少天？折合多少 "
                "GPU 小时、多少钱、多少度电？\". Workload: `model` (preset id, see list_models) "
                "or `params` + `tokens`, or `flops` (total FLOPs, used as is). Hardware: "
                "`hardware` (id or alias, see list_hardware), `count`, `precision` (default "
                "bf16, dense peak). Utilization: `mfu` (fraction of peak, default 0.40) OR "
                "`achieved_tflops` (per-device TFLOP/s as logged). `target_days` instead of "
                "`count` gives the devices needed. Quantities accept suffixes (\"175B\", "
                "\"300B tokens\", \"1750亿\"). "
                'Example: estimate_training(model="gpt-3-175b", hardware="a100", '
                "count=1024, achieved_tflops=140)"
            ),
        ),
        ToolSpec.of(
            compare.compare_gpus,
            title="Compare accelerators for one training run",
            description=(
                "The same training workload on several accelerators side by side: devices, "
                "days, device-hours, cost (USD), energy (kWh) and whether the model fits in "
                "memory, ranked by `sort_by` (days, cost or energy). Use it for questions "
                "like: \"Which GPU trains a 13B model on 1T tokens cheapest if it must finish "
                "within 30 days?\", \"H100 vs A100 vs MI300X for GPT-3\", \"训练 70B 模型用 "
                "H100 还是 A100 更便宜？\", \"哪种 GPU 最快？\". Workload as in "
                "estimate_training (`model`, or `params` + `tokens`, or `flops`); `hardware` "
                "is a list of ids (default: every training accelerator in the catalog); "
                "`count` devices of each type, or `target_days` to get the devices each "
                "needs; `mfu` default 0.40. "
                'Example: compare_gpus(params="13B", tokens="1T", target_days=30, '
                'sort_by="cost")'
            ),
        ),
        ToolSpec.of(
            cluster.plan_cluster_training,
            title="Plan a training run on a cluster (layout, step time, predicted MFU)",
            description=(
                "Predicts how fast a training run goes on a real cluster from the model, the "
                "devices, the network and the parallel layout, instead of assuming an MFU: "
                "step time and where it goes (compute, tensor/pipeline/data/context-parallel "
                "communication, pipeline bubble, optimizer), tokens/s, TFLOP/s per device "
                "(as Megatron-LM logs it, with recomputation) and MFU, days and cost for "
                "`tokens`, memory per device; and, for every layout argument left out, "
                "searches the TP/PP/VP/CP/DP/micro-batch/ZeRO/recompute layouts that fit in "
                "memory and ranks them, saying how many were rejected and why. Use it for "
                "questions like: \"How long does GPT-3 take on 1024 A100s with TP 8 PP 8, "
                "batch 1536?\", \"Best TP/PP/DP layout for Llama 3 70B on 512 H100s with a "
                "4M-token batch?\", \"Why is my MFU only 30%?\", \"1024 块 A100 用 TP 8、PP 8 "
                "训练 GPT-3 每步多久、MFU 多少？\", \"512 块 H100 训练 Llama 3 70B 最好的并行"
                "方式？\". Cluster: `system` preset (dgx-a100, dgx-h100, meta-h100-roce, "
                "hgx-h800, jean-zay-a100, gb200-nvl72, tpu-v4-pod, tpu-v5p-pod) or `hardware`, "
                "with `devices_per_node`, `scale_up_gb_s`, `scale_out_gb_s` to override. "
                "Calibrated on Megatron-LM's published runs (Narayanan et al. 2021 Table 1, "
                "within 5%); on other published runs typically within ±20%. "
                'Example: plan_cluster_training(model="gpt-3-175b", count=1024, '
                'system="dgx-a100", tensor_parallel=8, pipeline_parallel=8, global_batch=1536)'
            ),
        ),
        ToolSpec.of(
            scaling.plan_compute_optimal,
            title="Plan a compute-optimal (Chinchilla) model",
            description=(
                "Compute-optimal model size N and training tokens D for a compute budget "
                "(Chinchilla, Hoffmann et al. 2022), or how far a planned run is from optimal, "
                "with the predicted loss. Use it for questions like: \"I have 1e24 FLOPs, what "
                "size and how many tokens?\", \"largest compute-optimal model for $2M at $2.50 "
                "per H100-hour\", \"what can 1024 H100s train in 90 days?\", \"is a 1B model "
                "on 1T tokens compute-optimal, how far off?\", \"1e24 FLOPs 的算力预算，"
                "Chinchilla 最优的模型多大、训练多少 token？\", \"这个模型是不是算力最优？\". "
                "Give ONE budget: `flops` (FLOPs), or `hardware` + `count` + `days`, or "
                "`hardware` + `budget_usd` (USD); or `params` alone, or `tokens` alone, or two "
                "of budget / params / tokens to judge a run. Returns params, tokens, "
                "flops = 6·N·D (FLOPs), loss (nats/token) and the alternatives under other "
                "fits, with steps and assumptions. Quantities accept suffixes (\"70B\", "
                "\"1.4T\", \"3640 PF-days\"). "
                'Example: plan_compute_optimal(flops="1e24")'
            ),
        ),
        ToolSpec.of(
            memory.estimate_memory,
            title="Estimate memory per device (training or inference)",
            description=(
                "Bytes per device and the minimum number of devices. mode=\"training\": "
                "weights + gradients + optimizer state + activations, with ZeRO stage, "
                "tensor/pipeline/data parallelism and recomputation; mode=\"inference\": "
                "weights + KV cache for `context` tokens × `batch` sequences. Use it for "
                "questions like: \"Can I fully fine-tune a 7B model on one 80 GB A100? With "
                "ZeRO-3 on 8 GPUs?\", \"How much memory does the KV cache of Llama 2 70B need "
                "at 32k context, batch 8?\", \"70B 模型推理需要几张 80GB 显卡？\", \"全量微调 "
                "7B 模型显存够不够？\". Give `model` (preset, supplies the shape) or `params` "
                "and the shape (`layers`, `d_model`, `heads`, `kv_heads`); `hardware` checks "
                "the fit. Sizes in GB (1e9 bytes). "
                'Example: estimate_memory(model="llama-2-70b", mode="inference", '
                "context=32768, batch=8)"
            ),
        ),
        ToolSpec.of(
            inference.estimate_inference,
            title="Estimate inference throughput and cost",
            description=(
                "Serving a model on given hardware: FLOPs per generated token, decode "
                "tokens/s (memory-bandwidth-bound: weights and KV cache read once per step), "
                "prefill tokens/s (compute-bound), cost per million tokens (USD) and whether "
                "weights + KV cache fit. Use it for questions like: \"How many tokens per "
                "second can one H100 decode for a 70B model in bf16? In int4?\", \"What does "
                "serving 1M tokens of a 70B model cost on H200 at $3.50 per hour?\", "
                "\"一张 H100 跑 70B 模型每秒能生成多少 token？\", \"推理一百万 token 要多少钱？\". "
                "Give `model` (preset) or `params` (+ `active_params` for MoE) and the shape; "
                "`hardware`, `count` (devices per replica), `precision` (weight format: "
                "bf16, fp8, int8, int4 …), `context` (tokens per sequence), `batch`, "
                "`price_per_device_hour` (USD). "
                'Example: estimate_inference(model="llama-2-70b", hardware="h200", '
                "count=1, precision=\"int4\", price_per_device_hour=3.5)"
            ),
        ),
        ToolSpec.of(
            tokens.count_tokens,
            title="Count tokens of a text, file or folder",
            description=(
                "Token count of a text, a file or a folder with a tiktoken encoding "
                "(o200k_base by default; cl100k_base, p50k_base, r50k_base), exact or a "
                "seeded sampled estimate with its 95% interval, tokens per byte and a "
                "breakdown by file type. Use it for questions like: \"How many tokens "
                "(o200k_base) are in this folder of Markdown and Python files?\", \"I have "
                "3 TB of text, roughly how many tokens?\", \"这段文字有多少 token？\", "
                "\"这个文件夹的语料够训练 30B 模型吗？\" (then pass the tokens to "
                "plan_compute_optimal). Give exactly one of `text` (≤ 10 MB) or `path`; files "
                "can only be read below the folders the user granted (server --allow-dir or "
                "the client's roots). `include` / `exclude` globs filter a folder; "
                "mode=\"sample\" for huge corpora. "
                'Example: count_tokens(path="docs", include=["*.md", "*.py"])'
            ),
            blocking=True,
        ),
        ToolSpec.of(
            claims.check_claim,
            title="Check a published or quoted compute claim",
            description=(
                "Checks the figures of a claim about a training run against each other and "
                "against flopcast: FLOPs, days / years / hours, device-hours, cost, energy, "
                "peak, achieved TFLOP/s, MFU. Returns a verdict per figure (consistent, off by "
                "N×, a digit typo, impossible) with the reasons, and what the claim implies "
                "(MFU, achieved rate per device, price per device-hour, power per device). Use "
                "it whenever the user quotes a figure from an article, paper or person: "
                "\"Someone claims they trained a GPT-3-size model in a day on 8 H100s. "
                "Possible?\", \"Our run of 8.4e22 FLOPs took 11 days on 64 A100s: what MFU "
                "did we get?\", \"文中说 GPT-3 需要 3.114E23 FLOPs，对吗？\", \"1024 块 A100 "
                "训练 34 天、835,584 GPU 小时、460 万美元、28.4 万度电，这些数对得上吗？\", "
                "\"A100 峰值 19.5 TFLOPS 对吗？\". Give the workload (`model`, or `params` + "
                "`tokens`, and/or the claimed `flops`), the `hardware` and `count`, and the "
                "claimed figures exactly as stated (\"4.6M\", \"355 years\" → years=355). "
                'Example: check_claim(model="gpt-3-175b", hardware="a100", count=1024, '
                "days=34, device_hours=835584)"
            ),
        ),
        ToolSpec.of(
            explain.explain_flops,
            title="Explain FLOPs, peaks, 6ND, MFU and precision",
            description=(
                "Background explanations with worked figures from the catalog, for "
                "\"why\" and \"what is\" questions. `topic`: flops_units (FLOPs, a count, vs "
                "FLOP/s, a rate, vs \"FLOPS\"; PF-days, GPU-hours), peak_derivation (peak = "
                "units × clock × FLOPs per cycle; CPU instruction sets SSE/AVX/AVX-512/AMX, GPU "
                "tensor cores), benchmarks (HPL/LINPACK, MLPerf vs peak), training_flops (why "
                "6·N·D, attention, recomputation), mfu_hfu (model vs hardware FLOPs "
                "utilization, what big runs reach), precision_sparsity (FP32/TF32/BF16/FP8/FP4, "
                "dense vs 2:4 sparse datasheet figures). Use it for questions like: \"Why is "
                "training 6·N·D FLOPs?\", \"What is MFU vs HFU?\", \"Why does the H100 "
                "datasheet say 1,979 TFLOPS when people use 989?\", \"FLOPs 和 FLOPS 有什么区别？"
                "\", \"i9-14900K 的单精度峰值是怎么算出来的？\", \"什么指令集来衡量 FLOPS？\". "
                "`hardware` picks the device of the worked example. Returns `markdown` (the "
                "explanation), steps and sources. "
                'Example: explain_flops(topic="peak_derivation", hardware="i9-14900k", '
                'language="zh")'
            ),
            text_field="markdown",
        ),
        ToolSpec.of(
            hardware.list_hardware,
            title="List accelerators in the catalog",
            description=(
                "The hardware catalog: every accelerator's id and aliases, dense peak TFLOP/s "
                "per precision (fp64 … fp4; sparse vendor figures stored halved), memory (GB), "
                "bandwidth (GB/s), TDP (W), a dated reference price (USD per device-hour) and "
                "the datasheet each figure comes from. Use it to find the `hardware` id for "
                "the other tools, or for questions like: \"What is the H100's BF16 peak?\", "
                "\"A100 的峰值到底是 19.5 还是 312 TFLOPS？\", \"有哪些 GPU 可选？\", "
                "\"i9-14900K 的单精度峰值是多少？\". Filter by `vendor`, `kind` (gpu, tpu, "
                "accelerator, cpu) or `training_only`. "
                'Example: list_hardware(vendor="NVIDIA")'
            ),
        ),
        ToolSpec.of(
            models.list_models,
            title="List model presets",
            description=(
                "The model presets: id and aliases, parameters, training tokens, shape "
                "(layers, d_model, heads, vocab, context), published training FLOPs where "
                "the paper gives them, and the paper each figure comes from. Use it to find "
                "the `model` id for the other tools, or for questions like: \"How many "
                "tokens was Llama 2 70B trained on?\", \"GPT-3 有多少层、多少参数？\", "
                "\"MT-NLG 5300 亿参数用了多少 token？\". Filter by `family` (e.g. gpt-3, "
                "llama-2). "
                'Example: list_models(family="llama-2")'
            ),
        ),
    )


TOOLS: tuple[ToolSpec, ...] = _build()
