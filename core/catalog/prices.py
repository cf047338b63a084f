"""Dated price quotes per device-hour and the rule that picks one.

The quotes live in ``data/prices.toml`` (its header documents every field): per hardware id,
any number of dated quotes (provider, instance, GPUs per instance, the price as printed,
region, date, on-demand / reserved / spot, source). The price per device is derived here,
never typed: an instance price ÷ its devices, or the per-GPU rate the provider prints.

Which quote a tool uses (`select_quote`):

* ``provider=None`` (the default): the reference provider's newest on-demand quote
  (``reference_provider`` in the file, Lambda) when it quotes the device, else the lowest
  newest on-demand quote among the providers that do;
* ``provider="lowest"``: the lowest newest on-demand quote among all providers;
* ``provider="<name>"``: that provider's newest on-demand quote (none: no price).

"Newest" is per provider: its latest-dated on-demand quotes; among quotes of that date, the
lowest per device (an 8-GPU instance is what a training run rents). Older quotes stay as
history; `quote_range` spans all of a device's quotes (every kind), or those of one year.
The quotes are read and indexed once, on first use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from flopcast.catalog.spec import _ISO_DATE, StrictModel, read_catalog_toml
from flopcast.numbers.errors import InvalidInputError, closest_matches, quote
from flopcast.numbers.results import Source

__all__ = [
    "LOWEST",
    "PriceBook",
    "PriceChoice",
    "Quote",
    "check_provider",
    "common_basis",
    "load_prices_text",
    "price_book",
    "providers",
    "quote_range",
    "quotes_for",
    "select_quote",
]

#: The `provider` value that asks for each device's lowest newest on-demand quote.
LOWEST = "lowest"


class Quote(StrictModel):
    """One dated public price for a device, as printed (per instance or per device)."""

    provider: str = Field(min_length=1)
    instance: str = Field(min_length=1)
    devices_per_instance: int = Field(ge=1)
    usd_per_hour: float = Field(gt=0, description="As printed, per hour of `per`.")
    per: Literal["instance", "device"]
    region: str = Field(min_length=1)
    date: str = Field(pattern=_ISO_DATE.pattern)
    kind: Literal["on-demand", "reserved", "spot"]
    source: Source
    unverified: bool
    note: str = ""
    device: str = Field(default="", description="Hardware id (filled by the loader).")

    @model_validator(mode="after")
    def _dated_before_read(self) -> Quote:
        if not (_ISO_DATE.match(self.source.retrieved) and self.source.url.startswith("https://")):
            raise ValueError(f"{self.provider} {self.date}: source needs an https url and an ISO "
                             "retrieved date")
        if self.date > self.source.retrieved:
            raise ValueError(f"{self.provider} {self.date}: read after source.retrieved")
        return self

    @property
    def usd_per_device_hour(self) -> float:
        """Price per device-hour: instance price ÷ devices, or the printed per-device rate."""
        if self.per == "instance":
            return self.usd_per_hour / self.devices_per_instance
        return self.usd_per_hour

    @property
    def usd_per_instance_hour(self) -> float:
        """Price of the whole instance per hour (derived when the rate is printed per device)."""
        if self.per == "device":
            return self.usd_per_hour * self.devices_per_instance
        return self.usd_per_hour

    @property
    def year(self) -> int:
        return int(self.date[:4])

    def label(self) -> str:
        """'Lambda, 8x H100 SXM instance, 2026-09-20' — whose price, which offering, when."""
        kind = "" if self.kind == "on-demand" else f", {self.kind}"
        return f"{self.provider}, {self.instance}, {self.date}{kind}"

    def derivation(self) -> str:
        """How the per-device price follows from the printed one."""
        if self.per == "instance" and self.devices_per_instance > 1:
            return (f"${self.usd_per_hour:g}/h ÷ {self.devices_per_instance} devices = "
                    f"${self.usd_per_device_hour:.6g}")
        return f"${self.usd_per_device_hour:g} per device-hour as printed"


class PriceBook(StrictModel):
    """Every quote, indexed by hardware id, with the reference provider."""

    reference_provider: str
    reference_reason: str = Field(min_length=10)
    quotes: dict[str, tuple[Quote, ...]]
    providers: tuple[str, ...] = Field(description="Every provider named, sorted.")
    current: dict[str, dict[str, Quote]] = Field(
        description="hardware id → provider → its newest on-demand quote")


def _newest(quotes: tuple[Quote, ...]) -> dict[str, Quote]:
    out: dict[str, Quote] = {}
    for q in quotes:
        if q.kind != "on-demand":
            continue
        best = out.get(q.provider)
        if best is None or (q.date, -q.usd_per_device_hour) > (best.date,
                                                                -best.usd_per_device_hour):
            out[q.provider] = q
    return out


def load_prices_text(text: str, known_ids: set[str] | None = None) -> PriceBook:
    """Parse and validate price TOML (the shipped file or a test's string).

    Raises:
        ValueError: on a TOML error, an invalid quote, or a hardware id not in `known_ids`.
    """
    raw = read_catalog_toml(text, "price catalog", {"schema_version", "reference_provider",
                                                    "reference_reason", "quotes"})
    try:
        quotes = {hw_id: tuple(Quote.model_validate({**q, "device": hw_id}) for q in items)
                  for hw_id, items in raw.get("quotes", {}).items()}
    except ValidationError as e:
        raise ValueError(f"price catalog: {e}") from e
    if known_ids is not None and set(quotes) - known_ids:
        raise ValueError(f"price catalog: unknown hardware ids {sorted(set(quotes) - known_ids)}")
    names = sorted({q.provider for qs in quotes.values() for q in qs})
    reference = raw.get("reference_provider", "")
    if reference not in names:
        raise ValueError(f"price catalog: reference_provider {reference!r} quotes nothing")
    return PriceBook(reference_provider=reference, reference_reason=raw.get("reference_reason",
                     ""), quotes=quotes, providers=tuple(names),
                     current={k: _newest(v) for k, v in quotes.items()})


@functools.cache
def price_book() -> PriceBook:
    """The shipped quotes, loaded, checked against the hardware ids and indexed once."""
    from flopcast.catalog.lookup import hardware_catalog

    text = resources.files("flopcast.catalog").joinpath("data/prices.toml").read_text("utf-8")
    return load_prices_text(text, {hw.id for hw in hardware_catalog()})


def providers() -> tuple[str, ...]:
    """Every provider with a quote, sorted."""
    return price_book().providers


def quotes_for(hw_id: str) -> tuple[Quote, ...]:
    """Every quote of a device (all providers, dates and kinds); empty if none."""
    return price_book().quotes.get(hw_id, ())


@functools.cache
def _provider_keys() -> dict[str, str]:
    return {p.lower().replace(" ", ""): p for p in providers()}


def check_provider(provider: str | None) -> str | None:
    """The provider's catalog spelling, "lowest", or None (the default rule).

    Raises:
        InvalidInputError: naming `provider`, with the accepted values and the closest match.
    """
    if provider is None:
        return None
    found = _provider_keys().get(provider)  # already a key ("aws", "lambda"): one lookup
    if found is not None:
        return found
    key = str(provider).strip().lower().replace(" ", "")
    if key == LOWEST:
        return LOWEST
    found = _provider_keys().get(key)
    if found is not None:
        return found
    accepted = [LOWEST, *providers()]
    # a name is short: no suggestion for a long text (difflib is quadratic in its length)
    near = closest_matches(key, list(_provider_keys()), n=1, cutoff=0.4) if len(key) < 64 else []
    hint = f"; did you mean {_provider_keys()[near[0]]!r}?" if near else ""
    raise InvalidInputError("provider", f"unknown provider {quote(provider)}{hint} "
                            f"(accepted: {', '.join(accepted)})")


@dataclass(frozen=True)
class PriceChoice:
    """The quote a device's price comes from (None: no quote), and the rule that chose it:
    'reference' (the reference provider, by default), 'fallback' (default, no reference
    quote: the lowest), 'lowest' (asked for) or 'provider' (the one asked for)."""

    quote: Quote | None
    rule: str


@functools.cache
def select_quote(hw_id: str, provider: str | None = None) -> PriceChoice:
    """The quote to price `hw_id` with (see the module docstring for the rule).

    `provider` must already be checked (`check_provider`): None, "lowest" or a catalog name.
    A pure function of the shipped catalog: worked out once per (device, provider).
    """
    current = price_book().current.get(hw_id, {})
    if provider is not None and provider != LOWEST:
        return PriceChoice(quote=current.get(provider), rule="provider")
    ref = price_book().reference_provider
    if provider is None and ref in current:
        return PriceChoice(quote=current[ref], rule="reference")
    rule = "lowest" if provider == LOWEST else "fallback"
    if not current:
        return PriceChoice(quote=None, rule=rule)
    best = min(current.values(), key=lambda q: (q.usd_per_device_hour, q.provider))
    return PriceChoice(quote=best, rule=rule)


def quote_range(hw_id: str, year: int | None = None) -> tuple[Quote, ...]:
    """A device's quotes sorted by per-device price: all of them, or those dated `year`
    (all of them when none is dated that year)."""
    quotes = quotes_for(hw_id)
    if year is not None and any(q.year == year for q in quotes):
        quotes = tuple(q for q in quotes if q.year == year)
    return tuple(sorted(quotes, key=lambda q: (q.usd_per_device_hour, q.date, q.provider)))


def common_basis(hw_ids: list[str], provider: str | None) -> tuple[str, dict[str, PriceChoice]]:
    """One market for a comparison: the basis and each device's quote.

    The basis is `provider` when given ("lowest": each device's own lowest quote), else the
    provider that quotes the most of `hw_ids` (ties: the reference provider, then by name).
    A device the basis provider does not quote gets, by default, the default rule's quote
    (`select_quote(hw_id)`), and none when the provider was asked for; the caller flags it.
    """
    book = price_book()
    if provider == LOWEST:
        return LOWEST, {i: select_quote(i, LOWEST) for i in hw_ids}
    basis = provider
    if basis is None:
        counts: dict[str, int] = {}
        for i in hw_ids:
            for p in book.current.get(i, {}):
                counts[p] = counts.get(p, 0) + 1
        basis = min(counts, key=lambda p: (-counts[p], p != book.reference_provider, p),
                    default=book.reference_provider)
    choices: dict[str, PriceChoice] = {}
    for i in hw_ids:
        choice = select_quote(i, basis)
        if choice.quote is None and provider is None:
            choice = select_quote(i)
        choices[i] = choice
    return basis, choices
