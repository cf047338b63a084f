"""Digit-typo detection: does a claimed figure read like the reference with one digit wrong?

A figure copied by hand drops, doubles or swaps a digit (the seed's 3.114e23 FLOPs for
GPT-3's 3.14e23, Brown et al. 2020 Table D.1). `is_digit_typo` recognises one inserted,
dropped or transposed digit against the reference written to 2–6 significant digits; a
changed digit is rounding, not a typo. check_claim (`flopcast.claims.flops`) uses it to
name the "digit_typo" cause.
"""

from __future__ import annotations

__all__ = ["is_digit_typo"]


def _digits(x: float, sig: int) -> str:
    mantissa = f"{abs(x):.{sig - 1}e}".split("e")[0].replace(".", "")
    return mantissa.rstrip("0") or "0"


def _one_edit(a: str, b: str) -> bool:
    """One inserted, dropped or transposed digit (not a changed one: that is rounding)."""
    if len(a) == len(b) + 1:
        return any(a[:i] + a[i + 1:] == b for i in range(len(a)))
    if len(b) == len(a) + 1:
        return _one_edit(b, a)
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and \
            a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    return False


def is_digit_typo(claimed: float, reference: float) -> bool:
    """True when `claimed` reads like `reference` with a digit inserted, dropped or swapped.

    Only for figures written with ≥ 3 significant digits and within 2× of each other;
    a figure that equals the reference rounded is not a typo.

    >>> is_digit_typo(3.114e23, 3.14e23)
    True
    >>> is_digit_typo(3.15e23, 3.1428e23)
    False
    """
    if not 0.5 <= claimed / reference <= 2:
        return False
    c = _digits(claimed, 12)
    if len(c) < 3:
        return False
    refs = [_digits(reference, k) for k in range(2, 7)]
    if c in refs:
        return False
    return any(len(r) >= 3 and _one_edit(c, r) for r in refs)
