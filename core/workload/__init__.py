"""What a training run computes.

resolve (a preset or arguments → FLOPs), flops (methods, recompute), methods (per-token
counts by paper), architecture (shape and parameter count).
"""
