"""MCP Apps views (io.modelcontextprotocol/ui): one page, one configuration per tool.

`app_view.html` is a self-contained page (no network, no outside scripts) that shows the rows of
a tool result as a sortable table with a bar per row and buttons that switch the ranking. Which
rows, columns and rankings it shows is the tool's `ViewConfig`, written into the page when the
server serves the tool's `ui://` resource; the page itself is the same for every tool.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib.resources import files

from flopcast.numbers.zh import FIELD_MEANINGS, LAYOUT_LABEL_WORDS, TOOL_TITLES

__all__ = ["APP_VIEWS", "VIEWS", "Column", "ViewConfig", "view_html"]


@dataclass(frozen=True)
class Column:
    """One column: the row field it shows, its header, a format ("percent" for fractions), and
    its header for a result with `language="zh"` (default: the field's meaning in
    `flopcast.numbers.zh.FIELD_MEANINGS`, the CLI's Chinese table header)."""

    key: str
    label: str
    format: str | None = None
    zh: str | None = None


@dataclass(frozen=True)
class ViewConfig:
    """What the page shows of one tool's structuredContent.

    Attributes:
        tool: the tool's name.
        title: the page title.
        rows: the result field holding the rows.
        id: the row field that identifies a row (`data-id` of its table row).
        tie: the row field that orders equal figures ("_index": the tool's own order).
        columns: the columns, left to right; every one sorts on a click of its header. A
            column no row has is left out (a field a later result may add, e.g. EP).
        rank: the ranking buttons (a column key each); the bar shows the ranking's figure.
        initial: the first ranking: `map[result[field]]` if given, else `key`.
        status: the line over the table ({n} rows, {rank} the ranking's button label).
        zh_status: the status line for a result with `language="zh"`, whose title is the
            tool's Chinese title (`flopcast.numbers.zh.TOOL_TITLES`) and whose labels are the
            columns' `zh`.
        zh_words: (English, Chinese) replacements for the text of the `id` column in a zh
            result (the layout labels' words, as the text answer and chart write them).
        basis: ranked by `basis["key"]`, rows whose `basis["row"]` field differs from the
            result's `basis["result"]` field follow the others (compare_gpus: a cost from
            another provider than the price basis is not ranked against the basis' costs).
    """

    tool: str
    title: str
    rows: str
    id: str
    tie: str
    columns: tuple[Column, ...]
    rank: tuple[Column, ...]
    initial: dict[str, object] = field(default_factory=dict)
    status: str = "{n} rows, ranked by {rank}"
    basis: dict[str, str] = field(default_factory=dict)
    zh_status: str = ""
    zh_words: tuple[tuple[str, str], ...] = ()


_DAYS = Column("days", "days")
_COST = Column("cost_usd", "cost (USD)")
_ENERGY = Column("energy_kwh", "energy (kWh)")
_RANKS = (Column("days", "days"), Column("cost_usd", "cost"), Column("energy_kwh", "energy"))

VIEWS: dict[str, ViewConfig] = {
    "compare_gpus": ViewConfig(
        tool="compare_gpus", title="compare accelerators", rows="rows", id="hardware",
        tie="hardware",
        columns=(Column("name", "hardware", zh="设备"), Column("count", "count"), _DAYS,
                 Column("device_hours", "device-hours"), _COST,
                 Column("price_provider", "price from"), _ENERGY, Column("fits_memory", "fits")),
        rank=_RANKS,
        initial={"field": "sort_by", "key": "days",
                 "map": {"days": "days", "cost": "cost_usd", "energy": "energy_kwh"}},
        status="{n} device types, ranked by {rank}",
        basis={"key": "cost_usd", "row": "price_provider", "result": "price_basis"},
        zh_status="{n} 种设备，按{rank}排序"),
    "plan_cluster_training": ViewConfig(
        tool="plan_cluster_training", title="parallel layouts", rows="ranked", id="label",
        tie="_index",
        columns=(Column("label", "layout"), Column("tensor_parallel", "TP", zh="TP"),
                 Column("pipeline_parallel", "PP", zh="PP"),
                 Column("data_parallel", "DP", zh="DP"),
                 Column("context_parallel", "CP", zh="CP"),
                 Column("expert_parallel", "EP", zh="EP"), Column("step_seconds", "step (s)"),
                 Column("mfu", "MFU", "percent", zh="MFU"), Column("tokens_per_s", "tokens/s"),
                 _DAYS, _COST, _ENERGY, Column("memory_gb_per_device", "GB/device")),
        rank=(Column("step_seconds", "step time"), *_RANKS),
        initial={"key": "step_seconds"},
        status="{n} layouts, ranked by {rank}",
        zh_status="{n} 种布局，按{rank}排序", zh_words=LAYOUT_LABEL_WORDS),
}

#: Tool name → the `ui://` resource of its view (the tool's `_meta.ui.resourceUri`).
APP_VIEWS = {name: f"ui://flopcast/{name}.html" for name in VIEWS}


def _page_config(view: ViewConfig) -> dict[str, object]:
    """The view as the page reads it, with every Chinese label filled in."""
    config = asdict(view)
    for column in (*config["columns"], *config["rank"]):
        column["zh"] = column["zh"] or FIELD_MEANINGS.get(column["key"], column["label"])
    config["zh_title"] = TOOL_TITLES.get(view.tool, view.title)
    config["zh_status"] = view.zh_status or view.status
    return config


def view_html(tool: str) -> str:
    """The page for `tool`, its configuration written in (as JSON no `</` can end early)."""
    config = json.dumps(_page_config(VIEWS[tool]), ensure_ascii=False).replace("</", "<\\/")
    page = (files("flopcast.tools") / "app_view.html").read_text(encoding="utf-8")
    return page.replace("__VIEW_CONFIG__", config)
