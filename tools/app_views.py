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

__all__ = ["APP_VIEWS", "VIEWS", "Column", "ViewConfig", "view_html"]


@dataclass(frozen=True)
class Column:
    """One column: the row field it shows, its header, and a format ("percent" for fractions)."""

    key: str
    label: str
    format: str | None = None


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


_DAYS = Column("days", "days")
_COST = Column("cost_usd", "cost (USD)")
_ENERGY = Column("energy_kwh", "energy (kWh)")
_RANKS = (Column("days", "days"), Column("cost_usd", "cost"), Column("energy_kwh", "energy"))

VIEWS: dict[str, ViewConfig] = {
    "compare_gpus": ViewConfig(
        tool="compare_gpus", title="compare accelerators", rows="rows", id="hardware",
        tie="hardware",
        columns=(Column("name", "hardware"), Column("count", "count"), _DAYS,
                 Column("device_hours", "device-hours"), _COST,
                 Column("price_provider", "price from"), _ENERGY, Column("fits_memory", "fits")),
        rank=_RANKS,
        initial={"field": "sort_by", "key": "days",
                 "map": {"days": "days", "cost": "cost_usd", "energy": "energy_kwh"}},
        status="{n} device types, ranked by {rank}",
        basis={"key": "cost_usd", "row": "price_provider", "result": "price_basis"}),
    "plan_cluster_training": ViewConfig(
        tool="plan_cluster_training", title="parallel layouts", rows="ranked", id="label",
        tie="_index",
        columns=(Column("label", "layout"), Column("tensor_parallel", "TP"),
                 Column("pipeline_parallel", "PP"), Column("data_parallel", "DP"),
                 Column("context_parallel", "CP"), Column("expert_parallel", "EP"),
                 Column("step_seconds", "step (s)"),
                 Column("mfu", "MFU", "percent"), Column("tokens_per_s", "tokens/s"), _DAYS,
                 _COST, _ENERGY, Column("memory_gb_per_device", "GB/device")),
        rank=(Column("step_seconds", "step time"), *_RANKS),
        initial={"key": "step_seconds"},
        status="{n} layouts, ranked by {rank}"),
}

#: Tool name → the `ui://` resource of its view (the tool's `_meta.ui.resourceUri`).
APP_VIEWS = {name: f"ui://flopcast/{name}.html" for name in VIEWS}


def view_html(tool: str) -> str:
    """The page for `tool`, its configuration written in (as JSON no `</` can end early)."""
    config = json.dumps(asdict(VIEWS[tool]), ensure_ascii=False).replace("</", "<\\/")
    page = (files("flopcast.tools") / "app_view.html").read_text(encoding="utf-8")
    return page.replace("__VIEW_CONFIG__", config)
