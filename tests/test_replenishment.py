"""Tests of forecaster.inventory.replenishment: hand-computed order-up-to cases and properties.

Unless a test says otherwise, demand is a constant 10 units/day with no spread (cv 0) and no
lead-time spread, so sigma_P = 0, the safety stock is 0 and S = 10 x P.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecaster.config import ReplenishmentSettings
from forecaster.inventory.replenishment import COLUMNS, replenish, supplier_orders
from forecaster.models.forecast import Forecast
from tests.conftest import gamma_level

AS_OF = pd.Timestamp("2026-03-31")
HORIZON = 400

#: One unit: lead time 14 d, review 7 d -> P = 21 d, S = 210 at 10/day.
BASE: dict[str, object] = {
    "sku": "A",
    "name": "Mug",
    "supplier": "S1",
    "warehouse": "",
    "status": "active",
    "lead_time_days": 14.0,
    "review_period_days": 7.0,
    "lead_time_std_days": 0.0,
    "moq": 0.0,
    "case_pack": 1.0,
    "unit_cost": 5.0,
    "on_hand": 50.0,
    "on_order": 0.0,
    "allocated": 0.0,
}


def make_units(*rows: Mapping[str, object]) -> pd.DataFrame:
    """A units frame with one row per mapping, missing fields from :data:`BASE`."""
    return pd.DataFrame([{**BASE, **row} for row in rows])


def constant_forecast(daily: list[float], cv: list[float], horizon: int = HORIZON) -> Forecast:
    """Each unit's mean is ``daily[i]`` every day."""
    mean = np.repeat(np.asarray(daily, dtype=float)[:, None], horizon, axis=1)
    return Forecast.independent_days(
        AS_OF + pd.Timedelta(days=1),
        mean,
        np.asarray(cv, dtype=float),
        np.full(len(daily), "test", dtype=object),
    )


def plan(
    units: pd.DataFrame,
    daily: list[float] | None = None,
    cv: list[float] | None = None,
    stage: list[str] | None = None,
    fill_rate: float = 0.98,
    unmet: Literal["lost", "backorder"] = "lost",
) -> pd.DataFrame:
    n = len(units)
    forecast = constant_forecast(daily or [10.0] * n, cv or [0.0] * n)
    stages = np.array(stage or ["maturity"] * n, dtype=object)
    abc = np.full(n, "A", dtype=object)
    settings = ReplenishmentSettings(fill_rate=fill_rate, unmet_demand=unmet)
    return replenish(units, forecast, stages, abc, settings, AS_OF)


def test_columns_and_alignment() -> None:
    """One line per unit, in unit order, with the documented columns."""
    lines = plan(make_units({"sku": "A"}, {"sku": "B"}))
    assert list(lines.columns) == COLUMNS
    assert lines["sku"].tolist() == ["A", "B"]


def test_plain_order_up_to() -> None:
    """P = 14 + 7 = 21; S = 10 x 21 = 210; position 50; order 210 - 50 = 160."""
    line = plan(make_units({})).iloc[0]
    assert line["protection_days"] == 21
    assert line["demand_over_p"] == pytest.approx(210.0)
    assert line["safety_stock"] == pytest.approx(0.0)
    assert line["order_up_to"] == pytest.approx(210.0)
    assert line["position"] == 50.0
    assert line["suggested_order"] == 160.0
    assert line["order_value"] == 160.0 * 5.0  # 800
    assert "21 d protection (14 lead + 7 review)" in line["why"]
    assert "demand 210" in line["why"]
    assert "position 50 → need 160" in line["why"]


def test_moq_raises_the_order() -> None:
    """On hand 180: need 210 - 180 = 30, MOQ 100 raises it to 100."""
    line = plan(make_units({"on_hand": 180.0, "moq": 100.0})).iloc[0]
    assert line["suggested_order"] == 100.0
    assert "need 30" in line["why"]
    assert "MOQ 100 raises it to 100" in line["why"]


def test_moq_below_need_is_ok() -> None:
    """Need 160 >= MOQ 100: the order stays 160 and the why says the MOQ is met."""
    line = plan(make_units({"moq": 100.0})).iloc[0]
    assert line["suggested_order"] == 160.0
    assert "MOQ 100 ok" in line["why"]


def test_case_pack_rounds_up() -> None:
    """Need 160, cases of 24: 160 / 24 = 6.67 -> 7 cases = 168."""
    line = plan(make_units({"case_pack": 24.0})).iloc[0]
    assert line["suggested_order"] == 168.0
    assert line["cases"] == 7.0
    assert "7 cases of 24 = 168" in line["why"]


def test_moq_then_case_pack() -> None:
    """Need 30 -> MOQ 100 -> 100 / 24 = 4.17 -> 5 cases = 120."""
    line = plan(make_units({"on_hand": 180.0, "moq": 100.0, "case_pack": 24.0})).iloc[0]
    assert line["suggested_order"] == 120.0
    assert "5 cases of 24 = 120" in line["why"]


def test_zero_case_pack_means_single_units() -> None:
    """case_pack 0 is read as 1: need 160 -> 160."""
    line = plan(make_units({"case_pack": 0.0})).iloc[0]
    assert line["suggested_order"] == 160.0


def test_fractional_need_rounds_up_to_whole_units() -> None:
    """On hand 49.5: need 210 - 49.5 = 160.5 -> 161 units."""
    line = plan(make_units({"on_hand": 49.5})).iloc[0]
    assert line["suggested_order"] == 161.0


def test_open_pos_reduce_the_order() -> None:
    """Position 50 + 100 on order = 150; order 210 - 150 = 60."""
    line = plan(make_units({"on_order": 100.0})).iloc[0]
    assert line["position"] == 150.0
    assert line["suggested_order"] == 60.0
    assert "position 150 → need 60" in line["why"]


def test_allocated_increases_the_order() -> None:
    """Position 50 - 20 allocated = 30; order 210 - 30 = 180."""
    line = plan(make_units({"allocated": 20.0})).iloc[0]
    assert line["position"] == 30.0
    assert line["suggested_order"] == 180.0


def test_discontinued_gets_no_order() -> None:
    """Discontinued: 0 whatever the need, with the reason."""
    line = plan(make_units({"status": "discontinued", "on_hand": 0.0})).iloc[0]
    assert line["suggested_order"] == 0.0
    assert line["why"] == "discontinued: no new orders"
    assert pd.isna(line["order_by"])
    assert pd.isna(line["expected_arrival"])


def test_decline_orders_the_forecast_without_safety_stock() -> None:
    """10/day, cv 0.5 a day, P 21: sigma_P = 22.9, so a mature unit holds safety stock for 98%.

    A declining unit still sells: it is ordered up to its forecast over P (210), no safety
    stock, so 210 - 50 = 160; the mature twin orders more. A discontinued one gets nothing.
    """
    units = make_units({"sku": "A"}, {"sku": "B"}, {"sku": "C", "status": "discontinued"})
    lines = plan(units, stage=["decline", "maturity", "maturity"], cv=[0.5] * 3)
    assert lines.loc[0, "order_up_to"] == pytest.approx(210.0)
    assert lines.loc[0, "safety_stock"] == pytest.approx(0.0)
    assert lines["suggested_order"].tolist()[0] == 160.0
    assert lines.loc[1, "suggested_order"] > 160.0
    assert lines.loc[2, "suggested_order"] == 0.0
    assert "decline: no safety stock" in lines.loc[0, "why"]
    assert lines.loc[2, "why"] == "discontinued: no new orders"


def test_decline_keeps_a_low_target_below_the_forecast() -> None:
    """A target low enough for a negative safety stock keeps it under decline too."""
    settings_low = ReplenishmentSettings(fill_rate=0.6)
    units = make_units({"sku": "A"}, {"sku": "B"})
    lines = replenish(
        units,
        constant_forecast([10.0] * 2, [0.5] * 2),
        np.array(["decline", "maturity"], dtype=object),
        np.array(["A", "A"], dtype=object),
        settings_low.model_copy(update={"allocation": "sku"}),
        AS_OF,
    )
    assert lines.loc[0, "order_up_to"] == pytest.approx(lines.loc[1, "order_up_to"])
    assert lines.loc[0, "order_up_to"] < 210.0


def test_zero_demand_gets_no_order() -> None:
    """No forecast demand: no order even with nothing on hand and a MOQ."""
    line = plan(make_units({"on_hand": 0.0, "moq": 50.0}), daily=[0.0]).iloc[0]
    assert line["suggested_order"] == 0.0
    assert "no demand forecast over the 21 d protection period" in line["why"]


def test_position_above_order_up_to_gets_no_order() -> None:
    """Position 300 >= S 210: no order."""
    line = plan(make_units({"on_hand": 300.0, "moq": 100.0})).iloc[0]
    assert line["suggested_order"] == 0.0
    assert "position 300 ≥ order-up-to 210: no order" in line["why"]
    assert pd.isna(line["order_by"])


def test_position_exactly_at_order_up_to_gets_no_order() -> None:
    """Position 210 = S 210: need 0, no order."""
    line = plan(make_units({"on_hand": 210.0})).iloc[0]
    assert line["suggested_order"] == 0.0


def test_order_dates() -> None:
    """A positive order is placed on the as-of date and arrives 14 days later (2026-04-14)."""
    line = plan(make_units({})).iloc[0]
    assert line["order_by"] == AS_OF
    assert line["expected_arrival"] == pd.Timestamp("2026-04-14")


def test_fractional_lead_time_is_rounded_up() -> None:
    """L = 2.5, R = 7: P = ceil(9.5) = 10 -> S = 100, order 50; arrival after ceil(2.5) = 3 d."""
    line = plan(make_units({"lead_time_days": 2.5})).iloc[0]
    assert line["protection_days"] == 10
    assert line["suggested_order"] == 50.0
    assert line["expected_arrival"] == pd.Timestamp("2026-04-03")


def test_safety_stock_from_lead_time_spread() -> None:
    """cv 0, lead-time sd 2.5 d: sigma_P = 10/day x 2.5 = 25 and sigma_L = 25 too (mu_P 210,
    mu_L 140, gamma totals); mu_R = 70, so the allowed shortage is 0.02 x 70 = 1.4 units:
    E(D_P - S)+ - E(D_L - S)+ = 1.4 at S = 242.03 (integrated numerically; the normal's
    240.02 leaves the gamma's longer right tail short); safety 32.03; need 242.03 - 50 =
    192.03 -> 193 units -> cases of 10: 20 cases = 200. Those are the back-order levels;
    with lost sales (the default) the 1.4 units lost a cycle stay on the shelf, so the level
    is 242.03 - 1.4 = 240.63, safety 30.63, need 190.63 -> 191 -> 20 cases = 200."""
    units = make_units({"lead_time_std_days": 2.5, "case_pack": 10.0})
    level = gamma_level((210.0, 25.0), (140.0, 25.0), 1.4)
    assert level == pytest.approx(242.03, abs=0.01)
    line = plan(units, unmet="backorder").iloc[0]
    assert line["demand_sd_p"] == pytest.approx(25.0)
    assert line["safety_stock"] == pytest.approx(level - 210.0, abs=1e-4)
    assert line["order_up_to"] == pytest.approx(level, abs=1e-4)
    assert line["suggested_order"] == 200.0
    assert "safety 32 → expected fill 98.0% (class A target 98%)" in line["why"]
    assert "lost sales" not in line["why"]
    lost = plan(units).iloc[0]
    assert lost["order_up_to"] == pytest.approx(level - 1.4, abs=1e-4)
    assert lost["safety_stock"] == pytest.approx(level - 1.4 - 210.0, abs=1e-4)
    assert lost["suggested_order"] == 200.0
    assert lost["expected_fill"] == pytest.approx(0.98, abs=1e-9)
    assert "safety 31 → expected fill 98.0% (class A target 98%" in lost["why"]
    assert "lost sales leave stock on the shelf: level 1 lower" in lost["why"]


def test_safety_stock_from_demand_spread() -> None:
    """P = 16 (L 9, R 7), cv 0.5 at 10/day: day sd 5, sigma_P = 5 x sqrt(16) = 20 and
    sigma_L = 5 x 3 = 15 (mu_P 160, mu_L 90); fill 0.95 allows 0.05 x 70 = 3.5 units short:
    S = 172.11 by integration of the gamma totals, safety 12.11; with lost sales 3.5 lower:
    168.61, safety 8.61."""
    units = make_units({"lead_time_days": 9.0})
    level = gamma_level((160.0, 20.0), (90.0, 15.0), 3.5)
    assert level == pytest.approx(172.11, abs=0.01)
    for unmet, taken in (("backorder", 0.0), ("lost", 3.5)):
        line = plan(units, cv=[0.5], fill_rate=0.95, unmet=unmet).iloc[0]
        assert line["demand_over_p"] == pytest.approx(160.0)
        assert line["demand_sd_p"] == pytest.approx(20.0)
        assert line["safety_stock"] == pytest.approx(level - taken - 160.0, abs=1e-4)


def test_rounding_past_max_cover_is_flagged() -> None:
    """Daily 1, S = 21, position 0: need 21, MOQ 500 -> 500 units = 500 d of cover > 180."""
    line = plan(make_units({"on_hand": 0.0, "moq": 500.0}), daily=[1.0]).iloc[0]
    assert line["suggested_order"] == 500.0
    assert "rounding leaves 500 d of cover (> 180 d cap)" in line["why"]


# --------------------------------------------------------------------------- supplier totals


def test_supplier_orders_totals_and_minimum() -> None:
    """S1: A 160 x 5 = 800 + B 60 x 5 = 300 -> 1,100 < min 2,000; S2: C 160 x 5 = 800 >= 500;
    S3's only unit orders nothing, so S3 has no row."""
    units = make_units(
        {"sku": "A", "supplier": "S1"},
        {"sku": "B", "supplier": "S1", "on_hand": 150.0},
        {"sku": "C", "supplier": "S2"},
        {"sku": "D", "supplier": "S3", "on_hand": 999.0},
    )
    suppliers = pd.DataFrame(
        {
            "supplier": ["S1", "S2", "S3"],
            "name": ["One", "Two", "Three"],
            "min_order_value": [2000.0, 500.0, 0.0],
        }
    )
    totals = supplier_orders(plan(units), suppliers).set_index("supplier")
    assert totals.index.tolist() == ["S1", "S2"]
    assert totals.loc["S1", "lines"] == 2
    assert totals.loc["S1", "units"] == 220.0
    assert totals.loc["S1", "value"] == 1100.0
    assert bool(totals.loc["S1", "below_minimum"]) is True
    assert totals.loc["S2", "value"] == 800.0
    assert bool(totals.loc["S2", "below_minimum"]) is False
    assert totals.loc["S2", "name"] == "Two"


# --------------------------------------------------------------------------- properties

unit_rows = st.fixed_dictionaries(
    {
        "lead_time_days": st.integers(0, 60).map(float),
        "review_period_days": st.integers(1, 30).map(float),
        "lead_time_std_days": st.floats(0.0, 10.0),
        "moq": st.sampled_from([0.0, 1.0, 12.0, 100.0, 250.0]),
        "case_pack": st.sampled_from([0.0, 1.0, 6.0, 24.0, 50.0]),
        "on_hand": st.floats(0.0, 2000.0),
        "on_order": st.floats(0.0, 500.0),
        "allocated": st.floats(0.0, 100.0),
        "status": st.sampled_from(["active", "active", "discontinued"]),
    }
)


#: Daily demand: none, or at least 0.01/day (tinier values only overflow the cover ratio).
demand = st.one_of(st.just(0.0), st.floats(0.01, 50.0))


@settings(max_examples=80, deadline=None)
@given(
    row=unit_rows,
    daily=demand,
    cv=st.floats(0.0, 3.0),
    stage=st.sampled_from(["maturity", "growth", "decline", "introduction"]),
)
def test_order_is_non_negative_and_respects_moq_and_case_pack(
    row: dict[str, object], daily: float, cv: float, stage: str
) -> None:
    """order >= 0; a positive order is >= MOQ and a whole number of cases."""
    line = plan(make_units(row), daily=[daily], cv=[cv], stage=[stage]).iloc[0]
    order = line["suggested_order"]
    assert order >= 0
    if order > 0:
        pack = max(float(row["case_pack"]), 1.0)  # type: ignore[arg-type]
        assert order >= float(row["moq"])  # type: ignore[arg-type]
        assert order / pack == pytest.approx(round(order / pack))
        assert order == float(np.ceil(order))
        assert line["order_by"] == AS_OF
    else:
        assert pd.isna(line["order_by"])


@settings(max_examples=80, deadline=None)
@given(
    row=unit_rows,
    extra=st.floats(0.0, 1000.0),
    daily=demand,
    cv=st.floats(0.0, 3.0),
)
def test_more_stock_never_raises_the_order(
    row: dict[str, object], extra: float, daily: float, cv: float
) -> None:
    """The same unit with ``extra`` more on hand orders no more."""
    more = {**row, "sku": "B", "on_hand": float(row["on_hand"]) + extra}  # type: ignore[arg-type]
    lines = plan(make_units(row, more), daily=[daily, daily], cv=[cv, cv])
    assert lines.loc[1, "suggested_order"] <= lines.loc[0, "suggested_order"]


@settings(max_examples=60, deadline=None)
@given(
    row=unit_rows,
    low=st.floats(0.51, 0.99),
    gap=st.floats(0.0, 0.2),
    daily=demand,
    cv=st.floats(0.0, 3.0),
)
def test_higher_fill_rate_never_lowers_safety_stock(
    row: dict[str, object], low: float, gap: float, daily: float, cv: float
) -> None:
    """Safety stock is non-decreasing in the fill-rate target."""
    high = min(low + gap, 0.999)
    units = make_units(row)
    at_low = plan(units, daily=[daily], cv=[cv], fill_rate=low).iloc[0]
    at_high = plan(units, daily=[daily], cv=[cv], fill_rate=high).iloc[0]
    assert at_high["safety_stock"] >= at_low["safety_stock"]
    assert at_low["order_up_to"] >= 0


def test_each_abc_class_gets_its_fill_rate_target() -> None:
    """Default targets A 98%, B 95%, C 90%: the same unit three times, 10/day, cv 0.5 a day,
    P 21 (L 14): sigma_P = sqrt(21) x 5 = 22.91, sigma_L = sqrt(14) x 5, mu_R = 70; each
    class's back-order level is the one whose gamma shortage is its allowance
    (1 - target) x 70, lost sales take that allowance off, and lower targets hold less."""
    units = make_units(BASE, BASE, BASE)
    forecast = constant_forecast([10.0] * 3, [0.5] * 3)
    abc = np.array(["A", "B", "C"], dtype=object)
    stages = np.full(3, "maturity", dtype=object)
    lines = replenish(units, forecast, stages, abc, ReplenishmentSettings(), AS_OF)
    p, lead = (210.0, np.sqrt(21) * 5), (140.0, np.sqrt(14) * 5)
    for row, target in zip(range(3), (0.98, 0.95, 0.90), strict=True):
        allowed = (1 - target) * 70.0
        level = gamma_level(p, lead, allowed)
        assert lines["fill_rate_target"].iloc[row] == target
        assert lines["safety_stock"].iloc[row] == pytest.approx(level - allowed - 210.0, abs=1e-3)
    assert lines["safety_stock"].is_monotonic_decreasing
    assert "expected fill 95.0% (class B target 95%; lost sales" in lines["why"].iloc[1]


def ramping_line(uplift: np.ndarray | None = None) -> pd.Series:
    """The plan line of a lumpy unit forecast at 1 a day (times ``uplift``) whose last 56
    days sold 2 a day in a steady 1, 3 rhythm, from zero stock, its own target 98%
    (back-ordered: the level as the sample gives it)."""
    horizon = 60
    factor = np.ones((1, horizon)) if uplift is None else uplift.astype(float)
    cum_var = np.concatenate([[[0.0]], np.cumsum(np.ones((1, horizon)), axis=1)], axis=1)
    forecast = Forecast(
        AS_OF + pd.Timedelta(days=1), factor, cum_var, np.array(["mean_long"]),
        np.array(["lumpy"]), np.array([[1.0, 3.0] * 150]), uplift=uplift,
    )  # fmt: skip
    settings = ReplenishmentSettings(fill_rate=0.98, allocation="sku", unmet_demand="backorder")
    lines = replenish(
        make_units({"on_hand": 0.0}), forecast, np.array(["maturity"]), np.array(["A"]),
        settings, AS_OF,
    )  # fmt: skip
    return lines.iloc[0]


def test_a_ramping_lumpy_unit_is_ordered_for_its_recent_rate_and_says_so() -> None:
    """The engine forecasts 1 a day (a long mean lagging behind), but the last 56 days sold 2
    a day in a steady 1, 3 rhythm with no error over any span: the demand over the 21-day
    protection period is 2 x 21 = 42 +- 1 (21 days of the rhythm sell 41 or 43), so the
    order-up-to level covers 43 and the why names the recent level."""
    line = ramping_line()
    assert line["demand_over_p"] == pytest.approx(21.0)
    assert line["centre_p"] == pytest.approx(42.0)
    assert line["order_up_to"] == pytest.approx(43.0, abs=0.5)
    assert "around its last 56 days' rate (42 over the period)" in line["why"]


def test_a_promotion_inside_the_period_lifts_the_recent_level_as_it_lifts_the_forecast() -> None:
    """The same ramping unit with a promotion doubling the first 7 of its 21 days: the
    engine's forecast carries it (1 a day, 2 on those days: 28), and so does the demand the
    policy centres on: the recent level 2 a day, doubled on the same days, 2 x 28 = 56."""
    uplift = np.ones((1, 60), np.float32)
    uplift[0, :7] = 2.0
    line = ramping_line(uplift)
    assert line["demand_over_p"] == pytest.approx(28.0)
    assert line["centre_p"] == pytest.approx(56.0)
    assert line["order_up_to"] >= 56.0
