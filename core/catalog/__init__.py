"""The catalogs and their data.

hardware (list_hardware) with spec, device (peaks), lookup (load, resolve) and microarch
(GPU micro-architectures); models (list_models); data/*.toml, every figure with a source.
"""
