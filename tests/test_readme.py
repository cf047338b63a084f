"""The README's tables are generated from the code; this test fails when they drift.

Regenerate with:  .venv/bin/python tests/test_readme.py --write
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _fmt(x: float | None, digits: int = 3) -> str:
    from flopcast.numbers.quantities import format_number

    return "—" if x is None else format_number(x, digits)


def hardware_table() -> str:
    from flopcast.catalog.hardware import hardware_catalog
    from flopcast.catalog.prices import select_quote

    lines = [
        "| id | name | kind | BF16 dense TFLOP/s | FP32 TFLOP/s | memory GB | GB/s | TDP W | "
        "default $/h |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for hw in hardware_catalog():
        bf16 = fp32 = None
        if "bf16" in hw.precisions():
            bf16 = hw.peak("bf16").flops_per_s / 1e12
        if "fp32" in hw.precisions():
            fp32 = hw.peak("fp32").flops_per_s / 1e12
        price = "—"
        found = select_quote(hw.id).quote
        if found is not None:
            price = f"{_fmt(found.usd_per_device_hour)} ({found.provider}, {found.date})"
        lines.append(
            f"| `{hw.id}` | {hw.name} | {hw.kind} | {_fmt(bf16)} | {_fmt(fp32)} | "
            f"{_fmt(hw.memory_gb)} | {_fmt(hw.memory_bandwidth_gb_s)} | {_fmt(hw.tdp_watts)} | "
            f"{price} |"
        )
    return "\n".join(lines)


def prices_table() -> str:
    from flopcast.catalog.device import exact_number
    from flopcast.catalog.prices import quotes_for, select_quote

    lines = ["| device | provider | instance | GPUs | printed $/h | kind | date | $/device-h |",
             "|---|---|---|---:|---:|---|---|---:|"]
    for hw_id in _priced_ids():
        default = select_quote(hw_id).quote
        for q in sorted(quotes_for(hw_id), key=lambda q: (q.date, q.provider)):
            mark = " **(default)**" if q == default else ""
            lines.append(
                f"| `{hw_id}` | {q.provider} | {q.instance} | {q.devices_per_instance} | "
                f"{exact_number(q.usd_per_hour)} per {q.per} | {q.kind} | {q.date} | "
                f"{_fmt(q.usd_per_device_hour, 4)}{mark} |")
    return "\n".join(lines)


def _priced_ids() -> list[str]:
    from flopcast.catalog.hardware import hardware_catalog
    from flopcast.catalog.prices import quotes_for

    return [hw.id for hw in hardware_catalog() if quotes_for(hw.id)]


def unverified_list() -> str:
    from flopcast.catalog.hardware import unverified_figures

    rows: dict[str, list[str]] = {}
    for hw_id, field in unverified_figures():
        rows.setdefault(hw_id, []).append(field)
    if not rows:
        return "_None._"
    return "\n".join(f"- `{k}`: {', '.join(v)}" for k, v in rows.items())


def models_table() -> str:
    from flopcast.catalog.models import model_catalog
    from flopcast.numbers.quantities import format_sci

    lines = [
        "| id | params | active | tokens | layers | d_model | published FLOPs | 6·N·D |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in model_catalog():
        six_nd = 6 * m.effective_params * m.tokens if m.tokens else None
        lines.append(
            f"| `{m.id}` | {format_sci(m.params)} | "
            f"{format_sci(m.active_params) if m.active_params else '—'} | "
            f"{format_sci(m.tokens) if m.tokens else '—'} | {m.layers} | {m.d_model} | "
            f"{format_sci(m.published_flops) if m.published_flops else '—'} | "
            f"{format_sci(six_nd) if six_nd else '—'} |"
        )
    return "\n".join(lines)


def configs_table() -> str:
    from flopcast.catalog.hf_config import read_config
    from flopcast.memory.kv import kv_cache_values
    from flopcast.numbers.quantities import format_count

    folder = Path(__file__).resolve().parent / "data" / "hf_configs"
    lines = [
        "| config (tests/data/hf_configs) | model_type | attention | params | active per token "
        "| KV bytes/token, bf16, 32k context |",
        "|---|---|---|---:|---:|---:|",
    ]
    for path in sorted(folder.glob("*.json")):
        a, _ = read_config(str(path))
        kind = a.attention.upper()
        if a.local_layers:
            kind += f", {a.local_layers}/{a.layers} local ({a.sliding_window})"
        active = format_count(a.active_params) if a.is_moe else "—"
        kv = kv_cache_values(a.layers, a.kv_values_per_token_layer, 32768, a.local_layers,
                             a.sliding_window) * 2 / 32768
        lines.append(f"| `{path.stem}` | {a.model_type} | {kind} | {format_count(a.total_params)}"
                     f" | {active} | {kv:,.0f} |")
    return "\n".join(lines)


def seed_table() -> str:
    from flopcast.catalog.hardware import get_hardware
    from flopcast.claims.check import check_claim
    from flopcast.numbers.quantities import SECONDS_PER_DAY, format_number, format_sci
    from flopcast.training.cost import energy_kwh
    from flopcast.training.estimate import device_hours, estimate_training

    two_v100 = estimate_training(flops=3.14e23, hardware="v100 pcie", count=2,
                                 precision="fp32", mfu=1.0)
    two_v100_seed = estimate_training(flops=3.114e23, hardware="v100 pcie", count=2,
                                      precision="fp32", mfu=1.0)
    one_v100 = estimate_training(flops=3.14e23, hardware="v100 pcie", count=1,
                                 precision="fp32", mfu=1.0)
    megatron = estimate_training(params=175e9, tokens=300e9, hardware="a100 sxm", count=1024,
                                 achieved_tflops=140, recompute="full")
    lam = estimate_training(flops=3.14e23, hardware="v100", count=1, achieved_tflops=28,
                            price_per_device_hour=1.5)
    a100_hw = get_hardware("a100 sxm")
    gpt3 = dict(model="gpt-3-175b")
    a100_run = dict(gpt3, hardware="a100", count=1024)
    rows = [
        ("GPT-3 compute 3.114 × 10^23",
         f"6 × 175e9 × 300e9 = {format_sci(6 * 175e9 * 300e9)}; Table D.1 prints 3.14 × 10^23 "
         "(from 174.6B params)", check_claim(flops="3.114e23", **gpt3)),
        ("355 years on a two-V100 server (28 TFLOPS)",
         f"{format_number(two_v100.years)} years with 3.14e23 "
         f"({format_number(two_v100_seed.years)} with 3.114e23): 100% of 2 × 14 TFLOP/s FP32",
         check_claim(hardware="v100 pcie", count=2, years=355, precision="fp32", **gpt3)),
        ("single V100 ~700 years",
         f"{format_number(one_v100.years)} years at 100% of the FP32 peak",
         check_claim(hardware="v100 pcie", count=1, years=700, precision="fp32", **gpt3)),
        ("1024 A100, 34 days",
         f"{format_number(megatron.days)} days: Megatron-LM's 8·T·P/(n·X), X = 140 TFLOP/s "
         "achieved, with recomputation", check_claim(days=34, achieved_tflops=140, **a100_run)),
        ("835,584 GPU-hours",
         f"{format_number(device_hours(1024, 34 * SECONDS_PER_DAY))} = 1024 × 34 days × 24 h",
         check_claim(days=34, device_hours=835_584, **a100_run)),
        ("A100 peak 19.5 TFLOPS",
         f"FP32 {format_number(a100_hw.peak('fp32').flops_per_s / 1e12)} vs BF16 tensor "
         f"{format_number(a100_hw.peak('bf16').flops_per_s / 1e12)} TFLOP/s",
         check_claim(hardware="a100", peak_tflops=19.5)),
        ("$4.6M", f"${format_number(lam.cost_usd / 1e6)}M: 355 V100-years at $1.50/h (Lambda)",
         check_claim(hardware="v100", count=1, years=355, cost_usd=4.6e6, year=2020, **gpt3)),
        ("284,000 kWh",
         f"{format_number(energy_kwh(835_584, 400, 1.0))} kWh at 400 W before PUE; "
         "Patterson et al. 2021 measured 1,287 MWh",
         check_claim(days=34, energy_kwh=284_000, **a100_run)),
    ]
    lines = ["| seed says | flopcast computes | check_claim |", "|---|---|---|"]
    for said, computed, check in rows:
        causes = ", ".join(
            f"{f.figure}: {f.verdict}" + (f" ({f.cause})" if f.cause else "")
            for f in check.figures
            if f.verdict != "unchecked" or f.figure == "cost_usd"
        )
        lines.append(f"| {said} | {computed} | **{check.verdict}** — {causes} |")
    return "\n".join(lines)


def planning_table() -> str:
    from flopcast.inference.estimate import estimate_inference
    from flopcast.memory.estimate import estimate_memory
    from flopcast.numbers.quantities import format_bytes, format_count, format_number, format_usd
    from flopcast.planning.optimal import plan_compute_optimal

    budget = plan_compute_optimal(flops=1e24)
    run = plan_compute_optimal(params="1B", tokens="1T")
    ft = estimate_memory(model="llama-2-7b", hardware="a100 sxm")
    ft8 = estimate_memory(model="llama-2-7b", hardware="a100 sxm", zero_stage=3,
                          data_parallel=8)
    kv = estimate_memory(model="llama-2-70b", mode="inference", context=32768, batch=8)
    bf16 = estimate_inference(model="llama-2-70b", hardware="h100 sxm")
    int4 = estimate_inference(model="llama-2-70b", hardware="h100 sxm", precision="int4")
    h200 = estimate_inference(model="llama-2-70b", hardware="h200", price_per_device_hour=3.5)
    rows = [
        ("I have 1e24 FLOPs: what size? (`plan_compute_optimal`, approach 1)",
         f"{format_count(budget.params)} params, {format_count(budget.tokens)} tokens"),
        ("Is 1B on 1T tokens compute-optimal?",
         f"{format_number(run.tokens_per_param_vs_optimal or 0)}× the optimal tokens per "
         f"parameter; an optimal model reaches the same loss with "
         f"{format_number(run.compute_ratio or 0)}× less compute"),
        ("Full fine-tune of Llama 2 7B on one 80 GB A100? (`estimate_memory`)",
         f"{format_bytes(ft.total_bytes_per_device)} per device: fits = {ft.fits}; "
         f"ZeRO-3 on 8: {format_bytes(ft8.total_bytes_per_device)}, fits = {ft8.fits}"),
        ("KV cache of Llama 2 70B at 32k context, batch 8",
         f"{format_bytes(kv.kv_cache_bytes)} ({format_number(kv.kv_cache_bytes_per_token)} "
         "bytes per token)"),
        ("Decode tokens/s of a 70B model on one H100 (`estimate_inference`)",
         f"bf16 ≤ {format_number(bf16.decode_tokens_per_s)} ({bf16.decode_bound}-bound, fits = "
         f"{bf16.fits_memory}); int4 ≤ {format_number(int4.decode_tokens_per_s)}"),
        ("Cost of 1M generated tokens of a 70B model on H200 at $3.50/h (batch 1)",
         format_usd(h200.cost_usd_per_million_tokens)),
    ]
    lines = ["| question | flopcast |", "|---|---|"]
    lines += [f"| {q} | {a} |" for q, a in rows]
    return "\n".join(lines)


def _cluster_tables():
    sys.path.insert(0, str(Path(__file__).parent / "core" / "cluster"))
    import published
    import table1

    return table1, published


def cluster_calibration_table() -> str:
    from flopcast.cluster.plan import plan_cluster_training

    table1, _ = _cluster_tables()
    lines = ["| params | TP | PP | VP | GPUs | batch | micro-batch | measured TFLOP/s | "
             "predicted | error | MFU (predicted) |", "|---:|---:|---:|---:|---:|---:|---:|---:|"
             "---:|---:|---:|"]
    errs = []
    for P, a, h, l_, t, p, n, B, X, b, v in table1.TABLE1:
        r = plan_cluster_training(
            params=table1.eq2_params(l_, h), layers=l_, d_model=h, heads=a, vocab=51200,
            seq_len=2048, count=n, system="dgx-a100", precision="fp16", tensor_parallel=t,
            pipeline_parallel=p, virtual_stages=v, micro_batch=b, global_batch=B,
            recompute="full", sequence_parallel=False, zero_stage=0, flash_attention=False)
        e = r.hardware_tflops_per_device / X - 1
        errs.append(abs(e))
        lines.append(f"| {P}B | {t} | {p} | {v} | {n} | {B} | {b} | {X} | "
                     f"{r.hardware_tflops_per_device:.1f} | {e:+.1%} | {r.mfu:.1%} |")
    lines.append(f"\nMean absolute error {sum(errs) / len(errs):.1%}, largest {max(errs):.1%}.")
    return "\n".join(lines)


def cluster_validation_table() -> str:
    _, published = _cluster_tables()
    lines = ["| run | measured | tokens/s/device measured | predicted | error | flat 40% MFU "
             "| error | not published (searched) |", "|---|---|---:|---:|---:|---:|---:|---|"]
    groups: dict[str, list[tuple[float, float]]] = {}
    for run in published.RUNS:
        pred = published.predict(run)
        flat = published.flat_default_tokens_per_s(run)
        m = run.tokens_per_s_per_device
        groups.setdefault(run.group, []).append((pred / m - 1, flat / m - 1))
        lines.append(f"| {run.id} | {run.measured} | {m:,.1f} | {pred:,.1f} | "
                     f"{pred / m - 1:+.0%} | {flat:,.1f} | {flat / m - 1:+.0%} | "
                     f"{', '.join(run.unknown) or '—'} |")
    lines += ["", "| set | runs | cluster model: mean abs error | largest | flat 40% MFU: mean "
              "abs error | largest |", "|---|---:|---:|---:|---:|---:|"]
    every: list[tuple[float, float]] = []
    for group, errs in groups.items():
        every += errs
        lines.append(_error_row(group, errs))
    lines.append(_error_row("**all validation runs**", every))
    return "\n".join(lines)


def _error_row(name: str, errs: list[tuple[float, float]]) -> str:
    model = [abs(e[0]) for e in errs]
    flat = [abs(e[1]) for e in errs]
    return (f"| {name} | {len(errs)} | {sum(model) / len(model):.0%} | {max(model):.0%} | "
            f"{sum(flat) / len(flat):.0%} | {max(flat):.0%} |")


SECTIONS: dict[str, Callable[[], str]] = {
    "planning": planning_table,
    "hardware": hardware_table,
    "unverified": unverified_list,
    "models": models_table,
    "configs": configs_table,
    "prices": prices_table,
    "seed": seed_table,
    "cluster-calibration": cluster_calibration_table,
    "cluster-validation": cluster_validation_table,
    "context": lambda: context_table(),
}


def context_table() -> str:
    """benchmarks/bench_context.py's tables (o200k tokens of definitions and answers)."""
    import importlib.util

    path = README.parent / "benchmarks" / "bench_context.py"
    spec = importlib.util.spec_from_file_location("flopcast_bench_context_readme", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.table(*module.measure())


def render(text: str) -> str:
    for name, make in SECTIONS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN generated:{name} -->\n).*?(\n<!-- END generated:{name} -->)", re.S
        )
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), text)
    return text


def test_readme_generated_sections_are_current():
    text = README.read_text(encoding="utf-8")
    for name in SECTIONS:
        assert f"<!-- BEGIN generated:{name} -->" in text, name
    assert render(text) == text, "README is stale: run `python tests/test_readme.py --write`"


if __name__ == "__main__":
    if "--write" in sys.argv:
        README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(render(README.read_text(encoding="utf-8")))


def _shown(value: object, expected: str) -> str:
    """`value` printed the way the README's comment prints it."""
    if isinstance(value, float):
        decimals = len(expected.split(".")[1]) if "." in expected else 0
        return f"{value:{',' if ',' in expected else ''}.{decimals}f}"
    return repr(value)


def _checked_source(block: str) -> str:
    """Turn `expr  # expected` (or `expr` then a `# expected` line) into a checked call."""
    lines = block.splitlines()
    out = []
    for i, line in enumerate(lines):
        code, sep, comment = line.partition("  # ")
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if not sep and nxt.startswith("# "):
            code, comment = line, nxt[2:]
        top = code.split("(")[0]
        is_expression = (code and not code[0].isspace() and "=" not in top
                         and not code.startswith(("import ", "from ", "print(", "#")))
        if is_expression and comment and not comment.startswith("Markdown"):
            out.append(f"_check({code.strip()}, {comment.strip()!r})")
        else:
            out.append(line)
    return "\n".join(out)


def test_readme_python_examples_run_and_print_what_they_say():
    """Every ```python block runs; `expr  # expected` lines must show what they say."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks
    checked = []

    def _check(value: object, expected: str) -> None:
        assert _shown(value, expected) == expected, (value, expected)
        checked.append(expected)

    for block in blocks:
        exec(_checked_source(block), {"_check": _check, "print": lambda *a, **k: None})
    assert len(checked) >= 4
