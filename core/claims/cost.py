"""check_claim's money and energy figures: price per device-hour and average power.

A claimed cost divided by the device-hours gives a price per device-hour, compared with the
range of the device's dated quotes (every provider, date and kind in ``data/prices.toml``;
with a family name, its variants' too; with `year`, the quotes of that year when there are
any): consistent inside the range (within `TOLERANCE`), off beyond `PRICE_OFF_FACTOR` of its
nearest end, unchecked between (list prices move that much by provider and date). A quote
within `TOLERANCE` of the implied price is named as the one the claim matches.
A claimed energy divided by the device-hours gives an average power per device, compared
with TDP × PUE (`flopcast.training.cost`; the band is `POWER_FLOOR`–1 of it), and with a published
run's measured energy where one is known (`MEASURED_ENERGY_KWH`: GPT-3, Patterson et al.
2021 Table 4).
"""

from __future__ import annotations

from flopcast.catalog.hardware import get_hardware
from flopcast.catalog.prices import Quote, quote_range
from flopcast.claims.base import TOLERANCE, ClaimState, Verdict, close, ratio_factor
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import (
    Language,
    format_energy_kwh,
    format_mass_kg,
    format_number,
    parse_quantity,
)
from flopcast.numbers.results import Source, make_step
from flopcast.numbers.zh import source_text
from flopcast.training.cost import DEFAULT_PUE, energy_kwh

__all__ = [
    "CARBON_BAND", "MEASURED_CO2_KG", "MEASURED_ENERGY_KWH", "POWER_FLOOR", "PRICE_OFF_FACTOR",
    "CostEnergyChecks",
]

#: Beyond this factor of the nearest end of the quotes' range a claimed price is "off"; outside
#: the range but within it, "unchecked". List prices for one device differ ~5× between
#: providers at one date (this catalog's V100 16 GB: Lambda $0.79 and AWS p3.16xlarge
#: $24.48 ÷ 8 = $3.06 per GPU-hour) and move with time, and reserved, spot and negotiated
#: prices differ from on-demand by ~2× more: a price outside a few quotes is not by itself
#: an error; 10× outside all of them is.
PRICE_OFF_FACTOR = 10.0
#: Average power per device "consistent" with a TDP-based estimate: between this
#: fraction of TDP × PUE and TDP × PUE (+ tolerance). GPUs in training draw less than
#: their TDP on average; Patterson et al. 2021 (Table 4) measured 330 W on 300 W-TDP
#: V100 servers including host overhead, so the band is a heuristic, not a law.
POWER_FLOOR = 0.5

_PATTERSON = Source(title="Patterson et al. 2021, 'Carbon Emissions and Large Neural Network "
                    "Training', Table 4 (GPT-3: 10,000 V100, 14.8 days, 1,287 MWh, 552 tCO2e)",
                    url="https://arxiv.org/abs/2104.10350")
#: Measured training energy of published runs, kWh, keyed by model preset id:
#: (kWh, hardware family the run used, source).
MEASURED_ENERGY_KWH: dict[str, tuple[float, str, Source]] = {
    "gpt-3-175b": (1287e3, "v100", _PATTERSON),
}


#: Measured training emissions of published runs, kg CO2eq, keyed by model preset id.
MEASURED_CO2_KG: dict[str, tuple[float, str, Source]] = {
    "gpt-3-175b": (552e3, "v100", _PATTERSON),
}
#: Plausible grid carbon intensity, kg CO2eq per kWh: from the cleanest sources (nuclear,
#: 12 g/kWh lifecycle median) to the dirtiest (pulverized coal, up to ~910 g/kWh) — IPCC AR5
#: WGIII Annex III, Table A.III.2 — widened to 0.01–1.0. Any grid mixes within it; GPT-3's
#: 552 t / 1,287 MWh = 0.429 (Patterson et al. 2021, Table 4) sits in the middle.
CARBON_BAND = (0.01, 1.0)
_IPCC = "IPCC AR5 WGIII Annex III, Table A.III.2"


def _in_band(power: float, tdp_watts: float) -> bool:
    """Average power per device within POWER_FLOOR–1 of TDP × PUE (+ tolerance)."""
    top = tdp_watts * DEFAULT_PUE
    return POWER_FLOOR * top <= power <= top * (1 + TOLERANCE)


class CostEnergyChecks(ClaimState):
    """The cost and energy figures of a claim."""

    def _money_and_energy(self) -> None:
        a = self.a
        dh = self.dev_hours
        if a.cost_usd is not None:
            cost = parse_quantity(a.cost_usd, argument="cost_usd")
            if dh is None:
                raise InvalidInputError("cost_usd", "a cost is checked per device-hour: give a "
                                        "duration (days/years/hours) or device_hours")
            price = cost / dh
            self.out["price"] = price
            self.steps.append(make_step("price per device-hour the claim implies",
                                        "p = cost / device-hours",
                                        [("cost", cost, "USD"), ("device-hours", dh, "h")],
                                        price, "USD/h"))
            quotes = self._quotes()
            if not quotes:
                self.add("cost_usd", price, None, "USD/device-hour", "cost / device-hours",
                         "unchecked", self.t(
                             f"The claim implies ${format_number(price)} per device-hour "
                             f"({format_number(dh)} device-hours); the catalog has no price "
                             "quote for this device.",
                             f"相当于每卡时 {format_number(price)} 美元（共 {format_number(dh)} "
                             "卡时）；目录里没有这款设备的报价。"))
            else:
                self._check_price(price, quotes)
        energy = None
        if a.energy_kwh is not None:
            energy = parse_quantity(a.energy_kwh, argument="energy_kwh")
            self._check_energy(energy, dh)
        if a.co2_kg is not None:
            self._check_co2(parse_quantity(a.co2_kg, argument="co2_kg"), energy, dh)

    def _check_co2(self, co2: float, energy: float | None, dh: float | None) -> None:
        """Claimed CO2 against the energy it comes from (claimed, or device-hours × TDP × PUE):
        the carbon intensity it implies must be a real grid's (CARBON_BAND); and against a
        published run's measured emissions where one is known."""
        lo, hi = CARBON_BAND
        hw = self.hw
        checked = False
        basis_en = basis_zh = ""
        if energy is None and dh is not None and hw is not None and hw.tdp_watts is not None:
            energy = energy_kwh(dh, hw.tdp_watts, DEFAULT_PUE)
            lo *= POWER_FLOOR  # the run may have drawn as little as POWER_FLOOR of TDP
            basis_en = (f" (energy estimated as device-hours × TDP × PUE "
                        f"{format_number(DEFAULT_PUE)}; the run may have drawn down to "
                        f"{format_number(POWER_FLOOR * 100)}% of it)")
            basis_zh = (f"（耗电按卡时 × TDP × PUE {format_number(DEFAULT_PUE)} 估算，实际可能低至"
                        f"其 {format_number(POWER_FLOOR * 100)}%）")
        if energy is not None:
            intensity = co2 / energy
            self.out["carbon"] = intensity
            self.steps.append(make_step("carbon intensity the claim implies", "I = CO2 / E",
                                        [("CO2", co2, "kg"), ("E", energy, "kWh")], intensity,
                                        "kg/kWh"))
            ok = lo * (1 - TOLERANCE) <= intensity <= hi * (1 + TOLERANCE)
            band = f"{format_number(lo)}–{format_number(hi)} kg/kWh"
            self.add("co2_kg", co2, None, "kg CO2eq", self.t(
                f"grid carbon intensity {band} ({_IPCC})", f"电网碳强度 {band}（{_IPCC}）"),
                "consistent" if ok else "off", self.t(
                    f"{format_mass_kg(co2)} CO2eq from {format_energy_kwh(energy)} is "
                    f"{format_number(intensity)} kg per kWh{basis_en}: "
                    + (f"within the {band} of real grids (nuclear to coal)." if ok else
                       f"outside the {band} any grid emits (nuclear to coal)."),
                    f"{format_energy_kwh(energy, 'zh')}产生 {format_mass_kg(co2, 'zh')} "
                    "CO2 当量，"
                    f"即每度 {format_number(intensity)} kg{basis_zh}："
                    + (f"在现实电网的 {band} 范围内（从核电到煤电）。" if ok else
                       f"超出任何电网的 {band} 范围（从核电到煤电）。")),
                None if ok else "carbon_vs_grid")
            checked = True
        measured = MEASURED_CO2_KG.get(self.preset.id) if self.preset is not None else None
        if measured is not None:
            kg, family, source = measured
            same = hw is None or family in hw.id
            ratio, factor = ratio_factor(co2, kg)
            ok = close(co2, kg)
            verdict: Verdict = ("consistent" if ok else "off") if same else "unchecked"
            other_en = "" if same else " (That run used other hardware than this claim.)"
            other_zh = "" if same else "（那次训练用的硬件与本说法不同。）"
            rel = self.t(f"{format_number(factor)}× {'more' if ratio > 1 else 'less'}",
                         f"{format_number(factor)} 倍（{'偏多' if ratio > 1 else '偏少'}）")
            self.add("co2_measured", co2, kg, "kg CO2eq", source.title, verdict, self.t(
                f"Measured: {format_mass_kg(kg)} CO2eq for the real run ({source.title}); the "
                f"claimed {format_mass_kg(co2)} is " + ("the same." if ok else f"{rel}.")
                + other_en,
                f"实测值：真实训练排放 {format_mass_kg(kg, 'zh')} CO2 当量（{source.title}）；"
                f"原文的 {format_mass_kg(co2, 'zh')} "
                + ("与之一致。" if ok else f"与之相差 {rel}。") + other_zh),
                None if ok or not same else "measured_differs")
            checked = True
        if not checked:
            self.add("co2_kg", co2, None, "kg CO2eq", "", "unchecked", self.t(
                "Give energy_kwh, or hardware with a duration (or device_hours), to check CO2.",
                "要核对碳排放，请给出 energy_kwh，或硬件和时长（或卡时）。"))

    def _quotes(self) -> tuple[Quote, ...]:
        """The quotes to compare with: the device's, and its family's other variants' when it
        was named by family ("v100"); those dated `year` when it is given and any are."""
        if self.hw is None:
            return ()
        ids = [self.hw.id, *(h.id for h in self._siblings())]
        found = [q for i in ids for q in quote_range(i)]
        year = self.a.year
        if year is not None and any(q.year == year for q in found):
            found = [q for q in found if q.year == year]
        return tuple(sorted(found, key=lambda q: (q.usd_per_device_hour, q.date, q.provider)))

    def _quote_text(self, q: Quote) -> str:
        """The quote, with the variant it belongs to when that is not the claim's device."""
        name = "" if q.device == (self.hw.id if self.hw else "") else self.t(
            f" ({get_hardware(q.device).name})", f"（{get_hardware(q.device).name}）")
        return f"{q.label()}{name}: ${format_number(q.usd_per_device_hour)}"

    def _check_price(self, price: float, quotes: tuple[Quote, ...]) -> None:
        """Implied price vs the range of quotes: consistent inside it (± TOLERANCE), off beyond
        PRICE_OFF_FACTOR of its nearest end, unchecked between; names the quote it matches."""
        lo, hi = quotes[0].usd_per_device_hour, quotes[-1].usd_per_device_hour
        self.quote_range = [lo, hi]
        nearest = min(quotes, key=lambda q: ratio_factor(price, q.usd_per_device_hour)[1])
        match = nearest if close(price, nearest.usd_per_device_hour) else None
        if match is not None:
            self.matched_quote = self._quote_text(match)
        inside = lo * (1 - TOLERANCE) <= price <= hi * (1 + TOLERANCE)
        spread = max(lo / price, price / hi, 1.0)
        verdict: Verdict = ("consistent" if inside else
                            "off" if spread > PRICE_OFF_FACTOR else "unchecked")
        n = len(quotes)
        era = f" dated {self.a.year}" if self.a.year and all(
            q.year == self.a.year for q in quotes) else ""
        era_zh = f"（{self.a.year} 年）" if era else ""
        span = (f"${format_number(lo)}" if lo == hi else
                f"${format_number(lo)}–${format_number(hi)}")
        matched_en = (f" It matches {self._quote_text(match)} "
                      f"({match.derivation()}; {match.source.title})." if match else "")
        matched_zh = (f"与报价 {self._quote_text(match)} 相符（{source_text(match.derivation())}；"
                      f"{match.source.title}）。" if match else "")
        en = {
            "consistent": f"inside the range of the {n} quote(s){era} for "
            f"'{self.a.hardware}', {span}.",
            "unchecked": f"{format_number(spread)}× outside the range of the {n} quote(s){era}, "
            f"{span}, but within the {format_number(PRICE_OFF_FACTOR)}× that providers, dates "
            "and reserved or negotiated prices explain.",
            "off": f"{format_number(spread)}× outside the range of the {n} quote(s){era}, "
            f"{span}: more than the {format_number(PRICE_OFF_FACTOR)}× that providers and "
            "dates explain.",
        }[verdict]
        zh = {
            "consistent": f"在 '{self.a.hardware}' 的 {n} 个报价{era_zh}区间 {span} 之内。",
            "unchecked": f"超出 {n} 个报价{era_zh}的区间 {span} {format_number(spread)} 倍，"
            f"但在云厂商、时间和预留/协议价能解释的 {format_number(PRICE_OFF_FACTOR)} 倍之内。",
            "off": f"超出 {n} 个报价{era_zh}的区间 {span} {format_number(spread)} 倍，超过"
            f"云厂商和时间差异能解释的 {format_number(PRICE_OFF_FACTOR)} 倍。",
        }[verdict]
        computed = (match or nearest).usd_per_device_hour
        self.add("cost_usd", price, computed, "USD/device-hour",
                 self.t(f"quote {self._quote_text(match or nearest)}; range of {n} quote(s) "
                        f"{span}", f"报价 {self._quote_text(match or nearest)}；{n} 个报价区间 "
                        f"{span}"),
                 verdict, self.t(f"${format_number(price)} per device-hour is {en}{matched_en}",
                                 f"每卡时 {format_number(price)} 美元，{zh}{matched_zh}"),
                 None if verdict == "consistent" else "price_vs_catalog")

    def _check_energy(self, energy: float, dh: float | None) -> None:
        hw = self.hw
        checked = False
        if dh is not None:
            power = energy * 1000 / dh
            self.out["power"] = power
            self.steps.append(make_step("average power per device the claim implies",
                                        "P = E · 1000 / device-hours",
                                        [("E", energy, "kWh"), ("device-hours", dh, "h")],
                                        power, "W"))
            variant_en = variant_zh = ""
            if hw is not None and hw.tdp_watts is not None and not _in_band(power, hw.tdp_watts):
                # A family name ("v100") stands for its variants: the PCIe card's 250 W TDP
                # may be the one the claim's power belongs to.
                for other in self._siblings():
                    if other.tdp_watts is not None and _in_band(power, other.tdp_watts):
                        hw = other
                        tdp = format_number(other.tdp_watts)
                        variant_en = (f" Compared with the {other.name} ({tdp} W), a variant "
                                      f"of '{self.a.hardware}'.")
                        variant_zh = (f"（对照的是 '{self.a.hardware}' 系列的 {other.name}，TDP "
                                      f"{tdp} W。）")
                        break
            if hw is not None and hw.tdp_watts is not None:
                at_tdp = energy_kwh(dh, hw.tdp_watts, 1.0)
                estimate = energy_kwh(dh, hw.tdp_watts, DEFAULT_PUE)
                self.steps.append(make_step("energy at TDP (before PUE)", "E = device-hours × TDP",
                                            [("device-hours", dh, "h"), ("TDP", hw.tdp_watts, "W")],
                                            at_tdp, "kWh"))
                self.steps.append(make_step("energy at TDP × PUE", "E = device-hours × TDP × PUE",
                                            [("device-hours", dh, "h"), ("TDP", hw.tdp_watts, "W"),
                                             ("PUE", DEFAULT_PUE, "")], estimate, "kWh"))
                top = hw.tdp_watts * DEFAULT_PUE
                ok = POWER_FLOOR * top <= power <= top * (1 + TOLERANCE)
                share = power / DEFAULT_PUE / hw.tdp_watts
                floor = format_number(POWER_FLOOR * 100)
                band_en = (
                    f"{'Within' if ok else 'Outside'} the band this check uses, {floor}–100% "
                    f"of TDP × PUE, not the {format_number(TOLERANCE * 100)}% tolerance: GPUs in "
                    "training draw less than their TDP on average, by an amount no datasheet "
                    "gives (Patterson et al. 2021 measured 330 W per 300 W-TDP V100 with the "
                    "host)." + variant_en)
                band_zh = (
                    f"{'在' if ok else '超出'}本检查采用的 TDP × PUE 的 {floor}–100% 区间"
                    f"{'内' if ok else ''}（不用 {format_number(TOLERANCE * 100)}% 容差：训练时 "
                    "GPU 平均功耗低于 TDP，低多少没有数据表给出；Patterson 等 2021 实测 300 W "
                    "TDP 的 V100 连主机约 330 W）。" + variant_zh)
                self.add("energy_kwh", energy, estimate, "kWh", self.t(
                    f"device-hours × TDP × PUE {format_number(DEFAULT_PUE)}",
                    f"卡时 × TDP × PUE {format_number(DEFAULT_PUE)}"),
                    "consistent" if ok else "off", self.t(
                        f"{format_number(energy)} kWh over {format_number(dh)} device-hours is "
                        f"{format_number(power)} W per device at the facility; without the PUE "
                        f"of {format_number(DEFAULT_PUE)} that is "
                        f"{format_number(power / DEFAULT_PUE)} W at the device, "
                        f"{format_number(share * 100)}% of its {format_number(hw.tdp_watts)} W "
                        f"TDP. At TDP the run takes {format_number(at_tdp)} kWh, "
                        f"{format_number(estimate)} with PUE. " + band_en,
                        f"{format_number(energy)} 度电摊到 {format_number(dh)} 卡时，是每卡 "
                        f"{format_number(power)} W（含机房 PUE {format_number(DEFAULT_PUE)}）；"
                        f"扣除 PUE 后每卡 {format_number(power / DEFAULT_PUE)} W，是其 "
                        f"{format_number(hw.tdp_watts)} W TDP 的 {format_number(share * 100)}%。"
                        f"按 TDP 算为 {format_number(at_tdp)} 度，计入 PUE 为 "
                        f"{format_number(estimate)} 度。" + band_zh),
                    None if ok else "power_vs_tdp")
                checked = True
        measured = MEASURED_ENERGY_KWH.get(self.preset.id) if self.preset is not None else None
        if measured is not None:
            kwh, family, source = measured
            same = hw is None or family in hw.id
            ratio, factor = ratio_factor(energy, kwh)
            ok = close(energy, kwh)
            verdict: Verdict = ("consistent" if ok else "off") if same else "unchecked"
            lang: Language = "zh" if self.zh else "en"
            rel = self.t(f"{format_number(factor)}× {'more' if ratio > 1 else 'less'}",
                         f"{format_number(factor)} 倍")
            self.add("energy_measured", energy, kwh, "kWh", source.title, verdict, self.t(
                f"Measured: {format_energy_kwh(kwh)} for the real "
                f"{self.preset.name if self.preset else ''} run ({source.title}); the claimed "
                f"{format_energy_kwh(energy)} is {rel}."
                + ("" if same else " (That run used other hardware than this claim.)"),
                f"实测值：{self.preset.name if self.preset else ''} 的真实训练耗电 "
                f"{format_energy_kwh(kwh, lang)}（{source.title}）；原文的 "
                f"{format_energy_kwh(energy, lang)} 与之相差 {rel}"
                f"（{'偏多' if ratio > 1 else '偏少'}）。"
                + ("" if same else "（那次训练用的硬件与本说法不同。）")),
                None if ok or not same else "measured_differs")
            checked = True
        if not checked:
            self.add("energy_kwh", energy, None, "kWh", "", "unchecked", self.t(
                "Give hardware and a duration (or device_hours) to check the energy.",
                "要核对耗电量，请给出硬件和时长（或卡时）。"))
