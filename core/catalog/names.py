"""Hardware names as people write them: order-free tokens, memory sizes, vendor hints.

`resolve_hardware` (`flopcast.catalog.lookup`) first matches the whole name (case, spaces,
hyphens ignored). When that fails it matches the name's *tokens* as a set, so word order
and the way a memory size is written do not matter: "A100 80G", "A100-80G", "a100 80GB",
"A100 80 GB" are one key, and "a100 80gb pcie" equals the alias "a100 pcie 80gb". Brand
words ("NVIDIA", "Tesla", "Instinct") are dropped.

An unknown name gets suggestions from its own vendor first (the name's brand word, else a
prefix such as "MI" for AMD or "H"/"A"/"RTX" for NVIDIA, see `_VENDOR_HINTS`), then the
devices whose model word is the name's first word ("h20 pcie" → the H20 before the
"h200 pcie" card: `model_word`), then by the longest shared prefix of the name, then by
difflib similarity: "h800" suggests NVIDIA parts that start with "h8" before those that
only share the "h".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

__all__ = ["BRAND_WORDS", "model_word", "rank_suggestions", "token_key", "vendor_hint"]

#: Brand words a user may put before a model name ("NVIDIA H100", "Tesla V100").
BRAND_WORDS = ("nvidia", "amd", "google", "cloud", "intel", "habana", "tesla", "geforce",
               "instinct", "huawei", "aws", "amazon")

#: (pattern on the normalized name, vendor as the catalog spells it). Brand words win;
#: these prefixes are how each vendor numbers its parts.
_VENDOR_HINTS: tuple[tuple[str, str], ...] = (
    (r"^(nvidia|tesla|geforce|rtx|gtx|quadro|dgx|hgx|g[hb]?\d|[hablvt]\d|grace|blackwell)",
     "NVIDIA"),
    (r"^(amd|instinct|mi\d|epyc|radeon|ryzen|turin|genoa)", "AMD"),
    (r"^(google|tpu|trillium|ironwood)", "Google"),
    (r"^(intel|habana|gaudi|xeon|core|granite|sapphire)", "Intel"),
    (r"^(huawei|ascend|昇腾|atlas)", "Huawei"),
    (r"^(aws|amazon|trainium|inferentia|trn\d|inf\d)", "AWS"),
)

_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)(?:g|gb|gib|g显存)$")


def _split(name: str) -> list[str]:
    words = [w for w in re.split(r"[\s\-_/,]+", str(name).lower()) if w]
    tokens: list[str] = []
    for w in words:
        # "a100-80g" is split above; "h100 80gb" too; "80 gb" is joined below.
        if w in ("g", "gb", "gib") and tokens and re.fullmatch(r"\d+(?:\.\d+)?", tokens[-1]):
            tokens[-1] += "gb"
            continue
        m = _MEMORY.match(w)
        tokens.append(f"{m.group(1)}gb" if m else w)
    return tokens


def token_key(name: str) -> str:
    """Order-free key of a name: its tokens without brand words, memory as "<n>gb", sorted.

    >>> token_key("A100 80G") == token_key("a100-80gb") == token_key("NVIDIA A100 80 GB")
    True
    >>> token_key("a100 80gb pcie") == token_key("a100 pcie 80gb")
    True
    """
    tokens = [t for t in _split(name) if t not in BRAND_WORDS]
    return " ".join(sorted(tokens))


def vendor_hint(name: str) -> str | None:
    """The vendor a name points to, from its brand word or part-number prefix.

    >>> vendor_hint("h800"), vendor_hint("MI355X"), vendor_hint("昇腾910B")
    ('NVIDIA', 'AMD', 'Huawei')
    """
    key = re.sub(r"[\s\-_.]+", "", str(name).lower())
    for pattern, vendor in _VENDOR_HINTS:
        if re.match(pattern, key):
            return vendor
    return None


def model_word(name: str) -> str | None:
    """The first word of a name after brand words: the model ("NVIDIA H20 96GB" → "h20").

    >>> model_word("NVIDIA H20 96GB"), model_word("h200 pcie"), model_word("AWS Trn2")
    ('h20', 'h200', 'trn2')
    """
    tokens = [t for t in _split(name) if t not in BRAND_WORDS]
    return tokens[0] if tokens else None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def rank_suggestions(
    key: str, pool: Mapping[str, str], vendors: Mapping[str, str], given: str, n: int = 5,
    models: Mapping[str, frozenset[str]] | None = None,
) -> list[str]:
    """Up to `n` ids for an unknown name, its vendor's parts first.

    Args:
        key: the normalized name (as `lookup._norm` makes it).
        pool: normalized alias → id.
        vendors: id → vendor.
        given: the name as typed (for the vendor hint and its model word).
        models: id → the model words of its spellings (`model_word`); an id whose model
            word is the typed name's ranks right after the vendor.
    """
    vendor = vendor_hint(given)
    typed_model = model_word(given)
    scored: dict[str, tuple[int, int, int, float]] = {}
    for alias, hw_id in pool.items():
        ratio = difflib.SequenceMatcher(None, key, alias).ratio()
        prefix = _common_prefix(key, alias)
        if ratio < 0.5 and prefix < 2:
            continue
        same_model = int(models is not None and typed_model in models.get(hw_id, ()))
        score = (int(vendor is not None and vendors.get(hw_id) == vendor), same_model, prefix,
                 ratio)
        if hw_id not in scored or score > scored[hw_id]:
            scored[hw_id] = score
    ranked = sorted(scored, key=lambda i: scored[i], reverse=True)
    return ranked[:n]


def names_of(entries: Iterable[tuple[str, list[str]]]) -> dict[str, str]:
    """token key → id for every (id, spellings); keys two ids share are left out."""
    found: dict[str, str] = {}
    clash: set[str] = set()
    for hw_id, spellings in entries:
        for s in spellings:
            k = token_key(s)
            if k in found and found[k] != hw_id:
                clash.add(k)
            found[k] = hw_id
    return {k: v for k, v in found.items() if k not in clash}
