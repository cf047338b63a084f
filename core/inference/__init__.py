"""Serving (estimate_inference).

estimate (the tool) with roofline (forward FLOPs per token, compute and memory roofs per
phase) and shape.
"""
