"""Long runs of blanks: counted exactly, never handed to tiktoken's regex (which panics).

The expected counts are tiktoken's own `encode_ordinary` on inputs it can still take, or
hand arithmetic from the size of the longest blank token (checked against tiktoken here).
"""

from __future__ import annotations

import random
import threading

import pytest

from flopcast.tokens import encodings as tokenizer_data
from flopcast.tokens.count import count_tokens
from flopcast.tokens.encodings import ENCODINGS, LONG_BLANK_RUN, blank_run_pieces, load_encoding

tiktoken = pytest.importorskip("tiktoken")

HAS_O200K = any(p.is_file() for p in (
    d / "data" / "o200k_base.tiktoken.gz" for d in tokenizer_data._package_dirs("bpe_openai")))
needs_o200k = pytest.mark.skipif(not HAS_O200K, reason="bpe-openai (o200k_base data) missing")

ENCODING_NAMES = ["cl100k_base", pytest.param("o200k_base", marks=needs_o200k)]


@pytest.fixture(autouse=True)
def _empty_tiktoken_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path_factory.mktemp("tiktoken-cache")))


def _random_text(rng: random.Random) -> str:
    """Text rich in blank runs next to letters, digits, punctuation, newlines and marks."""
    words = [" ", "\t", "\u3000", "\n", "\r\n", "a", "B", "x", "1", "!", ".", "/", "中",
             "'s", "\xa0", "\u2028", "\x85", "\x1c", "é", "\u0301"]
    blanks = [" ", "\t", "\u3000", "\xa0", " \t", "\u2028", "\x0b"]
    parts = []
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.5:
            parts.append(rng.choice(blanks) * rng.randint(1, 40))
        else:
            parts.append("".join(rng.choice(words) for _ in range(rng.randint(1, 6))))
    return "".join(parts)


@pytest.mark.parametrize("name", ENCODING_NAMES)
def test_cutting_out_blank_runs_keeps_the_count_exact(name, monkeypatch):
    # With the threshold lowered to a few characters, nearly every text takes the cut
    # path; tiktoken on the whole text (short runs, no panic) is the reference.
    enc = load_encoding(name)
    rng = random.Random(20261201)
    cut = 0
    for _ in range(600):
        text = _random_text(rng)
        monkeypatch.setattr(tokenizer_data, "LONG_BLANK_RUN", rng.randint(2, 12))
        cut += bool(blank_run_pieces(text, enc.spec.pat_str, tokenizer_data.LONG_BLANK_RUN))
        got = enc.count(text)
        assert got == len(enc.encoding.encode_ordinary(text)), repr(text)
    assert cut > 300  # the property was exercised, not skipped


def test_pieces_are_the_runs_before_a_non_space_or_the_end():
    o200k = ENCODINGS["o200k_base"].pat_str
    # the last blank before "b" starts the piece " b"; at the end the run is all one piece
    assert blank_run_pieces("a" + " " * 6 + "b", o200k, limit=4) == [(1, 6)]
    assert blank_run_pieces("a" + " " * 6, o200k, limit=4) == [(1, 7)]
    # after a newline the run starts after it; a run ending in a newline is left alone
    assert blank_run_pieces("a\n\n" + "\t" * 5 + "b", o200k, limit=4) == [(3, 7)]
    assert blank_run_pieces("a" + " " * 6 + "\r\nb", o200k, limit=4) == []
    # shorter runs and str.isspace-only separators (U+001C is not White_Space) are ignored
    assert blank_run_pieces("a" + " " * 3 + "b", o200k, limit=4) == []
    assert blank_run_pieces("a" + "\x1c" * 8 + "b", o200k, limit=4) == []
    # r50k/p50k have no newline alternative: newlines belong to the run
    r50k = ENCODINGS["r50k_base"].pat_str
    assert blank_run_pieces("a" + " \n" * 4 + "b", r50k, limit=4) == [(1, 8)]


@pytest.mark.parametrize("name", ENCODING_NAMES)
@pytest.mark.parametrize("blank", [" ", "\t", "\u3000"])
def test_a_million_blanks_count_without_a_panic(name, blank):
    # Hand count: a run of L·k blanks is k tokens when the blank repeated L times is
    # the longest blank token; L is read from the vocabulary below, by tiktoken itself.
    enc = load_encoding(name)
    native = enc.encoding.encode_ordinary
    longest = max(n for n in (2, 16, 32, 64, 128, 256)
                  if len(native(blank * n)) == 1)
    n = 1_000_000
    assert n > 15 * LONG_BLANK_RUN  # the whole text goes through the cut path
    expected = -(-n // longest)  # every block of `longest`, the rest one token
    rest = n % longest
    if rest:
        assert len(native(blank * rest)) == 1  # (64 spaces in o200k: one token)
    assert enc.count(blank * n) == expected
    # between words: "a", the run less its last blank, then " b" (or "\tb"…)
    text = "a" + blank * (n + 1) + "b"
    assert enc.count(text) == 1 + expected + len(native(blank + "b"))


@needs_o200k
def test_count_tokens_on_a_blank_file_and_folder(tmp_path):
    # The reported crash: a file (or a folder holding it) of a million spaces, o200k_base.
    (tmp_path / "blank.txt").write_text(" " * 1_000_000)
    by_file = count_tokens(path=str(tmp_path / "blank.txt"), allowed_roots=[tmp_path])
    by_folder = count_tokens(path=str(tmp_path), allowed_roots=[tmp_path])
    # 7,812 blocks of 128 spaces + one token of 64 (test above): 7,813
    assert by_file.tokens == by_folder.tokens == 7_813
    assert count_tokens(text="\t" * 1_000_000).tokens == 62_500  # 16 tabs per token
    assert count_tokens(text="ok").tokens == 1  # and the next call is served as usual


def test_concurrent_first_loads_build_the_encoding_once(monkeypatch):
    monkeypatch.setattr(tokenizer_data, "_CACHE", {})
    built = []
    real = tokenizer_data._build

    def counting_build(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(tokenizer_data, "_build", counting_build)
    results = []
    threads = [threading.Thread(target=lambda: results.append(load_encoding("cl100k_base")))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and len({id(r) for r in results}) == 1


def test_sources_name_no_server_folder():
    loaded = load_encoding("cl100k_base")
    assert "/" not in loaded.source.replace("data/", "")  # package and file name only
