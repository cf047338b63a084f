"""Narayanan et al. 2021 (arXiv:2104.04473) Table 1, with micro-batch sizes and virtual stages
from NVIDIA/Megatron-LM examples/sc21/run_table_1.sh (the script that reproduces Table 1)."""

# params(B), heads, hidden, layers, TP, PP, GPUs, batch, TFLOP/s per GPU, micro-batch, VP
TABLE1 = [
    (1.7, 24, 2304, 24, 1, 1, 32, 512, 137, 16, 1),
    (3.6, 32, 3072, 30, 2, 1, 64, 512, 138, 16, 1),
    (7.5, 32, 4096, 36, 4, 1, 128, 512, 142, 16, 1),
    (18.4, 48, 6144, 40, 8, 1, 256, 1024, 135, 8, 1),
    (39.1, 64, 8192, 48, 8, 2, 512, 1536, 138, 4, 1),
    (76.1, 80, 10240, 60, 8, 4, 1024, 1792, 140, 2, 3),
    (145.6, 96, 12288, 80, 8, 8, 1536, 2304, 148, 2, 2),
    (310.1, 128, 16384, 96, 8, 16, 1920, 2160, 155, 1, 2),
    (529.6, 128, 20480, 105, 8, 35, 2520, 2520, 163, 1, 3),
    (1008.0, 160, 25600, 128, 8, 64, 3072, 3072, 163, 1, 1),
]


def eq2_params(layers: int, h: int, vocab: int = 51200, s: int = 2048) -> float:
    """Narayanan et al. 2021 Eq. 2: P = 12·l·h²·(1 + 13/(12h) + (V + s)/(12·l·h))."""
    return 12 * layers * h**2 * (1 + 13 / (12 * h) + (vocab + s) / (12 * layers * h))


def eq3_flops(batch: int, layers: int, h: int, vocab: int = 51200, s: int = 2048) -> float:
    """Narayanan et al. 2021 Eq. 3: F = 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h))."""
    return 96 * batch * s * layers * h**2 * (1 + s / (6 * h) + vocab / (16 * layers * h))
