"""Chinchilla scaling laws: the published fits, the compute-optimal frontier and the loss.

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

from flopcast.numbers.errors import InvalidInputError, quote
from flopcast.numbers.results import Step, make_step

__all__ = [
    "DEFAULT_FIT",
    "DEFAULT_LOSS_FIT",
    "FITS",
    "Fit",
    "FitName",
    "LossFitName",
    "chinchilla_loss",
    "flops_for_frontier_loss",
    "frontier",
    "frontier_loss",
    "optimal_allocation",
    "optimal_flops_for_params",
    "optimal_flops_for_tokens",
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
        raise InvalidInputError(argument, f"unknown fit {quote(name)}; accepted: {accepted}") from e


def frontier(fit: Fit) -> tuple[float, float, list[Step]]:
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
    k, a, _ = frontier(_fit(fit))
    n = k * flops**a
    return n, flops / (6.0 * n)


def optimal_flops_for_params(params: float, fit: str = DEFAULT_FIT) -> float:
    """The budget C whose compute-optimal model has `params` parameters: C = (N/k)^(1/a)."""
    k, a, _ = frontier(_fit(fit))
    return (params / k) ** (1.0 / a)


def optimal_flops_for_tokens(tokens: float, fit: str = DEFAULT_FIT) -> float:
    """The budget C whose compute-optimal run sees `tokens` tokens: D = C^(1−a)/(6k)."""
    k, a, _ = frontier(_fit(fit))
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
            f"{quote(fit)} has no loss function; use one of "
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
