"""The MCP Apps views of compare_gpus and plan_cluster_training, in a real headless browser.

The server lists each tool with `_meta.ui.resourceUri` and serves that `ui://` resource as
`text/html;profile=mcp-app` (one page, `app_view.html`, with the tool's column configuration).
A small host page (written here) plays the host the way MCP Apps hosts do: it loads the
resource into a sandboxed iframe, answers the page's `ui/initialize` over postMessage, and after
`ui/notifications/initialized` hands it the real tool result in a
`ui/notifications/tool-result`. The tests read what the page shows: the rows in the tool's
ranking, then the order after switching the ranking and after sorting a column.

Needs Debian's `chromium` and `chromium-driver` (apt-get; `.ci/run` installs them) and
selenium (dev extra); skipped with the reason when either is missing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastmcp import Client

from flopcast.tools.app_views import VIEWS
from flopcast.tools.mcp_server import APP_VIEWS, build_server

ARGUMENTS = {"params": "13B", "tokens": "1T", "count": 256, "sort_by": "days",
             "hardware": ["h100", "a100", "mi300x", "v100", "gaudi3"]}
#: A searched layout for Llama 3 70B on 512 H100s, with tokens (days, cost, energy per layout).
CLUSTER = {"model": "llama-3.1-70b", "count": 512, "system": "dgx-h100", "global_batch": 512,
           "tokens": "2T", "top": 6}

HOST = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>test host</title></head><body>
<iframe id="app" sandbox="allow-scripts" style="width:900px;height:500px"></iframe>
<script>
  const RESULT = %(result)s;
  const frame = document.getElementById("app");
  window.log = [];
  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow) return;
    const m = event.data;
    window.log.push(m.method || "response");
    if (m.method === "ui/initialize") {
      frame.contentWindow.postMessage({jsonrpc: "2.0", id: m.id, result: {
        protocolVersion: m.params.protocolVersion, hostInfo: {name: "test-host", version: "1"},
        hostCapabilities: {}, hostContext: {theme: "light"}}}, "*");
    } else if (m.method === "ui/notifications/initialized") {
      frame.contentWindow.postMessage({jsonrpc: "2.0", method: "ui/notifications/tool-result",
                                       params: RESULT}, "*");
    }
  });
  frame.srcdoc = %(html)s;
</script></body></html>
"""


async def _listed_and_called(tool: str = "compare_gpus", arguments: dict | None = None
                             ) -> tuple[dict, str, str, dict]:
    async with Client(build_server()) as client:
        tools = {t.name: t for t in await client.list_tools()}
        uri = tools[tool].meta["ui"]["resourceUri"]
        (page,) = await client.read_resource(uri)
        result = await client.call_tool(tool, arguments or ARGUMENTS)
    call_result = {"content": [{"type": "text", "text": c.text} for c in result.content],
                   "structuredContent": result.structured_content}
    return tools[tool].meta, page.mime_type, page.text, call_result


@pytest.mark.parametrize("tool", ["compare_gpus", "plan_cluster_training"])
async def test_each_view_is_linked_and_served(tool):
    meta, mime, html, _ = await _listed_and_called(
        tool, CLUSTER if tool == "plan_cluster_training" else None)
    assert meta["ui"]["resourceUri"] == APP_VIEWS[tool] == f"ui://flopcast/{tool}.html"
    assert mime == "text/html;profile=mcp-app"
    assert "ui/notifications/tool-result" in html
    assert f'"tool": "{tool}"' in html and "__VIEW_CONFIG__" not in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from elsewhere


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("no system Chromium: apt-get install chromium chromium-driver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--allow-file-access-from-files"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def _open(browser, tmp_path: Path, html: str, call_result: dict) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def script_literal(value: object) -> str:  # JSON inside <script>: no "</script>" in it
        return json.dumps(value).replace("</", "<\\/")

    host = tmp_path / "host.html"
    host.write_text(HOST % {"result": script_literal(call_result),
                            "html": script_literal(html)}, encoding="utf-8")
    browser.get(host.as_uri())
    browser.switch_to.frame(browser.find_element(By.ID, "app"))
    WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tbody tr"))


def _shown(browser) -> list[str]:
    from selenium.webdriver.common.by import By

    return [tr.get_attribute("data-id")
            for tr in browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")]


def _cells(browser, header: str) -> list[str]:
    """The text of one column (by its header), top to bottom."""
    from selenium.webdriver.common.by import By

    heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#rows thead th")]
    column = heads.index(header) + 1
    return [td.text for td in browser.find_elements(
        By.CSS_SELECTOR, f"#rows tbody tr td:nth-child({column})")]


async def test_the_view_shows_the_rows_and_reranks_them(browser, tmp_path: Path):
    from selenium.webdriver.common.by import By

    _, _, html, call_result = await _listed_and_called()
    _open(browser, tmp_path, html, call_result)

    rows = call_result["structuredContent"]["rows"]
    assert _shown(browser) == [r["hardware"] for r in rows]  # the tool's ranking (days)
    first = browser.find_element(By.CSS_SELECTOR, "#rows tbody tr td").text
    assert first == rows[0]["name"]

    basis = call_result["structuredContent"]["price_basis"]

    def by(key: str) -> list[str]:
        def off(r: dict) -> bool:  # by cost, another provider's price follows the basis rows
            return key == "cost_usd" and r["price_provider"] not in (None, basis)

        known = sorted((r for r in rows if r[key] is not None),
                       key=lambda r: (off(r), r[key], r["hardware"]))
        return [r["hardware"] for r in known] + [r["hardware"] for r in rows if r[key] is None]

    browser.find_element(By.CSS_SELECTOR, 'button[data-key="cost_usd"]').click()
    assert _shown(browser) == by("cost_usd")
    # The MI300X is priced at Vultr only, below every AWS price: it follows the AWS rows.
    assert basis == "AWS" and any(r["price_provider"] == "Vultr" for r in rows)
    providers = [p for p in _cells(browser, "price from") if p != "—"]
    assert providers.index("Vultr") > max(i for i, p in enumerate(providers) if p == "AWS")
    assert browser.find_element(By.ID, "bar-head").text == "cost (USD)"
    browser.find_element(By.CSS_SELECTOR, 'button[data-key="energy_kwh"]').click()
    assert _shown(browser) == by("energy_kwh")
    header = browser.find_element(By.CSS_SELECTOR, 'th[data-key="count"]')
    header.click()
    assert _shown(browser) == by("count")
    header.click()  # again: descending
    assert [h for h in _shown(browser)] == [r["hardware"] for r in sorted(
        rows, key=lambda r: (r["count"], r["hardware"]), reverse=True)]
    browser.switch_to.default_content()
    assert browser.execute_script("return window.log.slice(0, 2)") == [
        "ui/initialize", "ui/notifications/initialized"]


async def test_the_layout_view_shows_the_layouts_and_reranks_them(browser, tmp_path: Path):
    from selenium.webdriver.common.by import By

    _, _, html, call_result = await _listed_and_called("plan_cluster_training", CLUSTER)
    _open(browser, tmp_path, html, call_result)
    data = call_result["structuredContent"]
    rows = data["ranked"]
    assert len(rows) == 6 and rows[0] == data["layout"]
    assert _shown(browser) == [r["label"] for r in rows]  # the tool's ranking (step time)
    heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#rows thead th")]
    configured = VIEWS["plan_cluster_training"].columns
    assert heads == [c.label for c in configured if c.key in rows[0]] + ["step (s)"]
    assert heads[:6] == ["layout", "TP", "PP", "DP", "CP", "step (s)"] or "EP" in heads
    assert _cells(browser, "TP") == [str(r["tensor_parallel"]) for r in rows]
    assert _cells(browser, "PP") == [str(r["pipeline_parallel"]) for r in rows]
    # MFU as a percentage with one decimal, e.g. 0.4567 → "45.7%"
    assert _cells(browser, "MFU") == [f"{100 * r['mfu']:.1f}%" for r in rows]
    assert browser.find_element(By.ID, "bar-head").text == "step (s)"
    assert browser.find_element(By.ID, "status").text == "6 layouts, ranked by step time"

    def by(key: str, reverse: bool = False) -> list[str]:
        order = sorted(range(len(rows)), key=lambda i: (rows[i][key], i), reverse=reverse)
        return [rows[i]["label"] for i in order]

    for key, head in (("cost_usd", "cost (USD)"), ("energy_kwh", "energy (kWh)"),
                      ("days", "days")):
        browser.find_element(By.CSS_SELECTOR, f'button[data-key="{key}"]').click()
        assert _shown(browser) == by(key)
        assert browser.find_element(By.ID, "bar-head").text == head
    # One device count: days, cost and energy follow the step time, so the order above is the
    # tool's; a column that differs between layouts reorders the rows.
    assert by("days") == [r["label"] for r in rows]
    memory = browser.find_element(By.CSS_SELECTOR, 'th[data-key="memory_gb_per_device"]')
    memory.click()
    assert _shown(browser) == by("memory_gb_per_device")
    assert _shown(browser) != [r["label"] for r in rows]
    memory.click()  # again: descending
    assert _shown(browser) == by("memory_gb_per_device", reverse=True)


async def test_the_layout_view_shows_a_dash_for_a_missing_figure(browser, tmp_path: Path):
    no_tokens = {**CLUSTER, "tokens": None, "model": None, "params": "70B", "layers": 80,
                 "d_model": 8192, "heads": 64, "kv_heads": 8, "vocab": 128256, "seq_len": 8192,
                 "d_ff": 28672, "gated_ffn": True, "top": 2}
    arguments = {k: v for k, v in no_tokens.items() if v is not None}
    _, _, html, call_result = await _listed_and_called("plan_cluster_training", arguments)
    rows = call_result["structuredContent"]["ranked"]
    assert [r["days"] for r in rows] == [None, None]
    _open(browser, tmp_path, html, call_result)
    assert _cells(browser, "days") == _cells(browser, "cost (USD)") == ["—", "—"]
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, 'button[data-key="days"]').click()
    assert _shown(browser) == [r["label"] for r in rows]  # nothing to rank by: the tool's order


async def test_a_chinese_result_gets_chinese_labels(browser, tmp_path: Path):
    from selenium.webdriver.common.by import By

    _, _, html, call_result = await _listed_and_called(
        "compare_gpus", {**ARGUMENTS, "language": "zh"})
    _open(browser, tmp_path, html, call_result)
    rows = call_result["structuredContent"]["rows"]
    assert _shown(browser) == [r["hardware"] for r in rows]  # the same rows and order
    heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#rows thead th")]
    # The CLI's Chinese table headers (flopcast.numbers.zh.FIELD_MEANINGS), "设备" for the name.
    assert heads[:8] == ["设备", "设备数", "训练时间（天）", "卡时", "费用（美元）", "价格来源",
                         "耗电（度，kWh）", "模型状态放得下"]
    assert browser.find_element(By.ID, "status").text == "5 种设备，按训练时间（天）排序"
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".controls button")]
    assert buttons == ["训练时间（天）", "费用（美元）", "耗电（度，kWh）"]
    assert browser.execute_script("return document.documentElement.lang") == "zh"
    assert browser.execute_script("return document.title") == "flopcast: 同一训练任务的加速器对比"
    browser.find_element(By.CSS_SELECTOR, 'button[data-key="cost_usd"]').click()
    assert browser.find_element(By.ID, "bar-head").text == "费用（美元）"


async def test_a_chinese_layout_result_writes_the_labels_words_in_chinese(browser,
                                                                         tmp_path: Path):
    _, _, html, call_result = await _listed_and_called(
        "plan_cluster_training", {**CLUSTER, "language": "zh", "top": 2})
    _open(browser, tmp_path, html, call_result)
    rows = call_result["structuredContent"]["ranked"]
    assert _shown(browser) == [r["label"] for r in rows]  # data-id: the result's own label
    shown = _cells(browser, "布局")
    assert len(shown) == 2 and all("微批" in s and "micro-batch" not in s for s in shown)
    # Only the words change: "TP 4 · PP 4 (VP 5) · DP 32 · micro-batch 1 · ZeRO 1 ·
    # recompute none" reads "… · 微批 1 · ZeRO 1 · 不重计算".
    assert [s.replace("微批", "micro-batch").replace("不重计算", "recompute none")
            .replace("选择性重计算", "recompute selective")
            .replace("完全重计算", "recompute full") for s in shown] == [r["label"] for r in rows]
