"""What plan_compute_optimal is asked: a budget, a size N, a token count D, or a run.

Any two of C, N, D fix the third through C = 6·N·D, the constraint under which Hoffmann et
al. 2022 (arXiv:2203.15556) write their efficient frontier N_opt = k·C^a (Eq. 4; (k, a) from
`flopcast.planning.laws.frontier`). One alone is placed on that frontier by inverting it::

    N alone:  C = (N / k)^(1/a)
    D alone:  C = (6 · k · D)^(1/(1−a))        (D_opt = C / (6·k·C^a) = C^(1−a) / (6·k))
"""

from __future__ import annotations

from typing import Literal

from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.results import Step, make_step

__all__ = ["Mode", "place_on_frontier"]

Mode = Literal["budget", "params", "tokens", "run"]


def place_on_frontier(
    budget: float | None,
    n_given: float | None,
    d_given: float | None,
    k: float,
    a: float,
    steps: list[Step],
) -> tuple[Mode, float, float | None, float | None]:
    """(mode, C, N, D) from what was given, with the steps that derive the missing figure.

    `k` and `a` are the frontier's N_opt = k·C^a. In run mode N and D are the run's; otherwise
    they are returned as given (None for the ones not given).

    Raises:
        InvalidInputError: none of C, N, D was given, or all three were.
    """
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

    mode: Mode
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
    return mode, budget, n_given, d_given
