"""Training time, utilization, cost, energy and CO2.

estimate (estimate_training) with duration (time, device-hours, deadline), utilization (peak,
MFU), cost (price, energy, CO2) and summary; compare (compare_gpus).
"""
