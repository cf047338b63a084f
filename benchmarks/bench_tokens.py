"""Benchmark count_tokens against raw tiktoken on a generated mixed corpus.

    .venv/bin/python benchmarks/bench_tokens.py          # 256 MB corpus, 3 repeats, 1 GB file
    .venv/bin/python benchmarks/bench_tokens.py --quick  # 64 MB, 1 repeat, 256 MB file

The corpus (English prose, Chinese prose, Python/C-like code, and files mixing all
three) is generated from a seeded generator into a temporary folder, so every run
counts the same bytes. Measured, in one run on the same bytes:

1. raw tiktoken: read each file, decode, `len(enc.encode_ordinary(text))`;
2. flopcast exact, 1 worker and 2 workers (process start-up included);
3. flopcast sample mode (defaults), its error against the exact count and whether the
   exact count lies in its 95 % interval;
4. peak resident memory (ru_maxrss) of a fresh process counting one large file.

Times are medians over the repeats; the encoding is loaded once before timing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flopcast.tokens.count import TokenCount, count_tokens
from flopcast.tokens.encodings import load_encoding

MB = 1_000_000

_EN_WORDS = (
    "the of and to in is that for it as was with be by on not he this are or his from at which "
    "but have an they you were her she there been one all we their has would when if so no will "
    "more can out other into only time some could them these two may then first any like now "
    "model training compute tokens parameters accelerator throughput memory bandwidth gradient "
    "optimizer learning rate schedule dataset evaluation benchmark inference latency cluster "
    "scaling law loss perplexity transformer attention layer embedding vocabulary precision "
    "Chinchilla GPT-3 PaLM Megatron-LM A100 H100 TPUv4 FLOPs utilization estimate budget days"
).split()
_ZH_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
    "训练模型计算资源数据参数估计显存带宽吞吐推理精度浮点运算集群能耗成本"
)
_ZH_PUNCT = "，。、；：？！"
_CODE = [
    "def {n}(x, y=None):", "    return [v * 2 for v in x if v is not None]",
    "class {N}(Base):", "    \"\"\"Docstring for {n}.\"\"\"", "import os, sys, json",
    "for i in range(len(items)):", "    total += items[i] ** 2  # accumulate",
    "if (ptr != NULL && ptr->len > 0) {{", "    memcpy(dst, ptr->data, ptr->len);", "}}",
    "// TODO: handle the {n} case", "/* {n}: see issue #{k} */", "x = {{'k': [1, 2, 3], 'v': {k}}}",
    "    raise ValueError(f\"bad {n}: {{value!r}}\")", "\tfmt.Println(\"{n}\", err)",
    "const {n} = async () => await fetch(url);", "SELECT id, name FROM {n} WHERE id = {k};",
]


def _english(rng: random.Random) -> str:
    words = [rng.choice(_EN_WORDS) for _ in range(rng.randint(20, 120))]
    words[0] = words[0].capitalize()
    sentence_ends = {rng.randrange(len(words)) for _ in range(len(words) // 15)}
    return " ".join(w + ("." if i in sentence_ends else "") for i, w in enumerate(words)) + "."


def _chinese(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(40, 200)):
        out.append(rng.choice(_ZH_CHARS))
        if rng.random() < 0.08:
            out.append(rng.choice(_ZH_PUNCT))
    return ("\u3000\u3000" if rng.random() < 0.3 else "") + "".join(out) + "。"


def _code(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(3, 25)):
        name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_") for _ in range(rng.randint(3, 12)))
        line = rng.choice(_CODE).format(n=name, N=name.title().replace("_", ""),
                                        k=rng.randint(0, 99999))
        lines.append(line)
    return "\n".join(lines)


KINDS = {".md": (_english,), ".txt": (_chinese,), ".py": (_code,),
         ".mix": (_english, _chinese, _code)}


def generate(folder: Path, total_bytes: int, seed: int = 20261127, file_bytes: int = 8 * MB
             ) -> list[Path]:
    """Write files of about `file_bytes` each, cycling through the kinds, until total_bytes."""
    rng = random.Random(seed)
    pools = {kind: [rng.choice(makers)(rng) for _ in range(4000)]
             for kind, makers in KINDS.items()}  # paragraphs reused at random: fast, still mixed
    paths = []
    written = 0
    index = 0
    kinds = list(KINDS)
    while written < total_bytes:
        kind = kinds[index % len(kinds)]
        path = folder / f"part{index:04d}{kind}"
        size = 0
        with open(path, "w", encoding="utf-8", newline="") as f:
            while size < file_bytes:
                para = rng.choice(pools[kind]) + rng.choice(["\n\n", "\n", "\r\n", "\n\n\n"])
                f.write(para)
                size += len(para.encode())
        written += size
        paths.append(path)
        index += 1
    return paths


def raw_tiktoken(enc, paths: list[Path]) -> int:
    tokens = 0
    for path in paths:
        tokens += len(enc.encode_ordinary(path.read_bytes().decode("utf-8", "replace")))
    return tokens


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def measure(fn) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds (this process and its reaped children), value."""
    cpu, start = _cpu(), time.perf_counter()
    value = fn()
    return time.perf_counter() - start, _cpu() - cpu, value


# Peak RSS of the child's own address space: VmHWM from /proc/self/status. (ru_maxrss of a
# process started from a big parent reports the parent's size: Linux keeps the old address
# space's high-water mark across vfork + exec.) Workers' peaks: RUSAGE_CHILDREN ru_maxrss,
# which counts the pages a forked worker shares with its parent.
_PEAK_CHILD = """
import json, resource, sys, time
from flopcast.tokens.count import count_tokens
start = time.perf_counter()
r = count_tokens(path=sys.argv[1], encoding=sys.argv[2], workers=int(sys.argv[3]))
seconds = time.perf_counter() - start
hwm = next(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmHWM:"))
print(json.dumps({"tokens": r.tokens, "seconds": seconds, "self_mb": hwm / 1024,
                  "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def peak_memory(path: Path, encoding: str, workers: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _PEAK_CHILD, str(path), encoding, str(workers)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="64 MB corpus, 1 repeat")
    p.add_argument("--encoding", default="o200k_base")
    p.add_argument("--mb", type=int, default=None, help="corpus size in MB (default 256)")
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--big-mb", type=int, default=None, help="memory test file (default 1000)")
    args = p.parse_args(argv)
    corpus_mb = args.mb or (64 if args.quick else 256)
    repeats = args.repeats or (1 if args.quick else 3)
    big_mb = args.big_mb or (256 if args.quick else 1000)
    command = "python benchmarks/bench_tokens.py " + " ".join(argv if argv is not None
                                                              else sys.argv[1:])
    enc = load_encoding(args.encoding)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="flopcast-bench-") as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        t0 = time.perf_counter()
        paths = generate(folder, corpus_mb * MB)
        total = sum(q.stat().st_size for q in paths)
        print(f"corpus: {len(paths)} files, {total / MB:.1f} MB, generated in "
              f"{time.perf_counter() - t0:.1f} s; cpus={os.cpu_count()}", flush=True)
        load_before = os.getloadavg()[0]
        runs = {
            "raw": lambda: raw_tiktoken(enc.encoding, paths),
            "one": lambda: count_tokens(path=str(folder), encoding=args.encoding, workers=1),
            "two": lambda: count_tokens(path=str(folder), encoding=args.encoding, workers=2),
            "sample": lambda: count_tokens(path=str(folder), encoding=args.encoding,
                                           mode="sample"),
        }
        walls: dict[str, list[float]] = {k: [] for k in runs}
        cpus: dict[str, list[float]] = {k: [] for k in runs}
        values: dict[str, object] = {}
        order = list(runs)
        for repeat in range(repeats):
            # interleaved, so each repeat sees the same machine load; the order rotates so
            # that no variant always runs right after the same one
            for name in order[repeat % len(order):] + order[:repeat % len(order)]:
                fn = runs[name]
                wall, cpu, values[name] = measure(fn)
                walls[name].append(wall)
                cpus[name].append(cpu)
                print(f"repeat {repeat + 1}: {name}: {wall:.2f} s wall, {cpu:.2f} s CPU",
                      flush=True)
        load_after = os.getloadavg()[0]
        med = {k: statistics.median(v) for k, v in walls.items()}
        cpu_med = {k: statistics.median(v) for k, v in cpus.items()}

        def ratio(a: str, b: str) -> float:  # median over repeats of wall(a) / wall(b)
            return statistics.median(x / y for x, y in zip(walls[a], walls[b], strict=True))

        def best(a: str, b: str) -> float:  # fastest run of b against fastest run of a
            return min(walls[a]) / min(walls[b])

        # CPU seconds per wall second of the 2-worker runs: ~2 when both workers get a CPU;
        # ~1 when other work on the machine leaves them one (the load average says which).
        parallel = [c / w for c, w in zip(cpus["two"], walls["two"], strict=True)]

        raw_tokens = values["raw"]
        one, two, sample = values["one"], values["two"], values["sample"]
        assert isinstance(one, TokenCount) and isinstance(two, TokenCount)
        assert isinstance(sample, TokenCount)
        assert one.tokens == two.tokens == raw_tokens, (one.tokens, two.tokens, raw_tokens)
        error = (sample.tokens - one.tokens) / one.tokens
        inside = sample.interval_low <= one.tokens <= sample.interval_high
        big = Path(tmp) / "big.txt"
        with open(big, "wb") as out:
            written = 0
            while written < big_mb * MB:
                for q in paths:
                    data = q.read_bytes()
                    out.write(data)
                    written += len(data)
                    if written >= big_mb * MB:
                        break
        for q in paths:
            q.unlink()
        mem1 = peak_memory(big, args.encoding, 1)
        mem2 = peak_memory(big, args.encoding, 2)
        mb = total / MB
        rows += [
            ("corpus", f"{len(paths)} files, {mb:.0f} MB (English, Chinese, code, mixed)"),
            ("encoding", args.encoding),
            ("exact tokens", f"{one.tokens:,} (= raw tiktoken: {one.tokens == raw_tokens})"),
            ("load average (1 min) before / after", f"{load_before:.2f} / {load_after:.2f}"),
            ("raw tiktoken encode_ordinary", f"{med['raw']:.2f} s, {mb / med['raw']:.1f} MB/s "
                                             f"(CPU {cpu_med['raw']:.2f} s)"),
            ("flopcast exact, 1 worker", f"{med['one']:.2f} s, {mb / med['one']:.1f} MB/s, "
                                         f"{ratio('raw', 'one'):.2f}× raw "
                                         f"(best runs {best('raw', 'one'):.2f}×; "
                                         f"CPU {cpu_med['one']:.2f} s)"),
            ("flopcast exact, 2 workers", f"{med['two']:.2f} s, {mb / med['two']:.1f} MB/s, "
                                          f"{ratio('one', 'two'):.2f}× 1 worker "
                                          f"(best runs {best('one', 'two'):.2f}×), "
                                          f"{ratio('raw', 'two'):.2f}× raw; CPU/wall "
                                          + ", ".join(f"{x:.2f}" for x in parallel)),
            ("flopcast sample (defaults)", f"{med['sample']:.3f} s, "
                                           f"{ratio('one', 'sample'):.0f}× faster than exact; "
                                           f"{sample.sampled_chunks} blocks, "
                                           f"{sample.sampled_bytes / MB:.1f} MB read"),
            ("sample estimate", f"{sample.tokens:,}, error {error * 100:+.2f} %, 95% interval "
                                f"{sample.interval_low:,}–{sample.interval_high:,} "
                                f"(contains exact: {inside})"),
            (f"peak RSS, {big_mb} MB file, 1 worker", f"{mem1['self_mb']:.0f} MB "
                                                      f"({mem1['seconds']:.1f} s)"),
            (f"peak RSS, {big_mb} MB file, 2 workers",
             f"main {mem2['self_mb']:.0f} MB, largest worker {mem2['children_mb']:.0f} MB "
             f"({mem2['seconds']:.1f} s)"),
        ]
    print()
    print(f"`{command.strip()}` (medians of {repeats}; {os.cpu_count()} CPUs)")
    print()
    print("| measure | result |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
