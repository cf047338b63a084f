"""Unit constants and the scale convention, stated once.

SI decimal prefixes everywhere: 1 TFLOP/s = 1e12 FLOP/s, 1 GB = 1e9 bytes, 1 kWh = 3.6e6 J.
Time is counted in seconds (hour, day, Julian year below); compute in FLOPs, with the
petaflop/s-day of the GPT-3 paper. Parsing (`flopcast.numbers.quantities`, which re-exports these
names) and formatting (`flopcast.numbers.formatting`) both read them from here.
"""

from __future__ import annotations

__all__ = ["FLOPS_PER_PF_DAY", "SECONDS_PER_DAY", "SECONDS_PER_HOUR", "SECONDS_PER_YEAR"]

SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0
#: Julian year (365.25 days), the year astronomers and the IAU use. Lambda's
#: "355 GPU-years" for GPT-3 divides by 365-day years (3.1536e7 s); the 0.07 %
#: difference does not change any figure at three significant digits.
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY
#: One petaflop/s-day = 1e15 FLOP/s × 86 400 s (GPT-3 paper, Table D.1 caption).
FLOPS_PER_PF_DAY = 1e15 * SECONDS_PER_DAY
