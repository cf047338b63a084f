"""Compute-optimal planning (plan_compute_optimal).

optimal (the tool) with laws (scaling-law fits), budget (FLOPs from hardware time or
dollars) and modes (budget, params, tokens or a run placed on the frontier).
"""
