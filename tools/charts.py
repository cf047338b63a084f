"""Charts of tool results (optional extra `flopcast[charts]`: matplotlib).

>>> from flopcast import compare_gpus                          # doctest: +SKIP
>>> from flopcast.tools.charts import chart, save_chart         # doctest: +SKIP
>>> fig = chart("compare_gpus", compare_gpus(params="13B", tokens="1T"))   # doctest: +SKIP
>>> save_chart("compare_gpus", result, "gpus.svg")              # doctest: +SKIP

One chart per tool that has one (`ToolSpec.chart`):

- compare_gpus: training days and cost (USD) per device type, in the result's ranking;
- plan_compute_optimal: predicted loss along the iso-FLOP curve (C = 6·N·D fixed, N varied),
  the chosen point and the other fits' optimal points;
- estimate_memory: bytes per device stacked by kind (weights, gradients, optimizer,
  activations, KV cache) against the device's memory;
- plan_cluster_training: seconds per step of each returned layout (the chosen one at the top),
  stacked by the parts the result lists (`breakdown_seconds`), so a part added to the result
  appears without a change here.

Charts only draw what the result holds; the one curve (loss along the iso-FLOP line) is
evaluated with the core's own `chinchilla_loss`, so no formula is written twice.

Deterministic bytes: the Agg backend, a fixed style (no rc files read), fixed metadata (no
creation date, no software version), SVG ids from a fixed hash salt. Labels carry units and
follow the result's language; Chinese labels need a CJK font (Debian `fonts-noto-cjk`): without
one, a zh chart falls back to English labels rather than draw empty boxes.

matplotlib is imported when a chart is asked for, never on `import flopcast` or
`import flopcast.tools`.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from flopcast.numbers.results import Result
from flopcast.tools._errors import MissingDependencyError

__all__ = ["CHART_TOOLS", "chart", "chart_png", "has_cjk_font", "save_chart"]

#: Tools that draw a chart.
CHART_TOOLS = ("compare_gpus", "plan_compute_optimal", "estimate_memory", "plan_cluster_training")

#: 800 px wide at 100 dpi: readable in a chat, small as PNG.
_SIZE_INCHES = (8.0, 4.8)
_DPI = 100
#: Fonts tried for Chinese labels, in order (Debian fonts-noto-cjk installs the first ones).
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei",
              "Source Han Sans SC", "SimHei", "Microsoft YaHei")

_TEXT = {
    "en": {
        "days": "training time (days)",
        "cost": "cost (million USD)",
        "gpus": "Training time and cost per device type",
        "count": "{n} devices",
        "iso": "Predicted loss along the iso-FLOP curve, C = {c} FLOPs",
        "params": "parameters N (log scale)",
        "loss": "predicted loss (nats/token)",
        "curve": "C = 6·N·D fixed",
        "chosen": "chosen: N = {n}, D = {d}",
        "alt": "other fits' optimum",
        "memory": "Memory per device ({mode})",
        "gb": "GB per device (1 GB = 10^9 bytes)",
        "capacity": "device memory {gb:g} GB",
        "weights": "weights", "gradients": "gradients", "optimizer": "optimizer state",
        "activations": "activations", "kv_cache": "KV cache",
        "training": "training", "inference": "inference",
        "step": "Step time by part: {model} on {count} × {hardware} ({system})",
        "shape": "model given by shape",
        "seconds": "seconds per step (s)",
        "chosen_layout": "(chosen)",
        "total": "{s} s",
        "compute": "compute", "bubble": "pipeline bubble", "optimizer_step": "optimizer step",
        "comm": "{kind} communication (exposed)",
    },
    "zh": {
        "days": "训练时间（天）",
        "cost": "费用（百万美元）",
        "gpus": "各类硬件的训练时间与费用",
        "count": "{n} 块",
        "iso": "等算力曲线上的预测损失，C = {c} FLOPs",
        "params": "参数量 N（对数坐标）",
        "loss": "预测损失（nats/token）",
        "curve": "C = 6·N·D 固定",
        "chosen": "所选：N = {n}，D = {d}",
        "alt": "其他拟合的最优点",
        "memory": "每卡显存（{mode}）",
        "gb": "每卡 GB（1 GB = 10^9 字节）",
        "capacity": "显存 {gb:g} GB",
        "weights": "权重", "gradients": "梯度", "optimizer": "优化器状态",
        "activations": "激活", "kv_cache": "KV 缓存",
        "training": "训练", "inference": "推理",
        "step": "每步时间构成：{model}，{count} × {hardware}（{system}）",
        "shape": "按结构给出的模型",
        "seconds": "每步时间（秒）",
        "chosen_layout": "（所选）",
        "total": "{s} 秒",
        "compute": "计算", "bubble": "流水线气泡", "optimizer_step": "优化器更新",
        "comm": "{kind} 通信（未被掩盖）",
    },
}


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as e:
        raise MissingDependencyError("matplotlib", "charts") from e
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def has_cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None."""
    _matplotlib()
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


def _style(language: str) -> tuple[dict[str, Any], str]:
    """rc settings for a chart and the label language actually used."""
    rc: dict[str, Any] = {
        "svg.hashsalt": "flopcast", "svg.fonttype": "path", "font.size": 10,
        "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": _DPI,
    }
    if language == "zh":
        font = has_cjk_font()
        if font is None:
            return rc, "en"  # documented fallback: English labels, never empty boxes
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
        rc["axes.unicode_minus"] = False
    return rc, language


def _fmt(value: float) -> str:
    from flopcast.numbers.quantities import format_number

    return format_number(value, 3)


def _compare(plt: Any, result: Any, t: dict[str, str]) -> Any:
    rows = list(result.rows)
    names = [r.name for r in rows][::-1]
    fig, (left, right) = plt.subplots(1, 2, figsize=(_SIZE_INCHES[0], max(3.0, 0.32 * len(rows)
                                                                         + 1.2)), sharey=True)
    days = [r.days for r in rows][::-1]
    # No price in the catalog: no bar and "—", never a bar of 0.
    cost = [math.nan if r.cost_usd is None else r.cost_usd / 1e6 for r in rows][::-1]
    left.barh(names, days, color="#4c72b0", label=t["days"])
    right.barh(names, cost, color="#dd8452", label=t["cost"])
    left.set_xlabel(t["days"])
    right.set_xlabel(t["cost"])
    for axis, values in ((left, days), (right, cost)):
        for y, value in enumerate(values):
            known = not math.isnan(value)
            axis.annotate(_fmt(value) if known else "—", (value if known else 0.0, y),
                          xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    left.tick_params(axis="y", labelsize=8)
    fig.suptitle(t["gpus"])
    return fig


def _plan(plt: Any, result: Any, t: dict[str, str]) -> Any:
    from flopcast.planning.laws import chinchilla_loss

    c = result.flops
    n_opt = result.optimal_params
    grid = [n_opt * 10 ** (k / 20) for k in range(-30, 31)]  # 1/30 to 30 × the optimum
    losses = [chinchilla_loss(n, c / (6 * n), result.loss_fit) for n in grid]
    fig, axis = plt.subplots(figsize=_SIZE_INCHES)
    axis.plot(grid, losses, color="#4c72b0", label=t["curve"])
    axis.set_xscale("log")
    axis.scatter([result.params], [result.loss], color="#c44e52", zorder=4, s=60,
                 label=t["chosen"].format(n=_fmt(result.params), d=_fmt(result.tokens)))
    alts = [a for a in result.alternatives if a.fit != result.fit]
    if alts:
        axis.scatter([a.params for a in alts],
                     [chinchilla_loss(a.params, a.tokens, result.loss_fit) for a in alts],
                     marker="s", color="#55a868", zorder=3, label=t["alt"])
        for a in alts:
            axis.annotate(a.fit, (a.params, chinchilla_loss(a.params, a.tokens, result.loss_fit)),
                          xytext=(4, 4), textcoords="offset points", fontsize=7)
    axis.set_xlabel(t["params"])
    axis.set_ylabel(t["loss"])
    axis.set_title(t["iso"].format(c=_fmt(c)))
    axis.legend(fontsize=8)
    return fig


_MEMORY_KINDS = (("weights", "weights_bytes", "#4c72b0"),
                 ("gradients", "gradients_bytes", "#dd8452"),
                 ("optimizer", "optimizer_bytes", "#55a868"),
                 ("activations", "activations_bytes", "#c44e52"),
                 ("kv_cache", "kv_cache_bytes", "#8172b3"))


def _memory(plt: Any, result: Any, t: dict[str, str]) -> Any:
    fig, axis = plt.subplots(figsize=(_SIZE_INCHES[0], 2.8))
    left = 0.0
    for kind, field, color in _MEMORY_KINDS:
        gb = getattr(result, field) / 1e9
        if gb <= 0:
            continue
        axis.barh([0], [gb], left=[left], color=color, label=f"{t[kind]} {_fmt(gb)} GB")
        left += gb
    if result.device_memory_bytes:
        capacity = result.device_memory_bytes / 1e9
        axis.axvline(capacity, color="black", linestyle="--",
                     label=t["capacity"].format(gb=round(capacity, 1)))
    axis.set_yticks([])
    axis.set_xlabel(t["gb"])
    axis.set_title(t["memory"].format(mode=t[result.mode]))
    axis.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3)
    fig.subplots_adjust(bottom=0.42, top=0.88)
    return fig


#: Colours of the step's parts; a part the palette does not name takes the next spare one.
_PART_COLORS = {"compute": "#4c72b0", "tp_comm": "#dd8452", "cp_comm": "#937860",
                "pp_comm": "#8172b3", "dp_comm": "#55a868", "bubble": "#c44e52",
                "optimizer": "#da8bc3"}
_SPARE_COLORS = ("#ccb974", "#64b5cd", "#8c8c8c", "#4c4c4c")


def _part_name(key: str, t: dict[str, str]) -> str:
    """`tp_comm` → "TP communication (exposed)"; any `<kind>_comm` the result adds reads the
    same way; other keys use their own words, or the key itself."""
    if key.endswith("_comm"):
        return t["comm"].format(kind=key[: -len("_comm")].upper())
    return t.get({"optimizer": "optimizer_step"}.get(key, key), key)


def _layout_name(label: str, language: str) -> str:
    """A row label on two lines: degrees, then micro-batch, ZeRO and recompute."""
    if language == "zh":
        from flopcast.cluster.explain import label_zh

        label = label_zh(label)
    head, sep, tail = label.partition(" · 微批" if language == "zh" else " · micro-batch")
    return head + ("\n" + sep.lstrip(" ·").strip() + tail if sep else "")


def _cluster(plt: Any, result: Any, t: dict[str, str]) -> Any:
    rows = list(result.ranked)
    parts: list[str] = []
    for row in rows:  # the parts in the result's order; a part that is zero everywhere is left out
        parts += [k for k, v in row.breakdown_seconds.items() if v > 0 and k not in parts]
    spare = iter(_SPARE_COLORS * len(parts))
    colors = {k: _PART_COLORS.get(k) or next(spare) for k in parts}
    fig, axis = plt.subplots(figsize=(_SIZE_INCHES[0], max(3.2, 0.62 * len(rows) + 1.9)))
    y = list(range(len(rows)))[::-1]  # the chosen layout at the top
    left = [0.0] * len(rows)
    for key in parts:
        widths = [row.breakdown_seconds.get(key, 0.0) for row in rows]
        axis.barh(y, widths, left=left, color=colors[key], label=_part_name(key, t), height=0.6)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for yi, row in zip(y, rows, strict=True):
        axis.annotate(t["total"].format(s=_fmt(row.step_seconds)), (row.step_seconds, yi),
                      xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    names = [_layout_name(row.label, t["language"]) for row in rows]
    names[0] += " " + t["chosen_layout"]
    axis.set_yticks(y, names, fontsize=7)
    axis.set_xlabel(t["seconds"])
    axis.margins(x=0.12)
    fig.suptitle(t["step"].format(model=result.model or t["shape"], count=result.count,
                                  hardware=result.hardware, system=result.system), fontsize=10)
    # Laid out by hand (not tight_layout): the legend in the figure, under the axis.
    height = fig.get_figheight()
    legend_rows = -(-len(parts) // 3)
    handles, labels = axis.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, ncol=3, frameon=False, loc="lower center",
               bbox_to_anchor=(0.5, 0.02))
    fig.subplots_adjust(left=0.36, right=0.95, top=1 - 0.45 / height,
                        bottom=(0.6 + 0.2 * legend_rows) / height)
    return fig


#: Charts that place their own legend (tight_layout would ignore it).
_LAID_OUT = ("estimate_memory", "plan_cluster_training")
_DRAW = {"compare_gpus": _compare, "plan_compute_optimal": _plan, "estimate_memory": _memory,
         "plan_cluster_training": _cluster}


def chart(tool: str, result: Result) -> Any:
    """The matplotlib Figure for `result` of `tool` (one of `CHART_TOOLS`).

    Raises:
        ValueError: the tool has no chart.
        MissingDependencyError: matplotlib is not installed (`pip install 'flopcast[charts]'`).
    """
    if tool not in _DRAW:
        raise ValueError(f"{tool} has no chart; charts: {', '.join(CHART_TOOLS)}")
    plt = _matplotlib()
    rc, language = _style(result.language)
    with plt.rc_context(rc):
        fig = _DRAW[tool](plt, result, {**_TEXT[language], "language": language})
        fig.set_dpi(_DPI)
        if tool not in _LAID_OUT:
            fig.tight_layout()
    return fig


def _bytes(tool: str, result: Result, image_format: str) -> bytes:
    plt = _matplotlib()
    fig = chart(tool, result)
    rc, _ = _style(result.language)
    buffer = io.BytesIO()
    # No date, no software string: the same inputs give the same bytes.
    metadata = ({"Software": None} if image_format == "png"
                else {"Date": None, "Creator": None})
    with plt.rc_context(rc):
        fig.savefig(buffer, format=image_format, dpi=_DPI, metadata=metadata)
    plt.close(fig)
    return buffer.getvalue()


def chart_png(tool: str, result: Result) -> bytes:
    """The chart as PNG bytes (what the MCP server sends as an image content block)."""
    return _bytes(tool, result, "png")


def save_chart(tool: str, result: Result, path: str | Path) -> Path:
    """Write the chart to `path`, PNG or SVG by its suffix; return the path.

    Raises:
        ValueError: a suffix other than .png or .svg.
    """
    path = Path(path)
    image_format = path.suffix.lower().lstrip(".")
    if image_format not in ("png", "svg"):
        raise ValueError(f"--plot: {path.name!r} must end in .png or .svg")
    path.write_bytes(_bytes(tool, result, image_format))
    return path
