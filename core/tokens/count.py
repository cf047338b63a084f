"""Token counts of a text, a file or a folder with a tiktoken encoding, offline.

`count_tokens` answers "how many tokens is my data?", whose answer feeds
`estimate_training` (D = tokens × epochs).

- `mode="exact"` counts every byte. Files are streamed in chunks of about 1 MiB cut
  only where cutting cannot change the count (rules R1–R3 in `flopcast.tokens.files`),
  so the sum over chunks equals tiktoken's `encode_ordinary` on the whole text. Large
  inputs are spread over worker processes (tiktoken's threads gave no reliable gain on
  2 vCPUs; processes do). Special tokens such as <|endoftext|> count as text.
- `mode="sample"` estimates from a seeded random sample of 8 KiB blocks, stratified
  by file type, with a ratio estimator and its 95 % interval (`flopcast.tokens.engine`).

The encodings load offline from sha256-verified files (`flopcast.tokens.encodings`);
reading goes through `flopcast.tokens.files` (safe chunk boundaries, folder walks, the
granted-folder rule for the MCP server, binary detection).

Files are decoded as UTF-8 (an invalid byte sequence counts as U+FFFD, as
`bytes.decode(errors="replace")` gives); binary files (NUL among the first 8000
bytes, git's rule) are skipped and reported.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import OrText, bytes_text, fraction_text, whole_text
from flopcast.numbers.quantities import Language, format_bytes, format_count, format_number
from flopcast.numbers.results import Assumption, Result, Step, make_step
from flopcast.numbers.validation import tool_function
from flopcast.tokens.encodings import EncodingName, LoadedEncoding, load_encoding
from flopcast.tokens.engine import (
    DEFAULT_SAMPLE_CHUNKS,
    SAMPLE_BLOCK_BYTES,
    SAMPLE_SECONDS,
    Z_95,
    Budget,
    Run,
    Source,
    count_exact,
    count_sample,
)
from flopcast.tokens.files import (
    BINARY_SNIFF_BYTES,
    WalkResult,
    granted_roots,
    open_inside,
    resolve_path,
    walk_files,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_TEXT_BYTES",
    "PARALLEL_MIN_BYTES",
    "CountTokensInput",
    "TokenCount",
    "TokenTypeCount",
    "count_tokens",
]

#: Largest `text` argument, in UTF-8 bytes (bigger inputs: write a file, pass `path`).
MAX_TEXT_BYTES = 10_000_000
#: Default cap on the bytes one call may read (files, or the sample in sample mode).
DEFAULT_MAX_BYTES = 2_000_000_000
#: Most 8 KiB blocks a sample may draw: 10 million blocks is 82 GB, past which exact mode
#: (bounded by max_bytes) is the tool to use.
MAX_SAMPLE_CHUNKS = 10_000_000
#: Seeds are taken as 64-bit unsigned integers, as numpy's and most tools' seeds are.
MAX_SEED = 2**64 - 1
#: Most bytes any call may be allowed to read: 1 PB, about 1000× the largest public text
#: corpora (FineWeb: ~15T tokens, tens of TB).
MAX_READ_BYTES = 10**15
#: Below this many bytes, `workers=None` counts in-process (starting workers costs ~1 s).
PARALLEL_MIN_BYTES = 32_000_000


class CountTokensInput(BaseModel):
    """Arguments of `count_tokens`."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description=(
        "Text to count (≤ 10 MB). Give text or path."))
    path: str | None = Field(None, description=(
        "File or folder (only below granted folders)."))
    encoding: EncodingName = Field("o200k_base", description=(
        "o200k_base: GPT-4o."))
    bpe_file: str | None = Field(None, description=(
        "Own .tiktoken ranks file instead of the packaged data."))
    include: list[str] | None = Field(None, description=(
        "Globs to count, e.g. ['*.md']."))
    exclude: list[str] | None = Field(None, description=(
        "Globs of files or folders to skip."))
    mode: Literal["exact", "sample"] = Field("exact", description=(
        "sample: seeded estimate for huge corpora."))
    sample_fraction: Annotated[float, Field(gt=0, le=1), BeforeValidator(fraction_text),
                               OrText()] | None = Field(None, description=(
        "Sample: share of 8 KiB blocks, e.g. '10%'."))
    sample_chunks: Annotated[int, Field(ge=2, le=MAX_SAMPLE_CHUNKS), BeforeValidator(
        whole_text), OrText()] | None = Field(None, description=(
        "Sample: number of 8 KiB blocks (default 600)."))
    seed: int = Field(0, ge=0, le=MAX_SEED, description=(
        "Sample: random seed, an integer id."))
    workers: Annotated[int, Field(ge=1, le=64), BeforeValidator(whole_text), OrText()
                       ] | None = Field(None, description="Processes for exact counting.")
    max_bytes: Annotated[int, Field(ge=1, le=MAX_READ_BYTES), BeforeValidator(bytes_text),
                         OrText()] = Field(DEFAULT_MAX_BYTES, description=(
        "Read limit in bytes, e.g. '2 GB'."))
    language: Language = Field("en", description="Answer language.")


class TokenTypeCount(BaseModel):
    """Tokens of one file type (suffix) in a folder count."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="Lower-case file suffix ('.py'), '(none)' or '(text)'.")
    files: int
    bytes: int
    tokens: int = Field(description="Exact count, or the estimate in sample mode.")
    tokens_per_byte: float
    interval_low: int | None = None
    interval_high: int | None = None


class TokenCount(Result):
    """How many tokens a text, file or folder holds."""

    tokens: int = Field(description="Exact count, or the point estimate in sample mode.")
    bytes: int = Field(description="UTF-8 bytes of text counted (in sample mode: all of them).")
    files: int = Field(description="Text files counted (0 for `text`).")
    encoding: str = Field(description="Encoding used; 'custom:<file>' for a non-official BPE.")
    encoding_sha256: str = Field(description="sha256 of the BPE ranks file that was used.")
    mode: Literal["exact", "sample"]
    tokens_per_byte: float
    interval_low: int | None = Field(None, description="Sample mode: 95% interval, low end.")
    interval_high: int | None = Field(None, description="Sample mode: 95% interval, high end.")
    confidence: float | None = Field(None, description="Sample mode: 0.95.")
    sampled_bytes: int = Field(0, description="Sample mode: bytes actually encoded.")
    sampled_chunks: int = Field(0, description="Sample mode: blocks drawn.")
    population_chunks: int = Field(0, description="Sample mode: blocks in the population.")
    seed: int | None = None
    by_type: list[TokenTypeCount] = Field(default_factory=list)
    skipped_binary_files: int = 0
    skipped_binary_bytes: int = 0
    skipped_files: int = Field(0, description="Not regular files, unreadable, or symlinks "
                               "leading outside the granted folders.")
    excluded_files: int = Field(0, description="Files left out by include/exclude.")
    files_with_invalid_utf8: int = 0
    forced_splits: int = Field(0, description="Chunk cuts inside a >8 MiB run without any "
                               "safe boundary; each may shift the count by a few tokens.")
    workers: int = Field(1, description="Worker processes used (after the caps).")


# ---------------------------------------------------------------- the tool


def _sources_for(args: CountTokensInput, allowed_roots: Sequence[Path] | None,
                 budget: Budget) -> tuple[list[Source], WalkResult | None]:
    if args.text is not None:
        try:
            data = args.text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: as tiktoken repairs them
            data = args.text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode()
        if len(data) > MAX_TEXT_BYTES:
            raise InvalidInputError("text", f"{len(data):,} bytes is over the {MAX_TEXT_BYTES:,}"
                                    "-byte limit for `text`; write it to a file and pass `path`")
        return [Source("(text)", len(data), data=data)], None
    assert args.path is not None
    root = resolve_path(args.path, allowed_roots)
    walk = walk_files(root, args.include, args.exclude, allowed_roots, check=budget.check)
    return [Source(f.kind, f.size, path=f.path, identity=f.identity) for f in walk.files], walk


@tool_function(CountTokensInput)
def count_tokens(
    args: CountTokensInput,
    *,
    allowed_roots: Sequence[Path] | None = None,
    max_bytes_ceiling: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers_ceiling: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> TokenCount:
    """Count the tokens of `text`, or of the file or folder at `path`.

    Args (besides `CountTokensInput`'s fields, which a front end passes from the caller):
        allowed_roots: folders below which `path` and `bpe_file` must resolve (symlinks and
            ".." resolved first); None: no restriction (Python callers); []: no file access.
        max_bytes_ceiling: a front end's own cap; the effective cap is
            min(max_bytes, max_bytes_ceiling), so a caller cannot raise it.
        progress: called as progress(done, total) — bytes in exact mode, blocks in sample
            mode — for a progress bar.
        workers_ceiling: a front end's cap on worker processes; the processes used are at
            most min(workers, this machine's CPUs, workers_ceiling), and the result says how
            many.
        cancelled: polled between chunks, blocks and folders; once it returns True the count
            stops (CountStopped). Sample mode also stops after `SAMPLE_SECONDS`.

    Returns:
        TokenCount: `tokens` (exact, or the estimate with `interval_low`/`interval_high`),
        `bytes`, `files`, per-type breakdown, steps, assumptions and summary.

    Raises:
        InvalidInputError: bad arguments, a path outside the granted folders, an input over
            the caps, or an encoding with no offline data (the message says how to add it).
        FlopcastError: tiktoken is not installed (`pip install 'flopcast[tokens]'`).
    """
    if (args.text is None) == (args.path is None):
        raise InvalidInputError("path", "give exactly one of `text` (a string) or `path` "
                                "(a file or folder)")
    if args.sample_fraction is not None and args.sample_chunks is not None:
        raise InvalidInputError("sample_chunks", "give sample_fraction or sample_chunks, "
                                "not both")
    cap = args.max_bytes if max_bytes_ceiling is None else min(args.max_bytes, max_bytes_ceiling)
    bpe_path = None
    if args.bpe_file is not None:
        bpe_path = str(resolve_path(args.bpe_file, allowed_roots, argument="bpe_file"))
    budget = Budget(cancelled, SAMPLE_SECONDS if args.mode == "sample" else None)
    sources, walk = _sources_for(args, allowed_roots, budget)  # access, size errors first
    total = sum(s.size for s in sources)
    if args.mode == "exact" and total > cap:
        fix = ("raise max_bytes" if cap == args.max_bytes else
               "this server's limit cannot be raised by a call; count a smaller folder")
        raise InvalidInputError(
            "max_bytes", f"the text to count is {total:,} bytes ({format_bytes(total)}), "
            f"over max_bytes = {cap:,}; {fix}, or use mode='sample'")
    roots = granted_roots(allowed_roots)
    enc = load_encoding(args.encoding, bpe_path,
                        opener=lambda p: open_inside(p, roots))
    workers_cap = _workers_cap(workers_ceiling)
    if args.mode == "exact":
        wanted = args.workers or (2 if total >= PARALLEL_MIN_BYTES else 1)
        n_workers = min(wanted, workers_cap)
        run = count_exact(sources, enc, bpe_path, n_workers, cap, total, progress, budget)
    else:
        n_workers = 1
        run = count_sample(sources, enc, args.sample_fraction, args.sample_chunks, args.seed,
                           cap, progress, budget)
    return _result(args, enc, run, walk, n_workers, cap, total, workers_cap)


def _workers_cap(ceiling: int | None) -> int:
    """The most worker processes a call may use: this machine's CPUs (more processes than
    cores only add start-up cost), lowered by a front end's ceiling."""
    cpus = os.cpu_count() or 1
    return max(1, cpus if ceiling is None else min(cpus, ceiling))


_TEXTS = {
    "en": {
        "exact": "exact",
        "sample": "estimate",
        "files": "files",
        "per_byte": "tokens per byte",
        "interval": "95% interval",
        "sampled": "from a sample of",
        "feed": "To train on it for E epochs, pass tokens = {t} × E to estimate_training.",
        "skipped": "Skipped: {n} binary files ({b}).",
        "custom": "Custom BPE file (not an official encoding's data): {name}.",
    },
    "zh": {
        "exact": "精确计数",
        "sample": "抽样估计",
        "files": "个文件",
        "per_byte": "每字节 token 数",
        "interval": "95% 区间",
        "sampled": "抽样",
        "feed": "训练 E 个 epoch 时，把 tokens = {t} × E 传给 estimate_training。",
        "skipped": "已跳过 {n} 个二进制文件（{b}）。",
        "custom": "自定义 BPE 文件（不是官方编码数据）：{name}。",
    },
}


def _steps(run: Run, tokens: int, total: int, mode: str) -> list[Step]:
    steps: list[Step] = []
    if mode == "exact":
        steps.append(make_step(
            "tokens", "T = Σ_chunks tokens(chunk)", [("B", float(total), "bytes")],
            float(tokens), "tokens",
            expression="sum over chunks cut at safe boundaries (exact)"))
    else:
        sampled_t = sum(t.sample_tokens for t in run.by_type.values())
        sampled_b = run.sampled_bytes
        ratio = sampled_t / sampled_b if sampled_b else 0.0
        steps.append(make_step(
            "sampled tokens per byte", "R̂ = Σt / Σb",
            [("Σt", float(sampled_t), "tokens"), ("Σb", float(sampled_b), "bytes"),
             ("n", float(run.sampled_chunks), "blocks"), ("N", float(run.population), "blocks")],
            ratio, "tokens/byte", expression="Σt / Σb"))
        variance = sum(t.variance for t in run.by_type.values())
        steps.append(make_step(
            "estimated tokens", "T̂ = Σ_h B_h · R̂_h", [("B", float(total), "bytes")],
            float(tokens), "tokens", expression="Σ over file types of bytes × sampled ratio"))
        se = math.sqrt(variance)
        steps.append(make_step(
            "standard error", "SE = √(Σ_h N_h²·(1 − n_h/N_h)/n_h · s²_h)", [],
            se, "tokens", expression="√(Σ_h Var(T̂_h))"))
        steps.append(make_step(
            "95% interval", "T̂ ± z·SE", [("T̂", float(tokens), "tokens"), ("z", Z_95, ""),
                                         ("SE", se, "tokens")],
            Z_95 * se, "tokens (half-width)", expression=f"{format_number(Z_95)} × SE"))
    ratio_all = tokens / total if total else 0.0
    steps.append(make_step("tokens per byte", "T / B", [("T", float(tokens), "tokens"),
                                                       ("B", float(total), "bytes")],
                           ratio_all, "tokens/byte"))
    return steps


def _result(args: CountTokensInput, enc: LoadedEncoding, run: Run, walk: WalkResult | None,
            workers: int, cap: int, total: int, workers_cap: int) -> TokenCount:
    lang = args.language
    words = _TEXTS[lang]
    if args.mode == "exact":  # bytes actually read (a file may change after it was listed)
        total = sum(t.bytes for t in run.by_type.values())
    sample = args.mode == "sample"
    tokens = sum(t.tokens for t in run.by_type.values())
    by_type = [
        TokenTypeCount(
            type=kind, files=t.files if walk is not None else 0, bytes=t.bytes, tokens=t.tokens,
            tokens_per_byte=t.tokens / t.bytes if t.bytes else 0.0,
            interval_low=math.floor(t.low) if sample else None,
            interval_high=math.ceil(t.high) if sample else None)
        for kind, t in sorted(run.by_type.items(), key=lambda kv: (-kv[1].bytes, kv[0]))
    ]
    low = high = None
    if sample:
        half = Z_95 * math.sqrt(sum(t.variance for t in run.by_type.values()))
        low, high = max(0, math.floor(tokens - half)), math.ceil(tokens + half)
    assumptions = [
        Assumption(name="encoding", value=f"{enc.name} (sha256 {enc.sha256[:16]}…)",
                   source=(f"BPE ranks from {enc.source}; "
                           + ("digest checked against tiktoken_ext/openai_public.py"
                              if enc.official else "not an official encoding's data")
                           + "; special tokens counted as plain text (encode_ordinary)")),
        Assumption(name="max_bytes", value=f"{cap:,} bytes",
                   source="cap on bytes read per call" + (" (text: at most "
                          f"{MAX_TEXT_BYTES:,} bytes)" if args.text is not None else "")),
    ]
    if sample:
        assumptions.append(Assumption(
            name="sample", value=(f"{run.sampled_chunks} of {run.population} blocks of "
                                  f"{SAMPLE_BLOCK_BYTES} bytes, seed {args.seed}"),
            source=("stratified by file type, ratio estimator with normal 95% interval "
                    "(Cochran 1977, Sampling Techniques §5.2, §6.3); default "
                    f"{DEFAULT_SAMPLE_CHUNKS} blocks")))
    else:
        asked = args.workers
        capped = (f"; {asked} asked, capped at {workers_cap} (this machine's CPUs or the "
                  "server's limit)" if asked is not None and asked > workers else "")
        assumptions.append(Assumption(
            name="workers", value=str(workers),
            source=f"processes counting; default 1 below {PARALLEL_MIN_BYTES:,} bytes, "
                   f"else 2, never more than {workers_cap}{capped}"))
    if walk is not None:
        assumptions.append(Assumption(
            name="files", value="UTF-8 text; binary = NUL byte in the first "
                                f"{BINARY_SNIFF_BYTES} bytes (skipped)",
            source="git's binary heuristic (xdiff-interface.c buffer_is_binary); invalid UTF-8 "
                   "counts as U+FFFD; .git/.hg/.svn skipped; symlinked folders not entered"))
    if run.note:
        assumptions.append(Assumption(name="workers", value="1", source=run.note))
    if run.forced:
        assumptions.append(Assumption(
            name="forced_splits", value=str(run.forced),
            source="runs over 8 MiB with no safe boundary were cut at a character; each cut "
                   "may shift the count by a few tokens"))
    head = (f"**{tokens:,} tokens**" if lang == "en" else
            f"**{tokens:,} 个 token**" + (
                f"（约 {format_count(tokens, lang)}）" if tokens >= 10**4 else ""))
    mode_word = words["sample"] if sample else words["exact"]
    n_files = len(walk.files) if walk is not None else 0
    comma = ", " if lang == "en" else "，"
    where = (f"{n_files:,} {words['files']}{comma}" if walk is not None else "")
    where += format_bytes(total)
    ratio = tokens / total if total else 0.0
    summary = (f"{head} ({enc.name}, {mode_word}) — {where}; {words['per_byte']} "
               f"{format_number(ratio)}." if lang == "en" else
               f"{head}（{enc.name}，{mode_word}）— {where}；{words['per_byte']} "
               f"{format_number(ratio)}。")
    if sample and low is not None and high is not None:
        span = f"{format_count(low, lang)} – {format_count(high, lang)}"
        read = f"{words['sampled']} {format_bytes(run.sampled_bytes)}"
        summary += (f" {words['interval']}: {span} ({read})." if lang == "en" else
                    f"{words['interval']}：{span}（{read}）。")
    gap = " " if lang == "en" else ""
    if not enc.official:
        summary += gap + words["custom"].format(name=enc.name)
    if walk is not None and walk.binary_files:
        summary += gap + words["skipped"].format(n=walk.binary_files,
                                                 b=format_bytes(walk.binary_bytes))
    summary += gap + words["feed"].format(t=f"{tokens:,}")
    return TokenCount(
        tokens=tokens, bytes=total, files=n_files, encoding=enc.name,
        encoding_sha256=enc.sha256, mode=args.mode, tokens_per_byte=ratio,
        interval_low=low, interval_high=high, confidence=0.95 if sample else None,
        sampled_bytes=run.sampled_bytes, sampled_chunks=run.sampled_chunks,
        population_chunks=run.population, seed=args.seed if sample else None,
        by_type=by_type,
        skipped_binary_files=walk.binary_files if walk else 0,
        skipped_binary_bytes=walk.binary_bytes if walk else 0,
        skipped_files=(walk.skipped_other + walk.skipped_outside) if walk else 0,
        excluded_files=walk.excluded if walk else 0,
        files_with_invalid_utf8=len(run.bad_files), forced_splits=run.forced,
        workers=1 if run.note else workers, steps=_steps(run, tokens, total, args.mode),
        assumptions=assumptions, summary=summary, language=lang,
    )
