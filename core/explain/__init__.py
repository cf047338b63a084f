"""Explanations with worked figures (explain_flops).

flops (the tool) with compute, context, peaks and utilization (one module per topic group).
"""
