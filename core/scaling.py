"""Compute-optimal model size and token count (Chinchilla scaling laws).

Every fit here is written in one shape, the efficient frontier of Hoffmann et al. 2022
(Eq. 4, under the constraint C = 6·N·D)::

    N_opt(C) = k · C^a,        D_opt(C) = C / (6 · N_opt(C))

so D_opt ∝ C^(1−a) = C^b. The fits differ only in (k, a):

- ``hoffmann_approach1`` / ``hoffmann_approach2``: a from Hoffmann et al. 2022 Table 2
  (0.50 and 0.49). The paper prints no coefficient, so k is fitted through one row of the
  paper's own projections — the 175 B row, whose budget (3.85e24 and 4.54e24 FLOPs) is in the
  range people plan for: Table 3 (approach 1) and Table A3 (approach 2). The other rows are
  then reproduced within 5 % (approach 1, limited by a being printed to two digits) and 1 %
  (approach 2, except its 67 B row, which is 7 % off its own column).
- ``hoffmann_approach3``: the parametric fit L(N, D) = E + A/N^α + B/D^β with Eq. 10's printed
  values (E = 1.69, A = 406.4, B = 410.7, α = 0.34, β = 0.28); k = G · 6^(−a) with
  G = (αA/(βB))^(1/(α+β)) and a = β/(α+β). These rounded values do not reproduce the paper's
  own Table A3 approach-3 column (they give 1.6–2.2× its FLOPs) nor its "40B parameters for
  the Gopher budget" (Figure 4 caption; they give 32 B): Besiroglu et al. 2024 (abstract)
  trace this to the rounding of the printed estimates.
- ``hoffmann_approach3_unrounded``: the same fit with the TeX-source values Besiroglu et al.
  2024 quote (E = 1.6934, α = 0.3392, β = 0.2849): 40.3 B at the Gopher budget, as printed.
- ``besiroglu_2024``: the replication's refit of approach 3 (Besiroglu, Erdil, Barnett, You
  2024, "Chinchilla Scaling: A replication attempt", arXiv:2404.10102, the paper's estimates:
  E = 1.8172, A = 482.01, B = 2085.43, α = 0.3478, β = 0.3658), consistent with approaches 1
  and 2 (≈ 18–20 tokens per parameter); E is often quoted rounded, 1.82.
- ``tokens_per_param_20``: the rule of thumb D = 20·N (Chinchilla itself: 70 B parameters on
  1.4 T tokens, Hoffmann et al. 2022 §4.1), so C = 6·N·20N and N = √(C/120).

Losses are always predicted with a parametric fit (``loss_fit``), never mixed with another.
What the frontier ignores: FLOPs are 6·N·D (Hoffmann et al. count attention too, Appendix F;
Table A4 puts their count within 0.99–1.10× of 6ND), N counts all parameters, data is
assumed never repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.cost import reference_price
from flopcast.errors import InvalidInputError
from flopcast.quantities import (
    SECONDS_PER_HOUR,
    Language,
    format_count,
    format_flops,
    format_number,
    parse_duration_seconds,
    parse_quantity,
)
from flopcast.results import Assumption, Result, Step, make_step
from flopcast.utilization import DEFAULT_MFU, pick_peak
from flopcast.validation import validate_args

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

FitName = Literal[
    "hoffmann_approach1",
    "hoffmann_approach2",
    "hoffmann_approach3",
    "hoffmann_approach3_unrounded",
    "besiroglu_2024",
    "tokens_per_param_20",
]
LossFitName = Literal["hoffmann_approach3", "hoffmann_approach3_unrounded", "besiroglu_2024"]

_HOFFMANN = "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv:2203.15556"
_BESIROGLU = (
    "Besiroglu, Erdil, Barnett, You 2024, Chinchilla Scaling: A replication attempt, "
    "arXiv:2404.10102"
)


@dataclass(frozen=True)
class Fit:
    """One published scaling fit: a parametric loss (E, A, B, α, β) or a power law (k, a)."""

    name: str
    source: str
    E: float | None = None
    A: float | None = None
    B: float | None = None
    alpha: float | None = None
    beta: float | None = None
    a: float | None = None
    anchor_params: float | None = None
    anchor_flops: float | None = None
    tokens_per_param: float | None = None

    @property
    def parametric(self) -> bool:
        return self.E is not None


FITS: dict[str, Fit] = {
    "hoffmann_approach1": Fit(
        "hoffmann_approach1",
        f"{_HOFFMANN}, §3.1 Table 2 (a = 0.50); k fitted through Table 3's 175 B row "
        "(3.85e24 FLOPs)",
        a=0.50,
        anchor_params=175e9,
        anchor_flops=3.85e24,
    ),
    "hoffmann_approach2": Fit(
        "hoffmann_approach2",
        f"{_HOFFMANN}, §3.2 Table 2 (a = 0.49); k fitted through Table A3's approach-2 175 B row "
        "(4.54e24 FLOPs)",
        a=0.49,
        anchor_params=175e9,
        anchor_flops=4.54e24,
    ),
    "hoffmann_approach3": Fit(
        "hoffmann_approach3",
        f"{_HOFFMANN}, §3.3 Eq. 4 and Appendix D.2 Eq. 10 (rounded values as printed)",
        E=1.69,
        A=406.4,
        B=410.7,
        alpha=0.34,
        beta=0.28,
    ),
    "hoffmann_approach3_unrounded": Fit(
        "hoffmann_approach3_unrounded",
        f"{_HOFFMANN}, Eq. 10 with the TeX-source digits quoted by {_BESIROGLU}",
        E=1.6934,
        A=406.4,
        B=410.7,
        alpha=0.3392,
        beta=0.2849,
    ),
    "besiroglu_2024": Fit(
        "besiroglu_2024",
        f"{_BESIROGLU}: refit of approach 3 on data reconstructed from Hoffmann Fig. 4",
        E=1.8172,
        A=482.01,
        B=2085.43,
        alpha=0.3478,
        beta=0.3658,
    ),
    "tokens_per_param_20": Fit(
        "tokens_per_param_20",
        f"{_HOFFMANN}, §4.1: Chinchilla, 70 B parameters on 1.4 T tokens (20 tokens per parameter)",
        a=0.5,
        tokens_per_param=20.0,
    ),
}
DEFAULT_FIT: FitName = "hoffmann_approach1"
DEFAULT_LOSS_FIT: LossFitName = "besiroglu_2024"


def _fit(name: str, argument: str = "fit") -> Fit:
    try:
        return FITS[name]
    except KeyError as e:
        accepted = ", ".join(FITS)
        raise InvalidInputError(argument, f"unknown fit {name!r}; accepted: {accepted}") from e


def _frontier(fit: Fit) -> tuple[float, float, list[Step]]:
    """(k, a) of N_opt = k·C^a for `fit`, with the steps that derive k."""
    if fit.parametric:
        assert fit.A and fit.B and fit.alpha and fit.beta
        s = fit.alpha + fit.beta
        a = fit.beta / s
        G = (fit.alpha * fit.A / (fit.beta * fit.B)) ** (1.0 / s)
        k = G * 6.0 ** (-a)
        steps = [
            make_step(
                "G of the efficient frontier",
                "G = (α·A / (β·B))^(1/(α+β))",
                [("α", fit.alpha, ""), ("A", fit.A, ""), ("β", fit.beta, ""), ("B", fit.B, "")],
                G,
                "",
            ),
            make_step(
                "exponent of N_opt",
                "a = β / (α+β)",
                [("β", fit.beta, ""), ("α", fit.alpha, "")],
                a,
                "",
            ),
        ]
        return k, a, steps
    if fit.tokens_per_param is not None:
        r = fit.tokens_per_param
        k = (6.0 * r) ** -0.5
        return (
            k,
            0.5,
            [
                make_step(
                    "coefficient of N_opt = √(C/(6r))",
                    "k = (6·r)^(−1/2)",
                    [("r", r, "tokens/param")],
                    k,
                    "",
                )
            ],
        )
    assert fit.a is not None and fit.anchor_params and fit.anchor_flops
    k = fit.anchor_params / fit.anchor_flops**fit.a
    return (
        k,
        fit.a,
        [
            make_step(
                "coefficient through the paper's projection",
                "k = N_row / C_row^a",
                [
                    ("N_row", fit.anchor_params, "params"),
                    ("C_row", fit.anchor_flops, "FLOPs"),
                    ("a", fit.a, ""),
                ],
                k,
                "",
            )
        ],
    )


def optimal_allocation(flops: float, fit: str = DEFAULT_FIT) -> tuple[float, float]:
    """Compute-optimal (N, D) for a budget of `flops` (Hoffmann et al. 2022 Eq. 4 form).

    >>> n, d = optimal_allocation(1.2e24, "tokens_per_param_20")
    >>> round(n / 1e9), round(d / 1e12, 1)
    (100, 2.0)
    """
    k, a, _ = _frontier(_fit(fit))
    n = k * flops**a
    return n, flops / (6.0 * n)


def optimal_flops_for_params(params: float, fit: str = DEFAULT_FIT) -> float:
    """The budget C whose compute-optimal model has `params` parameters: C = (N/k)^(1/a)."""
    k, a, _ = _frontier(_fit(fit))
    return (params / k) ** (1.0 / a)


def optimal_flops_for_tokens(tokens: float, fit: str = DEFAULT_FIT) -> float:
    """The budget C whose compute-optimal run sees `tokens` tokens: D = C^(1−a)/(6k)."""
    k, a, _ = _frontier(_fit(fit))
    return (6.0 * k * tokens) ** (1.0 / (1.0 - a))


def chinchilla_loss(params: float, tokens: float, fit: str = DEFAULT_LOSS_FIT) -> float:
    """Predicted loss L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022 Eq. 2; values Eq. 10).

    >>> round(chinchilla_loss(70e9, 1.4e12, "hoffmann_approach3"), 3)
    1.937
    """
    f = _fit(fit, "loss_fit")
    if not f.parametric:
        raise InvalidInputError(
            "loss_fit",
            f"{fit!r} has no loss function; use one of "
            "hoffmann_approach3, hoffmann_approach3_unrounded, besiroglu_2024",
        )
    assert f.E is not None and f.A and f.B and f.alpha and f.beta
    return f.E + f.A / params**f.alpha + f.B / tokens**f.beta


def frontier_loss(flops: float, fit: str = DEFAULT_LOSS_FIT) -> float:
    """The lowest loss a budget buys under a parametric fit: L(N_opt(C), D_opt(C))."""
    n, d = optimal_allocation(flops, fit)
    return chinchilla_loss(n, d, fit)


def flops_for_frontier_loss(loss: float, fit: str = DEFAULT_LOSS_FIT) -> float:
    """Smallest budget whose compute-optimal model reaches `loss` (inverse of frontier_loss).

    On the frontier the two reducible terms keep a fixed ratio, α·A/N^α = β·B/D^β (the
    first-order condition of Eq. 4), so L = E + (A/N^α)·(α+β)/β; solve for N, then C.
    """
    f = _fit(fit, "loss_fit")
    assert f.E is not None and f.A and f.B and f.alpha and f.beta
    if loss <= f.E:
        raise InvalidInputError(
            "loss", f"{loss:g} is not above the fit's irreducible loss E = {f.E}"
        )
    n = (f.A * (f.alpha + f.beta) / (f.beta * (loss - f.E))) ** (1.0 / f.alpha)
    return optimal_flops_for_params(n, fit)


def deliverable_flops(peak_flops_per_s: float, count: int, mfu: float, seconds: float) -> float:
    """Model FLOPs a cluster delivers in a time: C = count × peak × MFU × seconds.

    MFU is model FLOPs utilization as PaLM defines it (Chowdhery et al. 2022 §4.1).

    >>> deliverable_flops(312e12, 1024, 0.5, 86400.0)
    1.38018816e+22
    """
    return count * peak_flops_per_s * mfu * seconds


# ---------------------------------------------------------------- the tool


class PlanComputeOptimalInput(BaseModel):
    """Arguments of plan_compute_optimal."""

    model_config = ConfigDict(extra="forbid")

    flops: float | str | None = Field(
        default=None, description='Training compute budget in FLOPs, e.g. 1e24 or "3640 PF-days".'
    )
    hardware: str | None = Field(
        default=None,
        description="Accelerator id for a hardware-time or dollar budget, e.g. h100.",
    )
    count: int | None = Field(
        default=None, ge=1, description="Number of devices (with hardware, days)."
    )
    days: float | str | None = Field(
        default=None, description='Wall-clock time of the budget, in days or text like "90 days".'
    )
    budget_usd: float | str | None = Field(
        default=None,
        description="Dollar budget (with hardware): buys budget_usd / price device-hours.",
    )
    price_per_device_hour: float | None = Field(
        default=None,
        gt=0,
        description="USD per device-hour; default: the catalog's reference price.",
    )
    precision: str | None = Field(
        default=None,
        description="Precision of the peak: bf16, fp16, fp8, ...; default bf16 (fp16 or fp32 "
        "on devices without bf16).",
    )
    sparsity: bool = Field(default=False, description="Use the 2:4-sparse peak (rarely reached).")
    mfu: float | None = Field(
        default=None, gt=0, le=1, description="Model FLOPs utilization, fraction of the dense peak."
    )
    params: float | str | None = Field(
        default=None,
        description='Model parameters N, e.g. "70B": with no budget, returns the '
        "optimal tokens and compute; with tokens or a budget, how far from optimal the run is.",
    )
    tokens: float | str | None = Field(
        default=None,
        description='Training tokens D, e.g. "1.4T": with no other input, returns '
        "the optimal model size for that much data.",
    )
    fit: FitName = Field(
        default=DEFAULT_FIT,
        description="Scaling fit for the optimal allocation: hoffmann_approach1 "
        "(Chinchilla Table 3), hoffmann_approach2, hoffmann_approach3 (Eq. 10 as printed), "
        "hoffmann_approach3_unrounded, besiroglu_2024 (replication), tokens_per_param_20.",
    )
    loss_fit: LossFitName | None = Field(
        default=None,
        description="Parametric fit that predicts the loss; default: `fit` when it "
        "is parametric, else besiroglu_2024.",
    )
    language: Language = Field(default="en", description="Language of the summary: en or zh.")


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


def _budget(
    args: PlanComputeOptimalInput, steps: list[Step], assumptions: list[Assumption]
) -> tuple[float | None, float | None]:
    """The budget in FLOPs (or None) and the seconds it spans, from flops or hardware."""
    hardware_given = args.hardware is not None
    if args.flops is not None:
        if hardware_given or args.budget_usd is not None or args.days is not None:
            raise InvalidInputError(
                "flops",
                "give either flops or a hardware budget "
                "(hardware with count and days, or with budget_usd), not both",
            )
        return parse_quantity(args.flops, argument="flops"), None
    if not hardware_given:
        for name in ("count", "days", "budget_usd", "mfu", "price_per_device_hour"):
            if getattr(args, name) is not None:
                raise InvalidInputError(name, "needs `hardware` (a catalog id such as h100)")
        return None, None
    from flopcast.hardware import resolve_hardware

    assert args.hardware is not None
    hw, hw_assumptions = resolve_hardware(args.hardware, argument="hardware")
    assumptions.extend(hw_assumptions)
    peak, peak_assumptions = pick_peak(hw, args.precision, args.sparsity)
    assumptions.extend(peak_assumptions)
    steps.append(peak.step)
    if args.mfu is None:
        mfu = DEFAULT_MFU.mfu
        assumptions.append(
            Assumption(name="mfu", value=f"{DEFAULT_MFU.mfu}", source=DEFAULT_MFU.source)
        )
    else:
        mfu = args.mfu
    if args.budget_usd is not None:
        if args.days is not None:
            raise InvalidInputError("days", "give days (with count) or budget_usd, not both")
        usd = parse_quantity(args.budget_usd, argument="budget_usd")
        price, price_assumptions = reference_price(hw, args.price_per_device_hour)
        if price is None:
            raise InvalidInputError(
                "price_per_device_hour",
                f"the catalog has no reference price for {args.hardware}; "
                "give price_per_device_hour in USD",
            )
        assumptions += price_assumptions
        device_hours = usd / price
        steps.append(
            make_step(
                "device-hours bought",
                "H = budget / price",
                [("budget", usd, "USD"), ("price", price, "USD/device-hour")],
                device_hours,
                "device-hours",
            )
        )
        # The dollars buy device-hours; with a count they also fix the wall-clock time.
        count = args.count if args.count is not None else 1
        seconds = device_hours * SECONDS_PER_HOUR / count
    else:
        if args.days is None:
            raise InvalidInputError(
                "days", "a hardware budget needs days (with count) or budget_usd"
            )
        seconds = parse_duration_seconds(args.days, argument="days", default_unit="days")
        count = args.count if args.count is not None else 1
        if args.count is None:
            assumptions.append(Assumption(name="count", value="1", source="no count given"))
    flops = deliverable_flops(peak.flops_per_s, count, mfu, seconds)
    steps.append(
        make_step(
            "compute budget",
            "C = n · peak · MFU · t",
            [
                ("n", count, "devices"),
                ("peak", peak.flops_per_s, "FLOP/s"),
                ("MFU", mfu, ""),
                ("t", seconds, "s"),
            ],
            flops,
            "FLOPs",
        )
    )
    return flops, seconds


def plan_compute_optimal(
    *,
    flops: float | str | None = None,
    hardware: str | None = None,
    count: int | None = None,
    days: float | str | None = None,
    budget_usd: float | str | None = None,
    price_per_device_hour: float | None = None,
    precision: str | None = None,
    sparsity: bool = False,
    mfu: float | None = None,
    params: float | str | None = None,
    tokens: float | str | None = None,
    fit: FitName = DEFAULT_FIT,
    loss_fit: LossFitName | None = None,
    language: Language = "en",
) -> ComputeOptimalPlan:
    """Compute-optimal parameters and tokens for a budget, or the distance of a run from them.

    Give one of: a budget (`flops`, or `hardware` with `count` and `days`, or `hardware` with
    `budget_usd`); `params` alone; `tokens` alone; or two of budget / params / tokens (a run).
    The allocation follows `fit`, the loss `loss_fit` (see the module docstring for sources).

    Raises:
        InvalidInputError: nothing to plan from, too many inputs, or a malformed value.
        UnknownHardwareError: `hardware` is not in the catalog.
    """
    args = validate_args(PlanComputeOptimalInput, locals())
    steps: list[Step] = []
    assumptions: list[Assumption] = []
    f = FITS[args.fit]
    lf_name = args.loss_fit or (args.fit if f.parametric else DEFAULT_LOSS_FIT)
    if args.loss_fit is None and not f.parametric:
        assumptions.append(Assumption(name="loss_fit", value=lf_name, source=FITS[lf_name].source))
    if args.fit == DEFAULT_FIT:
        assumptions.append(Assumption(name="fit", value=DEFAULT_FIT, source=f.source))

    budget, seconds = _budget(args, steps, assumptions)
    n_given = parse_quantity(args.params, argument="params") if args.params is not None else None
    d_given = parse_quantity(args.tokens, argument="tokens") if args.tokens is not None else None
    given = sum(x is not None for x in (budget, n_given, d_given))
    if given == 0:
        raise InvalidInputError(
            "flops",
            "give a compute budget (flops, or hardware with count and "
            "days or budget_usd), params, tokens, or two of them",
        )
    if given == 3:
        raise InvalidInputError(
            "tokens",
            "give at most two of: a budget, params, tokens (the third follows from C = 6·N·D)",
        )

    k, a, frontier_steps = _frontier(f)
    steps.extend(frontier_steps)
    mode: Literal["budget", "params", "tokens", "run"]
    if given == 2:
        mode = "run"
        if budget is None:
            assert n_given is not None and d_given is not None
            budget = 6.0 * n_given * d_given
            steps.append(
                make_step(
                    "compute of the run",
                    "C = 6 · N · D",
                    [("N", n_given, "params"), ("D", d_given, "tokens")],
                    budget,
                    "FLOPs",
                )
            )
        elif n_given is None:
            assert d_given is not None
            n_given = budget / (6.0 * d_given)
            steps.append(
                make_step(
                    "parameters the budget allows",
                    "N = C / (6 · D)",
                    [("C", budget, "FLOPs"), ("D", d_given, "tokens")],
                    n_given,
                    "params",
                )
            )
        elif d_given is None:
            d_given = budget / (6.0 * n_given)
            steps.append(
                make_step(
                    "tokens the budget allows",
                    "D = C / (6 · N)",
                    [("C", budget, "FLOPs"), ("N", n_given, "params")],
                    d_given,
                    "tokens",
                )
            )
    elif n_given is not None:
        mode = "params"
        budget = (n_given / k) ** (1.0 / a)
        steps.append(
            make_step(
                "budget whose optimal model has N parameters",
                "C = (N / k)^(1/a)",
                [("N", n_given, "params"), ("k", k, ""), ("a", a, "")],
                budget,
                "FLOPs",
            )
        )
    elif d_given is not None:
        mode = "tokens"
        budget = (6.0 * k * d_given) ** (1.0 / (1.0 - a))
        steps.append(
            make_step(
                "budget whose optimal run sees D tokens",
                "C = (6 · k · D)^(1/(1−a))",
                [("k", k, ""), ("D", d_given, "tokens"), ("a", a, "")],
                budget,
                "FLOPs",
            )
        )
    else:
        mode = "budget"
    assert budget is not None

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
            f"（算力是它的 {format_number(r.compute_ratio or 0)} 倍）。"
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
        f"loss with {format_flops(r.equal_loss_flops or 0)}, "
        f"{format_number(r.compute_ratio or 0)}× less compute."
    )
