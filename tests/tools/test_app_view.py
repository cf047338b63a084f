"""The MCP Apps view of compare_gpus, in a real headless browser.

The server lists compare_gpus with `_meta.ui.resourceUri` and serves that `ui://` resource as
`text/html;profile=mcp-app`. A small host page (written here) plays the host the way MCP Apps
hosts do: it loads the resource into a sandboxed iframe, answers the page's `ui/initialize`
over postMessage, and after `ui/notifications/initialized` hands it the real tool result in a
`ui/notifications/tool-result`. The test reads what the page shows: the rows in the tool's
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

from flopcast.tools.mcp_server import APP_VIEWS, build_server

ARGUMENTS = {"params": "13B", "tokens": "1T", "count": 256, "sort_by": "days",
             "hardware": ["h100", "a100", "mi300x", "v100", "gaudi3"]}

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


async def _listed_and_called() -> tuple[dict, str, str, dict]:
    async with Client(build_server()) as client:
        tools = {t.name: t for t in await client.list_tools()}
        uri = tools["compare_gpus"].meta["ui"]["resourceUri"]
        (page,) = await client.read_resource(uri)
        result = await client.call_tool("compare_gpus", ARGUMENTS)
    call_result = {"content": [{"type": "text", "text": c.text} for c in result.content],
                   "structuredContent": result.structured_content}
    return tools["compare_gpus"].meta, page.mime_type, page.text, call_result


async def test_compare_gpus_links_its_view_and_the_view_is_served():
    meta, mime, html, _ = await _listed_and_called()
    assert meta["ui"]["resourceUri"] == APP_VIEWS["compare_gpus"]
    assert mime == "text/html;profile=mcp-app"
    assert "ui/notifications/tool-result" in html
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


async def test_the_view_shows_the_rows_and_reranks_them(browser, tmp_path: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _, _, html, call_result = await _listed_and_called()
    host = tmp_path / "host.html"
    def script_literal(value: object) -> str:  # JSON inside <script>: no "</script>" in it
        return json.dumps(value).replace("</", "<\\/")

    host.write_text(HOST % {"result": script_literal(call_result),
                            "html": script_literal(html)}, encoding="utf-8")
    browser.get(host.as_uri())
    browser.switch_to.frame(browser.find_element(By.ID, "app"))
    WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tbody tr"))

    def shown() -> list[str]:
        return [tr.get_attribute("data-hardware")
                for tr in browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")]

    rows = call_result["structuredContent"]["rows"]
    assert shown() == [r["hardware"] for r in rows]  # the tool's ranking (days)
    first = browser.find_element(By.CSS_SELECTOR, "#rows tbody tr td").text
    assert first == rows[0]["name"]

    def by(key: str) -> list[str]:
        known = sorted((r for r in rows if r[key] is not None),
                       key=lambda r: (r[key], r["hardware"]))
        return [r["hardware"] for r in known] + [r["hardware"] for r in rows if r[key] is None]

    browser.find_element(By.CSS_SELECTOR, 'button[data-key="cost_usd"]').click()
    assert shown() == by("cost_usd")
    assert browser.find_element(By.ID, "bar-head").text == "cost (USD)"
    browser.find_element(By.CSS_SELECTOR, 'button[data-key="energy_kwh"]').click()
    assert shown() == by("energy_kwh")
    header = browser.find_element(By.CSS_SELECTOR, 'th[data-key="count"]')
    header.click()
    assert shown() == by("count")
    header.click()  # again: descending
    assert [h for h in shown()] == [r["hardware"] for r in sorted(
        rows, key=lambda r: (r["count"], r["hardware"]), reverse=True)]
    browser.switch_to.default_content()
    assert browser.execute_script("return window.log.slice(0, 2)") == [
        "ui/initialize", "ui/notifications/initialized"]
