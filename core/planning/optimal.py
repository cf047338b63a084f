"""plan_compute_optimal: compute-optimal model size and token count (Chinchilla scaling laws).

Given a budget C (FLOPs, or hardware time or dollars: `flopcast.planning.budget`), a model size
N or a token count D, or a run (two of them: `flopcast.planning.modes`), this returns the
compute-optimal allocation on the efficient frontier of Hoffmann et al. 2022 (Eq. 4, under
C = 6·N·D)::

    N_opt(C) = k · C^a,        D_opt(C) = C / (6 · N_opt(C))

and the loss L(N, D) = E + A/N^α + B/D^β that a parametric fit predicts. The fits and their
sources (Hoffmann et al. 2022, arXiv:2203.15556; Besiroglu et al. 2024, arXiv:2404.10102),
the frontier and the loss formulas are in `flopcast.planning.laws`. This module holds the
tool: its input and output models, the optimal N, D and loss for the budget, a run's distance
from them (tokens per parameter, loss gap, compute for the same loss), the same budget under
every fit, and the summary.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.catalog.models import name_assumptions, resolve_model
from flopcast.numbers.limits import (
    MAX_PRICE_PER_DEVICE_HOUR,
    CountArg,
    DaysArg,
    FlopsArg,
    FractionArg,
    ParamsArg,
    TokensArg,
    UsdArg,
)
from flopcast.numbers.quantities import (
    Language,
    format_count,
    format_flops,
    format_number,
    parse_quantity,
)
from flopcast.numbers.results import Assumption, Result, Step, make_step
from flopcast.numbers.validation import tool_function
from flopcast.planning.budget import budget_flops, deliverable_flops
from flopcast.planning.laws import (
    DEFAULT_FIT,
    DEFAULT_LOSS_FIT,
    FITS,
    Fit,
    FitName,
    LossFitName,
    chinchilla_loss,
    flops_for_frontier_loss,
    frontier,
    frontier_loss,
    optimal_allocation,
    optimal_flops_for_params,
    optimal_flops_for_tokens,
)
from flopcast.planning.modes import place_on_frontier

__all__ = [
    "DEFAULT_FIT",
    "DEFAULT_LOSS_FIT",
    "FITS",
    "ComputeOptimalPlan",
    "Fit",
    "FitName",
    "FitRow",
    "LossFitName",
    "PlanComputeOptimalInput",
    "chinchilla_loss",
    "deliverable_flops",
    "flops_for_frontier_loss",
    "frontier_loss",
    "optimal_allocation",
    "optimal_flops_for_params",
    "optimal_flops_for_tokens",
    "plan_compute_optimal",
]


# ---------------------------------------------------------------- the tool


class PlanComputeOptimalInput(BaseModel):
    """Arguments of plan_compute_optimal."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(
        default=None,
        description="Preset id: how far from optimal it was trained.",
    )
    flops: FlopsArg | None = Field(
        default=None, description="Compute budget in FLOPs, e.g. 1e24."
    )
    hardware: str | None = Field(
        default=None,
        description="Device id for a time or dollar budget.",
    )
    count: CountArg | None = Field(
        default=None, description="Devices (with hardware and days)."
    )
    days: DaysArg | None = Field(
        default=None, description="Days of the budget."
    )
    budget_usd: UsdArg | None = Field(
        default=None,
        description="Dollar budget (with hardware).",
    )
    price_per_device_hour: float | None = Field(
        default=None,
        gt=0, le=MAX_PRICE_PER_DEVICE_HOUR,
        description="USD per device-hour (wins over provider).",
    )
    provider: str | None = Field(default=None, description="Price provider or 'lowest'.")
    precision: str | None = Field(
        default=None,
        description="bf16 (default), fp8, fp32...",
    )
    sparsity: bool = Field(default=False, description="Use the 2:4-sparse peak.")
    mfu: FractionArg | None = Field(
        default=None, description="In (0, 1], default 0.40."
    )
    params: ParamsArg | None = Field(
        default=None,
        description=(
            "Parameters: alone, the optimal tokens; with tokens or a budget, "
            "how far off."),
    )
    tokens: TokensArg | None = Field(
        default=None,
        description="Training tokens D: alone gives the optimal size.",
    )
    fit: FitName = Field(
        default=DEFAULT_FIT,
        description="Allocation fit.",
    )
    loss_fit: LossFitName | None = Field(
        default=None,
        description="Loss fit (default: fit or besiroglu_2024).",
    )
    language: Language = Field(default="en", description="Answer language.")


class FitRow(BaseModel):
    """The optimal allocation of the same budget under one fit."""

    model_config = ConfigDict(extra="forbid")

    fit: str
    params: float = Field(description="Compute-optimal parameters N.")
    tokens: float = Field(description="Compute-optimal tokens D.")
    tokens_per_param: float
    source: str


class ComputeOptimalPlan(Result):
    """Compute-optimal size and tokens, or how far a given run is from them."""

    mode: Literal["budget", "params", "tokens", "run"] = Field(
        description="budget: optimal N, D for a compute budget; params / tokens: the optimal run "
        "for a given N or D; run: a given N and D compared with the optimum at the same compute."
    )
    fit: str
    fit_source: str
    loss_fit: str
    flops: float = Field(description="Compute C = 6·N·D of the plan or run, FLOPs.")
    params: float = Field(description="Parameters N (optimal, or as given in run mode).")
    tokens: float = Field(description="Tokens D (optimal, or as given in run mode).")
    tokens_per_param: float
    loss: float = Field(description="Predicted loss L(N, D) under loss_fit (nats/token).")
    optimal_params: float = Field(description="Compute-optimal N for `flops` under `fit`.")
    optimal_tokens: float = Field(description="Compute-optimal D for `flops` under `fit`.")
    optimal_tokens_per_param: float
    optimal_loss: float = Field(description="Lowest loss `flops` can buy under loss_fit.")
    tokens_per_param_vs_optimal: float | None = Field(
        default=None,
        description="Run mode: the run's D/N divided by the optimal D/N (1 = optimal).",
    )
    loss_gap: float | None = Field(
        default=None, description="Run mode: loss − optimal_loss (how much loss the split costs)."
    )
    equal_loss_flops: float | None = Field(
        default=None,
        description="Run mode: compute a compute-optimal model needs for the same loss.",
    )
    compute_ratio: float | None = Field(
        default=None, description="Run mode: flops / equal_loss_flops (≥ 1; 1 = no waste)."
    )
    hardware: str | None = None
    seconds: float | None = None
    alternatives: list[FitRow] = Field(
        default_factory=list, description="The same budget's optimal N and D under every fit."
    )


@tool_function(PlanComputeOptimalInput)
def plan_compute_optimal(args: PlanComputeOptimalInput) -> ComputeOptimalPlan:
    """Compute-optimal parameters and tokens for a budget, or the distance of a run from them.

    Give one of: a budget (`flops`, or `hardware` with `count` and `days`, or `hardware` with
    `budget_usd`); `params` alone; `tokens` alone; or two of budget / params / tokens (a run).
    The allocation follows `fit`, the loss `loss_fit` (sources: `flopcast.planning.laws`).

    Raises:
        InvalidInputError: nothing to plan from, too many inputs, or a malformed value.
        UnknownHardwareError: `hardware` is not in the catalog.
    """
    steps: list[Step] = []
    assumptions: list[Assumption] = []
    f = FITS[args.fit]
    lf_name = args.loss_fit or (args.fit if f.parametric else DEFAULT_LOSS_FIT)
    if args.loss_fit is None and not f.parametric:
        assumptions.append(Assumption(name="loss_fit", value=lf_name, source=FITS[lf_name].source))
    if args.fit == DEFAULT_FIT:
        assumptions.append(Assumption(name="fit", value=DEFAULT_FIT, source=f.source))

    budget, seconds = budget_flops(args, steps, assumptions)
    n_given = parse_quantity(args.params, argument="params") if args.params is not None else None
    d_given = parse_quantity(args.tokens, argument="tokens") if args.tokens is not None else None
    if args.model is not None:
        preset = resolve_model(args.model)
        assumptions.extend(name_assumptions(args.model))
        if n_given is None:
            n_given = preset.params
            assumptions.append(Assumption(name="params", value=format_count(preset.params),
                                          source=f"{preset.name} preset, as published"))
        if d_given is None and preset.tokens is not None and budget is None:
            d_given = preset.tokens
            assumptions.append(Assumption(name="tokens", value=format_count(preset.tokens),
                                          source=f"{preset.name} preset, as published"))
    k, a, frontier_steps = frontier(f)
    steps.extend(frontier_steps)
    mode, budget, n_given, d_given = place_on_frontier(budget, n_given, d_given, k, a, steps)

    n_opt = k * budget**a
    d_opt = budget / (6.0 * n_opt)
    steps.append(
        make_step(
            "compute-optimal parameters",
            "N_opt = k · C^a",
            [("k", k, ""), ("C", budget, "FLOPs"), ("a", a, "")],
            n_opt,
            "params",
        )
    )
    steps.append(
        make_step(
            "compute-optimal tokens",
            "D_opt = C / (6 · N_opt)",
            [("C", budget, "FLOPs"), ("N_opt", n_opt, "params")],
            d_opt,
            "tokens",
        )
    )
    lf = FITS[lf_name]
    optimal_loss = frontier_loss(budget, lf_name)
    n_run, d_run = (n_given, d_given) if mode == "run" else (n_opt, d_opt)
    assert n_run is not None and d_run is not None
    loss = chinchilla_loss(n_run, d_run, lf_name)
    assert lf.E is not None and lf.A and lf.B and lf.alpha and lf.beta
    steps.append(
        make_step(
            "predicted loss",
            "L = E + A / N^α + B / D^β",
            [
                ("E", lf.E, ""),
                ("A", lf.A, ""),
                ("N", n_run, "params"),
                ("α", lf.alpha, ""),
                ("B", lf.B, ""),
                ("D", d_run, "tokens"),
                ("β", lf.beta, ""),
            ],
            loss,
            "nats/token",
        )
    )

    result = ComputeOptimalPlan(
        mode=mode,
        fit=args.fit,
        fit_source=f.source,
        loss_fit=lf_name,
        flops=budget,
        params=n_run,
        tokens=d_run,
        tokens_per_param=d_run / n_run,
        loss=loss,
        optimal_params=n_opt,
        optimal_tokens=d_opt,
        optimal_tokens_per_param=d_opt / n_opt,
        optimal_loss=optimal_loss,
        hardware=args.hardware,
        seconds=seconds,
        steps=steps,
        assumptions=assumptions,
        language=args.language,
    )
    if mode == "run":
        ratio = (d_run / n_run) / (d_opt / n_opt)
        steps.append(
            make_step(
                "tokens per parameter vs optimal",
                "ρ = (D/N) / (D_opt/N_opt)",
                [("D/N", d_run / n_run, ""), ("D_opt/N_opt", d_opt / n_opt, "")],
                ratio,
                "×",
            )
        )
        equal = flops_for_frontier_loss(loss, lf_name)
        steps.append(
            make_step(
                "compute an optimal model needs for the same loss",
                "C_eq = 6 · (N*/G)^(1/a),  N* = (A·(α+β) / (β·(L − E)))^(1/α)",
                [
                    ("L", loss, "nats/token"),
                    ("E", lf.E, ""),
                    ("A", lf.A, ""),
                    ("α", lf.alpha, ""),
                    ("β", lf.beta, ""),
                ],
                equal,
                "FLOPs",
            )
        )
        result.tokens_per_param_vs_optimal = ratio
        result.loss_gap = loss - optimal_loss
        result.equal_loss_flops = equal
        result.compute_ratio = budget / equal
    result.alternatives = [
        FitRow(fit=name, params=n, tokens=d, tokens_per_param=d / n, source=other.source)
        for name, other in FITS.items()
        for n, d in [optimal_allocation(budget, name)]
    ]
    result.summary = _summary(result, args.language)
    return result


def _summary(r: ComputeOptimalPlan, language: Language) -> str:
    n, d, c = r.optimal_params, r.optimal_tokens, r.flops
    run = r.mode == "run"
    if language == "zh":
        head = (
            f"算力预算 {format_flops(c, 'zh')}（拟合 `{r.fit}`）下的计算最优配置："
            f"{format_count(n, 'zh', '参数')}，{format_count(d, 'zh', '词元')}"
            f"（每参数 {format_number(d / n)} 个词元）"
        )
        if not run:
            return head + f"，预测损失 {r.loss:.3f}（`{r.loss_fit}`）。"
        return head + (
            f"。\n\n给定的 {format_count(r.params, 'zh', '参数')} × "
            f"{format_count(r.tokens, 'zh', '词元')}：每参数词元数是最优的 "
            f"{format_number(r.tokens_per_param_vs_optimal or 0)} 倍；预测损失 {r.loss:.3f}，"
            f"比该算力能达到的最低损失 {r.optimal_loss:.3f}（`{r.loss_fit}`）高 "
            f"{format_number(r.loss_gap or 0)}；达到同样损失的计算最优模型只需 "
            f"{format_flops(r.equal_loss_flops or 0, 'zh')}"
            + _ratio_words(r.compute_ratio or 1.0, True) + "。"
        )
    head = (
        f"For {format_flops(c)} (fit `{r.fit}`) the compute-optimal model has "
        f"**{format_count(n)} parameters** trained on **{format_count(d)} tokens** "
        f"({format_number(d / n)} tokens per parameter)"
    )
    if not run:
        return head + f"; predicted loss {r.loss:.3f} (`{r.loss_fit}`)."
    return head + (
        f".\n\nThe run of {format_count(r.params)} parameters on {format_count(r.tokens)} "
        f"tokens has {format_number(r.tokens_per_param_vs_optimal or 0)}× the optimal "
        f"tokens per parameter; its predicted loss {r.loss:.3f} is "
        f"{format_number(r.loss_gap or 0)} above the lowest this compute can buy "
        f"({r.optimal_loss:.3f}, `{r.loss_fit}`). A compute-optimal model reaches the same "
        f"loss with {format_flops(r.equal_loss_flops or 0)}"
        + _ratio_words(r.compute_ratio or 1.0, False) + "."
    )


def _ratio_words(ratio: float, zh: bool) -> str:
    """How much compute the run spends beyond the compute-optimal model of the same loss:
    never "1× less" — a ratio that rounds to 1 says the run is practically optimal.

    >>> _ratio_words(1.0004, False)
    ': practically the same compute (the run is compute-optimal)'
    >>> _ratio_words(2.5, False)
    ', 60% less compute (the run spends 2.5× as much)'
    """
    if ratio < 1.005:
        return "：算力几乎相同（这次训练本身就是计算最优的）" if zh else (
            ": practically the same compute (the run is compute-optimal)")
    saved = format_number((1 - 1 / ratio) * 100)
    return (f"，少用 {saved}% 的算力（这次训练用了它的 {format_number(ratio)} 倍）" if zh else
            f", {saved}% less compute (the run spends {format_number(ratio)}× as much)")
