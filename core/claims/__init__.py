"""Checking a quoted claim (check_claim).

check (the tool) with base (verdicts, durations), flops, peaks, utilization, cost (price,
energy) and typos (digit typos).
"""
