"""Load check of `flopcast-mcp` over streamable HTTP on a loopback port.

    .venv/bin/python benchmarks/bench_http_load.py                  # 32 clients, 3 rounds
    .venv/bin/python benchmarks/bench_http_load.py --clients 48 --calls 10 --rounds 5

It starts the server with `--transport http --host 127.0.0.1 --port 0` (loopback only: the
address is fixed here, not an option), reads the port from the server's first stderr line,
opens `--clients` MCP sessions with the official SDK client (`mcp`, streamable HTTP), and in
each of `--rounds` rounds has every session make `--calls` calls at once, three
`estimate_training` (GPT-3 on 1,024 A100s) for every `compare_gpus` (13B on 1T tokens over
the whole catalog). It reports, per round and as the median of the rounds: calls per second,
p50 and p99 latency of a call, and errors (an exception or an `isError` result).

It stops by itself: the calls are counted, each round is bounded by `--round-timeout`
seconds and the whole run by `--deadline` seconds, after which the server is stopped.
Client and server share the machine's cores, so the figures are those of the pair.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import anyio

HOST = "127.0.0.1"  # never another address: this benchmark is loopback only
BIN = Path(sys.executable).parent
GPT3 = {"model": "gpt-3-175b", "hardware": "a100", "count": 1024, "achieved_tflops": 140}
COMPARE = {"params": "13B", "tokens": "1T", "target_days": 30, "sort_by": "cost"}
MIX = [("estimate_training", GPT3)] * 3 + [("compare_gpus", COMPARE)]


def _drain(stream: Any, lines: list[str]) -> None:
    """Keep reading the server's stderr (a full pipe would block it), keeping the lines."""
    for line in stream:
        lines.append(line.rstrip("\n"))


def _start_server() -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "FASTMCP_CHECK_FOR_UPDATES": "off", "PYTHONUNBUFFERED": "1"}
    env.pop("FLOPCAST_MCP_TOKEN", None)
    process = subprocess.Popen(
        [str(BIN / "flopcast-mcp"), "--transport", "http", "--host", HOST, "--port", "0"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    line = process.stderr.readline() if process.stderr else ""
    found = re.fullmatch(r"flopcast MCP server on http://127\.0\.0\.1:(\d+)/mcp\n", line)
    if not found:
        process.terminate()
        raise SystemExit(f"the server did not start: {line.strip()!r}")
    return process, int(found.group(1))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _session(url: str, calls: int, rounds: int, barrier: list[anyio.Event],
                   ready: list[int], results: list[list[tuple[str, float, bool]]],
                   round_timeout: float) -> None:
    import httpx
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    async with httpx.AsyncClient(timeout=round_timeout) as http:
        async with Client(streamable_http_client(url, http_client=http)) as client:
            ready[0] += 1
            for index in range(rounds):
                await barrier[index].wait()
                with anyio.move_on_after(round_timeout):
                    for i in range(calls):
                        name, arguments = MIX[i % len(MIX)]
                        started = time.perf_counter()
                        try:
                            result = await client.call_tool(name, arguments)
                            ok = not result.is_error
                        except Exception:
                            ok = False
                        results[index].append((name, time.perf_counter() - started, ok))


async def _run(args: argparse.Namespace, port: int) -> list[dict[str, Any]]:
    url = f"http://{HOST}:{port}/mcp"
    barrier = [anyio.Event() for _ in range(args.rounds)]
    results: list[list[tuple[str, float, bool]]] = [[] for _ in range(args.rounds)]
    ready = [0]
    report: list[dict[str, Any]] = []
    with anyio.fail_after(args.deadline):
        async with anyio.create_task_group() as group:
            for _ in range(args.clients):
                group.start_soon(_session, url, args.calls, args.rounds, barrier, ready,
                                 results, args.round_timeout)
            while ready[0] < args.clients:  # bounded by fail_after(args.deadline)
                await anyio.sleep(0.05)
            for index in range(args.rounds):
                started = time.perf_counter()
                barrier[index].set()
                expected = args.clients * args.calls
                with anyio.move_on_after(args.round_timeout + 1):
                    while len(results[index]) < expected:
                        await anyio.sleep(0.01)
                wall = time.perf_counter() - started
                done = results[index]
                latencies = [seconds for _, seconds, _ in done]
                report.append({
                    "calls": len(done),
                    "errors": sum(not ok for *_, ok in done) + expected - len(done),
                    "wall_s": wall,
                    "calls_per_s": len(done) / wall,
                    "p50_ms": 1000 * _percentile(latencies, 0.50),
                    "p99_ms": 1000 * _percentile(latencies, 0.99),
                })
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=32, help="concurrent MCP sessions (32)")
    p.add_argument("--calls", type=int, default=20, help="calls per session per round (20)")
    p.add_argument("--rounds", type=int, default=3, help="rounds, reported with their median")
    p.add_argument("--round-timeout", type=float, default=15.0, help="seconds per round (15)")
    p.add_argument("--deadline", type=float, default=55.0, help="seconds for everything (55)")
    args = p.parse_args(argv)
    if not (1 <= args.clients <= 200 and 1 <= args.calls <= 1000 and 1 <= args.rounds <= 20):
        p.error("--clients 1..200, --calls 1..1000, --rounds 1..20")
    process, port = _start_server()
    server_log: list[str] = []
    threading.Thread(target=_drain, args=(process.stderr, server_log), daemon=True).start()
    try:
        report = anyio.run(_run, args, port)
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"flopcast-mcp over HTTP on {HOST}:{port}: {args.clients} sessions × {args.calls} "
          f"calls per round (3 estimate_training : 1 compare_gpus), {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'round':>5} {'calls':>6} {'errors':>6} {'wall s':>7} {'calls/s':>8} "
          f"{'p50 ms':>7} {'p99 ms':>7}")
    for index, row in enumerate(report, 1):
        print(f"{index:>5} {row['calls']:>6} {row['errors']:>6} {row['wall_s']:>7.2f} "
              f"{row['calls_per_s']:>8.1f} {row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f}")
    median = {key: statistics.median(row[key] for row in report)
              for key in ("calls_per_s", "p50_ms", "p99_ms")}
    print(f"median: {median['calls_per_s']:.1f} calls/s, p50 {median['p50_ms']:.1f} ms, "
          f"p99 {median['p99_ms']:.1f} ms, errors {sum(r['errors'] for r in report)}")
    print(f"server log lines (WARNING and above) during the run: {len(server_log)}")
    for line in server_log[:5]:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
