"""Loading the hardware catalog and finding a device by name.

`load_catalog_text` parses and validates catalog TOML (the shipped
``data/hardware.toml``, whose header documents every field, or a test's string):
each entry strictly, duplicate ids and aliases fail, families must name known ids.
The shipped file is read once, on first use (`hardware_catalog`). `resolve_hardware`
finds a device by id, alias or family name, case-, space- and hyphen-insensitively
and ignoring leading brand words ("NVIDIA H100"), then by its tokens in any order with
memory sizes as people write them ("A100 80G", "a100 80gb pcie"; `flopcast.catalog.names`);
a family name returns its default variant with an Assumption saying which and why; an
unknown name raises `UnknownHardwareError` with the nearest ids, its vendor's first.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from pydantic import Field, ValidationError

from flopcast.catalog.device import Hardware
from flopcast.catalog.names import BRAND_WORDS, model_word, names_of, rank_suggestions, token_key
from flopcast.catalog.spec import IsaRow, StrictModel, read_catalog_toml
from flopcast.numbers.errors import UnknownHardwareError
from flopcast.numbers.results import Assumption

__all__ = [
    "Family",
    "HardwareCatalog",
    "get_hardware",
    "hardware_catalog",
    "load_catalog_text",
    "resolve_hardware",
    "unverified_figures",
]


class Family(StrictModel):
    """A family name ("a100") and the variant it means by default, with the reason."""

    default: str
    reason: str = Field(min_length=10)
    members: list[str] = Field(min_length=1)


class HardwareCatalog(StrictModel):
    """The whole catalog: entries, family aliases and the CPU ISA table."""

    entries: tuple[Hardware, ...]
    families: dict[str, Family]
    isa: dict[str, IsaRow]
    index: dict[str, str] = Field(description="normalized name → hardware id")
    family_index: dict[str, str] = Field(description="normalized family → family name")
    token_index: dict[str, str] = Field(
        default_factory=dict,
        description="order-free token key → 'hw:<id>' or 'family:<name>' (unambiguous only)")


def _norm(name: str) -> str:
    """Case, space, hyphen, underscore and dot insensitive key: 'H100-SXM' → 'h100sxm'."""
    return re.sub(r"[\s\-_.]+", "", str(name).lower())


def load_catalog_text(text: str) -> HardwareCatalog:
    """Parse and validate catalog TOML (the shipped file or a test's string).

    Raises:
        ValueError: on a TOML error, an invalid entry (unknown or missing field, a
            peak without a source...), a duplicate id or alias, or a family pointing
            at an unknown id.
    """
    raw = read_catalog_toml(text, "hardware catalog",
                            {"schema_version", "isa", "families", "hardware"})
    try:
        isa = {k: IsaRow.model_validate(v) for k, v in raw.get("isa", {}).items()}
        entries: list[Hardware] = []
        for item in raw.get("hardware", []):
            item = dict(item)
            if isinstance(item.get("cpu"), dict):
                if "isa_rows" in item["cpu"]:
                    raise ValueError("cpu.isa_rows is filled by the loader; use cpu.core_groups")
                used = {k for g in item["cpu"].get("core_groups", []) for k in g.get("isa", [])}
                missing = used - set(isa)
                if missing:
                    raise ValueError(f"{item.get('id')}: unknown isa {sorted(missing)}")
                item["cpu"] = {**item["cpu"], "isa_rows": {k: isa[k] for k in sorted(used)}}
            entries.append(Hardware.model_validate(item))
        families = {k: Family.model_validate(v) for k, v in raw.get("families", {}).items()}
    except ValidationError as e:
        raise ValueError(f"hardware catalog: {e}") from e
    index: dict[str, str] = {}
    for hw in entries:
        for name in [hw.id, *hw.aliases]:
            key = _norm(name)
            if key in index:
                raise ValueError(f"hardware catalog: duplicate id/alias {name!r} "
                                 f"({index[key]} and {hw.id})")
            index[key] = hw.id
    ids = {hw.id for hw in entries}
    family_index: dict[str, str] = {}
    for fam_name, fam in families.items():
        key = _norm(fam_name)
        if key in index or key in family_index:
            raise ValueError(f"hardware catalog: family {fam_name!r} collides with an alias")
        unknown = {fam.default, *fam.members} - ids
        if unknown or fam.default not in fam.members:
            raise ValueError(f"hardware catalog: family {fam_name!r}: unknown ids "
                             f"{sorted(unknown)} or default not among members")
        family_index[key] = fam_name
    tokens = names_of([(f"hw:{hw.id}", [hw.id, hw.name, *hw.aliases]) for hw in entries]
                      + [(f"family:{f}", [f]) for f in families])
    return HardwareCatalog(entries=tuple(entries), families=families, isa=isa, index=index,
                           family_index=family_index, token_index=tokens)


@functools.cache
def _catalog() -> HardwareCatalog:
    text = resources.files("flopcast.catalog").joinpath("data/hardware.toml").read_text("utf-8")
    return load_catalog_text(text)


def hardware_catalog() -> tuple[Hardware, ...]:
    """Every catalog entry, loaded and validated on first use."""
    return _catalog().entries


def resolve_hardware(name: str, *, argument: str = "hardware"
                     ) -> tuple[Hardware, list[Assumption]]:
    """Find a device by id, alias or family name (case/space/hyphen insensitive).

    A family name ("a100", "h100", "tpu v4") returns its default variant and an
    Assumption saying which one and why.

    Raises:
        UnknownHardwareError: naming `argument`, with the closest ids.
    """
    hw, assumptions = _cached_lookup(name, argument)
    return hw, list(assumptions)


@functools.cache
def _by_id() -> dict[str, Hardware]:
    return {hw.id: hw for hw in _catalog().entries}


@functools.lru_cache(maxsize=256)
def _cached_lookup(name: str, argument: str) -> tuple[Hardware, tuple[Assumption, ...]]:
    """resolve_hardware's lookup; the catalog is fixed, so a name always finds the same entry
    (unknown names raise every time: errors are not cached)."""
    cat = _catalog()
    by_id = _by_id()
    for key in _candidate_keys(name):
        if key in cat.index:
            return by_id[cat.index[key]], ()
        if key in cat.family_index:
            return _family_default(cat.family_index[key], name, argument)
    target = cat.token_index.get(token_key(name))
    if target is not None:
        kind, _, ref = target.partition(":")
        return (by_id[ref], ()) if kind == "hw" else _family_default(ref, name, argument)
    key = _norm(name)
    pool = {**{k: v for k, v in cat.index.items()},
            **{k: cat.families[f].default for k, f in cat.family_index.items()}}
    vendors = {hw.id: hw.vendor for hw in cat.entries}
    suggestions = rank_suggestions(key, pool, vendors, str(name), models=_model_words())
    raise UnknownHardwareError(argument, str(name), suggestions)


@functools.cache
def _model_words() -> dict[str, frozenset[str]]:
    """id → the model words of its id, name and aliases ("h20" for the H20)."""
    return {hw.id: frozenset(w for s in (hw.id, hw.name, *hw.aliases)
                             if (w := model_word(s)) is not None)
            for hw in _catalog().entries}


def _family_default(fam_name: str, name: str, argument: str
                    ) -> tuple[Hardware, tuple[Assumption, ...]]:
    fam = _catalog().families[fam_name]
    hw = _by_id()[fam.default]
    others = ", ".join(m for m in fam.members if m != fam.default)
    text = f"{fam.reason} Other variants: {others}." if others else fam.reason
    return hw, (Assumption(name=argument, value=f"{hw.id} ({hw.name})",
                           source=f"'{name}' is a family; default variant: {text}"),)


def _candidate_keys(name: str) -> list[str]:
    """The normalized name, then the same without leading brand words."""
    key = _norm(name)
    keys = [key]
    stripped = True
    while stripped:
        stripped = False
        for word in BRAND_WORDS:
            if key.startswith(word) and len(key) > len(word):
                key = key[len(word):]
                keys.append(key)
                stripped = True
    return keys


def get_hardware(name: str) -> Hardware:
    """The device `name` means (see :func:`resolve_hardware`)."""
    return resolve_hardware(name)[0]


def unverified_figures() -> list[tuple[str, str]]:
    """(hardware id or 'isa.<row>', field) for every figure not read in a primary source
    ("price": a quote of `flopcast.catalog.prices` read only in a copy)."""
    cat = _catalog()
    out = [(hw.id, field) for hw in cat.entries for field in hw.unverified]
    out += [(f"isa.{k}", "flops_per_cycle") for k, row in cat.isa.items() if row.unverified]
    from flopcast.catalog.prices import price_book  # prices need the hardware ids: load after

    out += [(hw_id, "price") for hw_id, quotes in price_book().quotes.items()
            if any(q.unverified for q in quotes)]
    return out
