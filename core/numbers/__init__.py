"""Numbers in and out.

quantities (parsing "175B", "3.14e23 FLOPs", "1750亿"), units (the SI convention and
time constants), formatting (en/zh), results (Step, Assumption, Result), validation,
errors, limits (the range of every argument, with reasons).
"""
