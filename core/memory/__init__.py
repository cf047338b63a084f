"""Memory per device (estimate_memory).

estimate (the tool) with states (weights, gradients, optimizer, ZeRO), activations, kv
(serving weights and KV cache) and shape.
"""
