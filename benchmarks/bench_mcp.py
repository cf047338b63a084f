"""Benchmark `flopcast-mcp` over stdio against a minimal fastmcp server started the same way.

    .venv/bin/python benchmarks/bench_mcp.py            # 9 cold starts, 200 calls each side
    .venv/bin/python benchmarks/bench_mcp.py --repeats 15 --calls 500

Two figures, each as a median and as a ratio to the baseline (target: ≤ 1.2×):

- cold start: from spawning the process to the answer of the first `tools/list` (after the
  initialize handshake), median over `--repeats` fresh processes;
- round trip: one `tools/call` of `estimate_training` (GPT-3 on 1,024 A100s) against one
  call of the baseline's trivial tool, median over `--calls` calls on a warm server.

A third row separates what the core costs from what the MCP layer adds: the same
flopcast server (same registry entry, schemas, argument checks, result serialization and
text block) whose `estimate_training` handler returns a result computed once in advance, so
the round trip carries no arithmetic. The in-process time of one `estimate_training(...)`
call is printed too.

The baseline is a fastmcp server with one trivial tool, written to a temporary file and run
by the same interpreter; both run with the banner and update check off. The client speaks
JSON-RPC lines directly over the pipes (no SDK), so the client's own cost is the same small
constant on both sides. Cold starts alternate (baseline, flopcast, baseline, ...) and the
timed calls go round the three warm servers in turn, so drift in the machine's load hits
all of them alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BASELINE = '''\
from fastmcp import FastMCP

server = FastMCP("baseline")


@server.tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


if __name__ == "__main__":
    server.run("stdio", show_banner=False, log_level="WARNING")
'''

GPT3 = {"model": "gpt-3-175b", "hardware": "a100", "count": 1024, "achieved_tflops": 140}

# flopcast's server with the estimate_training result computed once: the MCP layer alone.
PRECOMPUTED = f'''\
import dataclasses

from flopcast.tools.mcp_server import build_server
from flopcast.tools.registry import get_tool
from flopcast.training.estimate import estimate_training

result = estimate_training(**{GPT3!r})
spec = dataclasses.replace(get_tool("estimate_training"), handler=lambda **kwargs: result)

if __name__ == "__main__":
    build_server(tools=[spec]).run("stdio", show_banner=False, log_level="WARNING")
'''
PROTOCOL = "2025-11-25"
ENV = {**os.environ, "FASTMCP_CHECK_FOR_UPDATES": "off", "FASTMCP_SHOW_SERVER_BANNER": "false"}


class StdioPeer:
    """A server process and a line-oriented JSON-RPC client over its pipes."""

    def __init__(self, command: list[str]) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=ENV,
        )
        self._next_id = 0

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next_id += 1
        wanted = self._next_id
        self._send({"jsonrpc": "2.0", "id": wanted, "method": method, "params": params or {}})
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited while waiting for {method}")
            message = json.loads(line)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def initialize(self) -> None:
        self.request("initialize", {
            "protocolVersion": PROTOCOL,
            "capabilities": {},
            "clientInfo": {"name": "bench_mcp", "version": "0"},
        })
        self._send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def cold_start(command: list[str]) -> float:
    """Seconds from spawn to the first tools/list answer."""
    peer = StdioPeer(command)
    try:
        peer.initialize()
        tools = peer.request("tools/list")
        elapsed = time.perf_counter() - peer.started
        assert tools["tools"], "no tools listed"
        return elapsed
    finally:
        peer.close()


def round_trips(servers: dict[str, tuple[list[str], str, dict[str, Any]]], calls: int,
                warmup: int = 20) -> dict[str, list[float]]:
    """Seconds per tools/call for each server, warm, calls interleaved across the servers.

    Args:
        servers: label -> (command, tool name, arguments).
    """
    peers = {label: StdioPeer(command) for label, (command, _, _) in servers.items()}
    try:
        for peer in peers.values():
            peer.initialize()
            peer.request("tools/list")
        out: dict[str, list[float]] = {label: [] for label in servers}
        for i in range(warmup + calls):
            for label, (_, tool, arguments) in servers.items():
                t0 = time.perf_counter()
                result = peers[label].request("tools/call", {"name": tool, "arguments": arguments})
                elapsed = time.perf_counter() - t0
                assert not result.get("isError"), result
                if i >= warmup:
                    out[label].append(elapsed)
        return out
    finally:
        for peer in peers.values():
            peer.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=9, help="cold starts per server (≥ 7)")
    parser.add_argument("--calls", type=int, default=200, help="timed calls per server")
    args = parser.parse_args(argv)
    if args.repeats < 7:
        parser.error("--repeats must be ≥ 7")

    flopcast_cmd = [str(Path(sys.executable).parent / "flopcast-mcp")]
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "baseline_server.py"
        script.write_text(BASELINE, encoding="utf-8")
        baseline_cmd = [sys.executable, str(script)]
        precomputed = Path(tmp) / "precomputed_server.py"
        precomputed.write_text(PRECOMPUTED, encoding="utf-8")
        layer_cmd = [sys.executable, str(precomputed)]

        starts: dict[str, list[float]] = {"baseline": [], "flopcast": []}
        for _ in range(args.repeats):
            starts["baseline"].append(cold_start(baseline_cmd))
            starts["flopcast"].append(cold_start(flopcast_cmd))
        timed = round_trips({
            "baseline": (baseline_cmd, "add", {"a": 1, "b": 2}),
            "flopcast": (flopcast_cmd, "estimate_training", GPT3),
            "layer": (layer_cmd, "estimate_training", GPT3),
        }, args.calls)
        calls = {"baseline": timed["baseline"], "flopcast": timed["flopcast"]}
        layer = {"baseline": timed["baseline"], "flopcast": timed["layer"]}

    core = core_call_seconds(args.calls)
    rows = [
        ("cold start to first tools/list", "s", starts, 1.0),
        ("tools/call round trip (median)", "ms", calls, 1e3),
        ("  same, result precomputed", "ms", layer, 1e3),
    ]
    print(f"python {sys.version.split()[0]}, {args.repeats} cold starts, {args.calls} calls\n")
    print(f"| {'median':<32} | {'baseline':>10} | {'flopcast':>10} | {'ratio':>6} |")
    print(f"|{'-' * 34}|{'-' * 12}|{'-' * 12}|{'-' * 8}|")
    ratios = []
    for name, unit, data, scale in rows:
        base = statistics.median(data["baseline"]) * scale
        ours = statistics.median(data["flopcast"]) * scale
        ratios.append(ours / base)
        print(f"| {name:<32} | {base:>8.3f}{unit:>2} | {ours:>8.3f}{unit:>2} | "
              f"{ours / base:>5.2f}× |")
    print(f"\nin-process estimate_training (core only): {statistics.median(core) * 1e3:.3f} ms")
    for name, ratio in zip(("cold start", "round trip"), ratios[:2], strict=True):
        print(f"{name}: {ratio:.2f}× the baseline, target ≤ 1.20×: "
              f"{'met' if ratio <= 1.2 else 'NOT met'}")
    return 0


def core_call_seconds(calls: int) -> list[float]:
    """Seconds per in-process estimate_training call (what the MCP layer cannot avoid)."""
    from flopcast.training.estimate import estimate_training

    for _ in range(20):
        estimate_training(**GPT3)
    out = []
    for _ in range(calls):
        t0 = time.perf_counter()
        estimate_training(**GPT3)
        out.append(time.perf_counter() - t0)
    return out


if __name__ == "__main__":
    sys.exit(main())
