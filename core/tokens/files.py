"""Reading text for token counting: safe chunk boundaries, folder walks, access rules.

Chunking is exact. tiktoken splits text with a pre-tokenizer regex and runs BPE on
each piece separately, so the token count of a text is the sum over its pieces. A
split position p is *safe* when the pieces of text[:p] and text[p:] are exactly the
pieces of the whole text on each side of p; then
``count(text) == count(text[:p]) + count(text[p:])``. Reading the four patterns
(tiktoken_ext/openai_public.py: r50k/p50k, cl100k, o200k), with \\S a non-whitespace
character:

R1  text[p-1] is \\S and text[p] is " ": no piece runs from a non-space into a space
    (letters, digits and punctuation runs are possessive or end on their own class; only
    cl100k's and o200k's punctuation runs may take trailing [\\r\\n] or [\\r\\n/]).
    The piece at p starts at p in both texts; nothing before p looks past p.
R2  text[p-2] is \\S, text[p-1] is "\\n", text[p] is \\S and not "/": the newline is a
    piece of its own (r50k: `\\s`; cl100k: `\\s*[\\r\\n]`, or the tail of a punctuation
    run, which stops at \\S; o200k: the same, except `[\\r\\n/]*`, hence not "/"); at the
    end of text[:p] it is still one piece (`\\s++$` matches the same single character).
R3  text[p-1] is a letter and text[p] is one of ，。！？；：、 (CJK punctuation, not letters,
    digits, marks or spaces): every letter run ends before it in all four patterns.

Whitespace is tested with `str.isspace`, a superset of the regex's `\\s`, so the test
only ever rejects more positions. tests/core/tokens/test_count.py checks every rule against
whole-text encoding. Where no safe position exists within `max_chunk` bytes (one
unbroken run of letters or spaces), the chunk is split at a character boundary and
the split is reported as forced (it may change the count by a few tokens).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flopcast.numbers.errors import InvalidInputError, quote

__all__ = [
    "BINARY_SNIFF_BYTES",
    "CHUNK_BYTES",
    "MAX_CHUNK_BYTES",
    "TextFile",
    "WalkResult",
    "file_type",
    "granted_roots",
    "is_binary",
    "iter_chunks",
    "last_safe_split",
    "open_checked",
    "open_inside",
    "resolve_path",
    "walk_files",
]

#: Bytes read per chunk; the pending carry-over adds at most one partial word.
CHUNK_BYTES = 1 << 20
#: A chunk with no safe boundary is split by force once it reaches this size.
MAX_CHUNK_BYTES = 8 << 20
#: git treats a file as binary if its first 8000 bytes hold a NUL byte
#: (git xdiff-interface.c, FIRST_FEW_BYTES / buffer_is_binary); flopcast does the same.
BINARY_SNIFF_BYTES = 8000
#: Version-control folders are never walked.
VCS_DIRS = frozenset({".git", ".hg", ".svn"})

_CJK_PUNCT = tuple(c.encode() for c in "，。！？；：、")


def _char_before(buf: bytes, p: int) -> str:
    """The character ending at byte p (U+FFFD if the bytes are not valid UTF-8)."""
    j = p - 1
    while j > 0 and p - j < 4 and (buf[j] & 0xC0) == 0x80:
        j -= 1
    return buf[j:p].decode("utf-8", "replace")[-1:] or "\ufffd"


def _char_at(buf: bytes, p: int) -> str:
    b = buf[p]
    if b < 0x80:
        return chr(b)
    width = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
    return buf[p : p + width].decode("utf-8", "replace")[:1]


def _safe(buf: bytes, p: int, kind: int) -> bool:
    if kind == 1:  # R1: \S then " "
        return not _char_before(buf, p).isspace()
    if kind == 2:  # R2: \S "\n" | \S, not "/"
        if p < 2 or p + 4 > len(buf):
            return False
        after = _char_at(buf, p)
        return (after != "/" and not after.isspace()
                and not _char_before(buf, p - 1).isspace())
    return _char_before(buf, p).isalpha()  # R3: letter then CJK punctuation


def last_safe_split(buf: bytes, lo: int = 1) -> int | None:
    """The largest p in [lo, len(buf) - 4] where splitting `buf` is exact (R1–R3), or None.

    >>> data = "one two\\n三。 ".encode()
    >>> p = last_safe_split(data)
    >>> data[:p].decode(), data[p:].decode()
    ('one two\\n三', '。 ')
    """
    hi = len(buf) - 4  # keep room to decode the character at p
    lo = max(lo, 1)
    if hi < lo:
        return None
    # (needle, rule, offset): a match at index i gives the split position i + offset
    needles = [(b" ", 1, 0), (b"\n", 2, 1)] + [(c, 3, 0) for c in _CJK_PUNCT]
    found: list[int | None] = [None] * len(needles)  # last candidate per needle, -1: none left
    limit = hi + 1  # candidates are < limit
    while True:
        for i, (needle, _rule, offset) in enumerate(needles):
            pos = found[i]
            if pos is None or pos >= limit:
                # the match [at, at + len) must end by limit - 1 - offset + len
                at = buf.rfind(needle, max(lo - offset, 0), limit - 1 - offset + len(needle))
                found[i] = -1 if at < 0 else at + offset
        best_i = max(range(len(needles)), key=lambda k: found[k] or -1)
        best = found[best_i] or -1
        if best < lo:
            return None
        if _safe(buf, best, needles[best_i][1]):
            return best
        limit = best


def iter_chunks(
    stream: BinaryIO, chunk_bytes: int = CHUNK_BYTES, max_chunk: int = MAX_CHUNK_BYTES
) -> Iterator[tuple[bytes, bool]]:
    """Yield (chunk, forced) so that the chunks concatenate to the stream's bytes.

    Every boundary is safe (R1–R3) unless `forced` is True for the chunk it ends.
    """
    pending = b""
    while True:
        block = stream.read(chunk_bytes)
        if not block:
            if pending:
                yield pending, False
            return
        pending = pending + block if pending else block
        if len(pending) < chunk_bytes:
            continue
        p = last_safe_split(pending, max(1, len(pending) - max_chunk))
        if p is not None:
            yield pending[:p], False
            pending = pending[p:]
        elif len(pending) >= max_chunk:
            cut = len(pending) - 1
            while cut > 0 and (pending[cut] & 0xC0) == 0x80:  # back to a character start
                cut -= 1
            yield pending[:cut], True
            pending = pending[cut:]


def is_binary(head: bytes) -> bool:
    """git's rule: a NUL byte among the first `BINARY_SNIFF_BYTES` bytes."""
    return b"\0" in head[:BINARY_SNIFF_BYTES]


def file_type(path: Path) -> str:
    """The breakdown key: the lower-case suffix (".py"), or "(none)"."""
    return path.suffix.lower() or "(none)"


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == r or path.is_relative_to(r) for r in roots)


def granted_roots(allowed_roots: Sequence[Path | str] | None) -> list[Path] | None:
    """The granted folders, resolved (symlinks and `~` expanded); None: no restriction."""
    return None if allowed_roots is None else [Path(r).expanduser().resolve()
                                               for r in allowed_roots]


def resolve_path(
    given: str, allowed_roots: Sequence[Path] | None, *, argument: str = "path"
) -> Path:
    """Resolve `given` (symlinks and `..` included) and enforce `allowed_roots`.

    `allowed_roots=None`: no restriction (a Python caller may read what it names);
    `[]`: file access refused; otherwise the resolved path must lie inside a root.
    Relative paths are taken from the current directory, or from the first root.
    """
    if allowed_roots is not None and not allowed_roots:
        raise InvalidInputError(
            argument, "reading files is not allowed here: no folder has been granted; start "
            "the server with --allow-dir FOLDER (or grant the folder as an MCP root), or pass "
            "the text itself as `text`",
        )
    if "\x00" in given:  # the OS calls refuse it with a bare ValueError: name the argument
        raise InvalidInputError(
            argument, f"contains a NUL byte (\\0), which no file name can hold; got {quote(given)}")
    path = Path(given).expanduser()
    roots = granted_roots(allowed_roots)
    if not path.is_absolute() and roots:
        path = roots[0] / path
    if roots is not None:
        # Outside the granted folders, a missing path and an existing one get the same
        # answer, so a caller cannot probe what exists there.
        try:
            where = path.resolve(strict=False)
        except (OSError, RuntimeError, ValueError):
            where = None
        if where is None or not _inside(where, roots):
            shown = ", ".join(str(r) for r in roots)
            raise InvalidInputError(
                argument, f"{quote(given)} is not a file or folder below the folders granted "
                f"({shown}); only those can be read (symlinks and '..' are resolved first)")
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError) as e:
        raise InvalidInputError(argument, f"no such file or folder: {quote(given)}") from e
    if roots is not None and not _inside(resolved, roots):  # changed since the check above
        raise InvalidInputError(argument, f"{quote(given)} is not a file or folder below the "
                                "folders granted")
    return resolved


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    name = relative.rsplit("/", 1)[-1]
    for pattern in patterns:
        pat = pattern.rstrip("/")
        # "**/" also matches no folder at all, as in git: docs/**/*.md matches docs/a.md
        variants = {pat, pat.replace("/**/", "/")}
        variants |= {v[3:] for v in list(variants) if v.startswith("**/")}
        if any(fnmatch.fnmatchcase(relative, v) for v in variants):
            return True
        if fnmatch.fnmatchcase(name, pat):
            return True
    return False


@dataclass(frozen=True)
class TextFile:
    path: Path
    size: int
    kind: str
    #: (st_dev, st_ino) of the file checked here; `open_checked` refuses any other file.
    identity: tuple[int, int] = (0, 0)


@dataclass
class WalkResult:
    files: list[TextFile]
    binary_files: int = 0
    binary_bytes: int = 0
    skipped_outside: int = 0  # symlinks leading out of the granted folders
    skipped_other: int = 0  # not regular files (fifos, sockets, devices) or unreadable
    excluded: int = 0


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
#: Where the OS can open relative to a folder's descriptor (Linux, macOS), a file inside the
#: granted folders is opened one path part at a time, none of them followed if a symlink.
_STEPWISE = os.open in os.supports_dir_fd and bool(_NOFOLLOW) and bool(_DIRECTORY)


def _open_inside(real: Path, roots: Sequence[Path] | None) -> int:
    """Open `real` (a resolved path) for reading without following any symlink on the way
    from the granted folder that holds it, so a folder swapped for a symlink after the
    path was resolved cannot lead outside. Without `roots`, only the last part is not
    followed.

    Raises:
        OSError: a part is missing or is (now) a symlink, or the file cannot be read.
    """
    flags = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
    root = next((r for r in roots or () if real == r or real.is_relative_to(r)), None)
    if root is None or not _STEPWISE or real == root:
        return os.open(real, flags)
    parts = real.relative_to(root).parts
    folder = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=folder)
            os.close(folder)
            folder = inner
        return os.open(parts[-1], flags, dir_fd=folder)
    finally:
        os.close(folder)


def open_inside(real: Path, roots: Sequence[Path] | None) -> BinaryIO:
    """`real` opened for reading as `_open_inside` does, as a binary file object."""
    return os.fdopen(_open_inside(real, roots), "rb")


def _sniff(path: Path, roots: Sequence[Path] | None) -> tuple[bytes, os.stat_result] | None:
    """The first bytes of a regular file and its stat, opened as `_open_inside` does."""
    try:
        fd = _open_inside(path, roots)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        return os.read(fd, BINARY_SNIFF_BYTES), st
    finally:
        os.close(fd)


def open_checked(path: Path, identity: tuple[int, int], *, argument: str = "path") -> BinaryIO:
    """Open a file found by `walk_files` for reading, refusing it if it is no longer the file
    that was checked then: the path's last part is not followed if it became a symlink, and
    the opened file's (device, inode) must be the one recorded. So a folder or file swapped
    for a symlink between the check and the read cannot lead outside the granted folders.

    Raises:
        InvalidInputError: the file vanished or was replaced.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError as e:
        raise InvalidInputError(argument, f"{str(path)!r} could not be opened: {e.strerror}") from e
    st = os.fstat(fd)
    if (st.st_dev, st.st_ino) != identity or not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise InvalidInputError(argument, f"{str(path)!r} was replaced after it was checked; "
                                "nothing was read from it")
    return os.fdopen(fd, "rb")


def walk_files(
    root: Path,
    include: Sequence[str] | None,
    exclude: Sequence[str] | None,
    allowed_roots: Sequence[Path] | None,
    check: Callable[[], None] | None = None,
) -> WalkResult:
    """Text files below `root` (resolved), sorted, with include/exclude globs applied.

    `check` is called once per folder and per 1,000 files; it raises to stop the walk
    (a cancelled request, a time limit).

    Globs match the path relative to `root` (with "/") or the file name; "**/" matches any
    depth. Symlinked folders are not entered; a symlinked file is read only if it resolves
    inside `allowed_roots` (when given). Binary files (NUL in the first 8000 bytes) and
    non-regular files are skipped and counted.
    """
    roots = granted_roots(allowed_roots)
    out = WalkResult(files=[])
    candidates: list[tuple[str, Path]] = []
    if root.is_file():  # a file named explicitly is counted whatever include/exclude say
        sniffed = _sniff(root, roots)
        if sniffed is None:
            out.skipped_other += 1
        elif is_binary(sniffed[0]):
            out.binary_files, out.binary_bytes = 1, sniffed[1].st_size
        else:
            st = sniffed[1]
            out.files.append(TextFile(root, st.st_size, file_type(root), (st.st_dev, st.st_ino)))
        return out
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        if check is not None:
            check()
        base = Path(folder)
        rel_base = base.relative_to(root).as_posix()
        rel_base = "" if rel_base == "." else rel_base + "/"
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in VCS_DIRS and not (exclude and _matches(rel_base + d, exclude))
        )
        for name in sorted(filenames):
            candidates.append((rel_base + name, base / name))
    for number, (relative, path) in enumerate(candidates):
        if check is not None and number % 1000 == 999:
            check()
        left_out = include and not _matches(relative, include)
        if left_out or (exclude and _matches(relative, exclude)):
            out.excluded += 1
            continue
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            out.skipped_other += 1
            continue
        if roots is not None and not _inside(real, roots):
            out.skipped_outside += 1
            continue
        sniffed = _sniff(real, roots)
        if sniffed is None:
            out.skipped_other += 1
            continue
        head, st = sniffed
        if is_binary(head):
            out.binary_files += 1
            out.binary_bytes += st.st_size
            continue
        out.files.append(TextFile(real, st.st_size, file_type(path), (st.st_dev, st.st_ino)))
    return out
