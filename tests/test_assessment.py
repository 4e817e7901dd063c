"""Golden test of the inventory-health stage on a tiny two-warehouse shop, computed by hand.

The shop is planned as of 2026-03-31 (30-day window 2026-03-02 .. 03-31, forecast from
04-01). One supplier, S1: lead time 7 d, review 7 d (protection 14 d), takes back stock
received within 30 days. Every SKU costs 4 and sells for 10 (margin 0.6). The forecast is
given per unit so that every number below follows from the tables:

========  =====  ==========================================================  ========
SKU       whs    story                                                       forecast
========  =====  ==========================================================  ========
FLAT      W1     2/day for two years; 300 on hand in three lots               2/day
FLAT      W2     1/day for two years; nothing on hand                         1/day
SEASON    W1     1/day since 2025-10-01; 200 on hand; the peak is coming      1 -> 10
ZERO      W1     one sale 120 d ago; 40 on hand received 200 d ago            0
EMPTY     W1     2/day since 2025-06-01; nothing on hand; PO of 50 on 04-05   2/day
ONCE      W1     launched 2025-01-01; one sale of 6 on 03-20; 24 on hand      0.2/day
DECL      W1     4/day for two years, 1/day for the last 56 days; 200 on hand 1/day
========  =====  ==========================================================  ========
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecaster.config import Settings
from forecaster.glossary import say
from forecaster.inventory.assessment import Assessment, assess_inventory
from forecaster.inventory.lifecycle import lifecycle_stage
from forecaster.io.dataset import Dataset, load_dataset
from forecaster.models.forecast import Forecast
from forecaster.pipeline import forecast_horizon, plan
from forecaster.units import planning_units
from tests.conftest import ShopWriter

AS_OF = pd.Timestamp("2026-03-31")
GRADE_ACTIONS = {g: a.action for g, a in Settings().slow_movers.grades.items()}
LEVELS = {
    ("FLAT", "W1"): 2.0,
    ("FLAT", "W2"): 1.0,
    ("SEASON", "W1"): 1.0,
    ("ZERO", "W1"): 0.0,
    ("EMPTY", "W1"): 2.0,
    ("ONCE", "W1"): 0.2,
    ("DECL", "W1"): 1.0,
}
#: SEASON's forecast: 1/day for 10 days, then the season: 10/day.
SEASON_RAMP_DAY = 10


def days(sku: str, warehouse: str, first: str, last: str, qty: float) -> list[dict[str, object]]:
    return [
        {"sku": sku, "warehouse": warehouse, "date": f"{d:%Y-%m-%d}", "qty": qty}
        for d in pd.date_range(first, last)
    ]


def write_shop(shop: ShopWriter) -> Path:
    sales = [
        *days("FLAT", "W1", "2024-03-31", "2026-03-31", 2),
        *days("FLAT", "W2", "2024-03-31", "2026-03-31", 1),
        *days("SEASON", "W1", "2025-10-01", "2026-03-31", 1),
        {"sku": "ZERO", "warehouse": "W1", "date": "2025-12-01", "qty": 5},
        *days("EMPTY", "W1", "2025-06-01", "2026-03-31", 2),
        {"sku": "ONCE", "warehouse": "W1", "date": "2026-03-20", "qty": 6},
        *days("DECL", "W1", "2024-03-31", "2026-02-03", 4),
        *days("DECL", "W1", "2026-02-04", "2026-03-31", 1),
    ]
    on_hand = {"FLAT": 300, "SEASON": 200, "ZERO": 40, "EMPTY": 0, "ONCE": 24, "DECL": 200}
    inventory = [{"sku": s, "warehouse": "W1", "on_hand": q} for s, q in on_hand.items()]
    inventory.append({"sku": "FLAT", "warehouse": "W2", "on_hand": 0})
    receipts = [
        {"sku": "FLAT", "warehouse": "W1", "date": "2026-03-21", "qty": 100},  # 10 d
        {"sku": "FLAT", "warehouse": "W1", "date": "2026-02-19", "qty": 150},  # 40 d
        {"sku": "FLAT", "warehouse": "W1", "date": "2026-01-20", "qty": 200},  # 70 d
        {"sku": "SEASON", "warehouse": "W1", "date": "2026-03-25", "qty": 200},  # 6 d
        {"sku": "ZERO", "warehouse": "W1", "date": "2025-09-12", "qty": 40},  # 200 d
        {"sku": "ONCE", "warehouse": "W1", "date": "2025-12-01", "qty": 24},  # 120 d
        {"sku": "DECL", "warehouse": "W1", "date": "2026-03-11", "qty": 200},  # 20 d
    ]
    skus = [
        {
            "sku": s,
            "supplier": "S1",
            "unit_cost": 4,
            "unit_price": 10,
            "lead_time_days": 7,
            "launch_date": "2025-01-01" if s == "ONCE" else "",
        }
        for s in on_hand
    ]
    return shop(
        sales=sales,
        inventory=inventory,
        skus=skus,
        receipts=receipts,
        purchase_orders=[{"sku": "EMPTY", "warehouse": "W1", "qty": 50, "eta": "2026-04-05"}],
        suppliers=[{"supplier": "S1", "review_period_days": 7, "return_window_days": 30}],
    )


def given_forecast(ds: Dataset, units: pd.DataFrame, horizon: int, ramp: bool) -> Forecast:
    keys = zip(units["sku"], units["warehouse"], strict=True)
    mean = np.repeat(np.array([LEVELS[k] for k in keys])[:, None], horizon, axis=1)
    if ramp:
        mean[(units["sku"] == "SEASON").to_numpy(), SEASON_RAMP_DAY:] = 10.0
    model = np.full(len(units), "given", dtype=object)
    start = ds.as_of + pd.Timedelta(days=1)
    return Forecast.independent_days(start, mean, np.full(len(units), 0.5), model)


def assess(folder: Path, ramp: bool = True) -> Assessment:
    settings = Settings().with_overrides(data_dir=folder)
    ds = load_dataset(settings)
    assert ds.as_of == AS_OF and ds.per_warehouse
    units = planning_units(ds)
    forecast = given_forecast(ds, units, forecast_horizon(units, settings), ramp)
    return assess_inventory(ds, units, forecast, settings)


@pytest.fixture
def result(shop: ShopWriter) -> Assessment:
    return assess(write_shop(shop))


def unit(result: Assessment, sku: str, warehouse: str = "W1") -> pd.Series:
    health = result.health
    rows = health[(health["sku"] == sku) & (health["warehouse"] == warehouse)]
    assert len(rows) == 1
    return rows.iloc[0]


def alerts_of(result: Assessment, sku: str, warehouse: str = "W1") -> dict[str, pd.Series]:
    rows = result.alerts[(result.alerts["sku"] == sku) & (result.alerts["warehouse"] == warehouse)]
    return {row["alert"]: row for _, row in rows.iterrows()}


# --------------------------------------------------------------------------- per unit


def test_three_lots_fifo_overstock_transfer_and_return(result: Assessment) -> None:
    """FLAT in W1: sold 60 in 30 d -> avg 2, turnover 300 / 2 = 150, cover 150, sell-through
    60 / 360 = 1/6, movement 1. FIFO: 300 on hand = 100 @ 10 d + 150 @ 40 d + 50 @ 70 d ->
    (1,000 + 6,000 + 3,500) / 300 = 35 d; 100 units are younger than the 30-day window.
    Slow mover (cover 150 > 90), not C/B, margin 0.6 -> S.

    Alerts: OVERSTOCK (medium: below the cap) and LOW_SELL_THROUGH (1/6 < 0.2, 35 d > 30).
    Excess = 300 - 2 x 90 = 120; W2 needs 1 x 14 = 14 -> transfer 14; return min(106, 100)
    = 100; promote the remaining 6."""
    row = unit(result, "FLAT")
    assert row["sold_30d"] == 60.0
    assert row["avg_daily_sales_30d"] == 2.0
    assert row["turnover_days"] == pytest.approx(150.0)
    assert row["days_of_cover"] == pytest.approx(150.0)
    assert row["sell_through_30d"] == pytest.approx(1 / 6)
    assert row["movement_rate_30d"] == 1.0
    assert row["inventory_age_days"] == pytest.approx(35.0)
    assert row["returnable"] == 100.0
    assert row["gross_margin"] == pytest.approx(0.6)
    assert row["stock_value"] == 1200.0
    assert row["lifecycle"] == "maturity"
    assert row["grade"] == "S"
    alerts = alerts_of(result, "FLAT")
    assert sorted(alerts) == ["LOW_SELL_THROUGH", "OVERSTOCK"]
    assert alerts["OVERSTOCK"]["severity"] == "medium"
    assert alerts["OVERSTOCK"]["action"] == (
        "transfer 14 units to W2; "
        "return 100 units to S1 (received within its 30-day return window); "
        f"the remaining 6: {say('alert.promote', 'en')}"
    )
    assert alerts["LOW_SELL_THROUGH"]["action"] == say("alert.promote", "en")


def test_zero_stock_with_open_po(result: Assessment) -> None:
    """FLAT in W2: nothing on hand, 1/day -> OUT_OF_STOCK, order now. EMPTY: nothing on hand,
    2/day, PO of 50 due 04-05 -> expedite it. Both: turnover 0, sell-through 1, cover 0 for
    W2 (EMPTY's PO arrives on day 4, after the stock ran out on day 0), age unknown."""
    for sku, warehouse, sold in (("FLAT", "W2", 30.0), ("EMPTY", "W1", 60.0)):
        row = unit(result, sku, warehouse)
        assert row["sold_30d"] == sold
        assert row["turnover_days"] == 0.0
        assert row["sell_through_30d"] == 1.0
        assert row["days_of_cover"] == 0.0
        assert np.isnan(row["inventory_age_days"])
        assert row["grade"] == ""
    flat = alerts_of(result, "FLAT", "W2")
    assert list(flat) == ["OUT_OF_STOCK"]
    assert flat["OUT_OF_STOCK"]["action"] == "order now and expedite"
    empty = alerts_of(result, "EMPTY")
    assert list(empty) == ["OUT_OF_STOCK"]
    assert empty["OUT_OF_STOCK"]["severity"] == "high"
    assert empty["OUT_OF_STOCK"]["action"] == "expedite the open PO (50 units due 2026-04-05)"


def test_zero_sales_is_dead_stock_graded_c(result: Assessment) -> None:
    """ZERO: nothing sold in 30 d -> avg 0, turnover infinite, sell-through 0 / 40 = 0,
    movement 0, last sale 120 d ago, no demand -> cover at the 365 cap; age 200 d.
    Grade C (no sale in >= 30 d and age >= 180). Lifecycle decline (nothing sold in the last
    112 d). DEAD_STOCK (120 >= 90) replaces OVERSTOCK; nothing young enough to return,
    no warehouse short of it: clear as grade C."""
    row = unit(result, "ZERO")
    assert row["avg_daily_sales_30d"] == 0.0
    assert row["turnover_days"] == np.inf
    assert row["sell_through_30d"] == 0.0
    assert row["movement_rate_30d"] == 0.0
    assert row["days_since_last_sale"] == 120.0
    assert row["days_of_cover"] == 365.0
    assert row["inventory_age_days"] == 200.0
    assert row["returnable"] == 0.0
    assert row["lifecycle"] == "decline"
    assert row["grade"] == "C"
    alerts = alerts_of(result, "ZERO")
    assert list(alerts) == ["DEAD_STOCK"]
    assert alerts["DEAD_STOCK"]["action"] == f"clear as grade C ({GRADE_ACTIONS['C']})"


def test_single_sale(result: Assessment) -> None:
    """ONCE: sold 6 -> avg 0.2, turnover 24 / 0.2 = 120, sell-through 6 / 30 = 0.2 (not below
    0.2: no LOW_SELL_THROUGH), movement 1/30, last sale 11 d ago, age 120, cover 24 / 0.2 =
    120 -> OVERSTOCK; excess min(24, 24 - 18) = 6, too old to return: promote.
    Grade B (movement 1/30 < 0.1; not C: sold 11 d ago)."""
    row = unit(result, "ONCE")
    assert row["avg_daily_sales_30d"] == pytest.approx(0.2)
    assert row["turnover_days"] == pytest.approx(120.0)
    assert row["sell_through_30d"] == pytest.approx(0.2)
    assert row["movement_rate_30d"] == pytest.approx(1 / 30)
    assert row["days_since_last_sale"] == 11.0
    assert row["inventory_age_days"] == 120.0
    assert row["days_of_cover"] == pytest.approx(120.0)
    assert row["grade"] == "B"
    alerts = alerts_of(result, "ONCE")
    assert list(alerts) == ["OVERSTOCK"]
    assert alerts["OVERSTOCK"]["action"] == say("alert.promote", "en")


def test_declining_sku_is_graded_b_and_returned(result: Assessment) -> None:
    """DECL: last 56 d sold 56, the 56 d before 224, the same 56 d a year ago 224: 56 < 0.6 x
    224 on both -> decline. Cover 200 / 1 = 200 -> slow; margin 0.6 would make it S, but a
    declining slow mover is B. OVERSTOCK: excess 200 - 90 = 110, all 200 received 20 d ago
    (inside the 30-day window): return 110."""
    row = unit(result, "DECL")
    assert row["lifecycle"] == "decline"
    assert row["days_of_cover"] == pytest.approx(200.0)
    assert row["inventory_age_days"] == 20.0
    assert row["returnable"] == 200.0
    assert row["grade"] == "B"
    alerts = alerts_of(result, "DECL")
    assert list(alerts) == ["OVERSTOCK"]
    assert alerts["OVERSTOCK"]["action"] == (
        "return 110 units to S1 (received within its 30-day return window)"
    )


def test_seasonal_sku_ahead_of_its_peak_is_not_overstock(shop: ShopWriter) -> None:
    """SEASON sold 30 in 30 d and holds 200: by the trailing average it turns over in
    200 / 1 = 200 d, far beyond the 90 d overstock line. The forecast sees the season
    coming (1/day for 10 days, then 10/day): cover = 10 + 190 / 10 = 29 d: no OVERSTOCK,
    not a slow mover, no alert at all. With a flat forecast at the trailing average it
    would be OVERSTOCK and a slow mover."""
    folder = write_shop(shop)
    ahead = assess(folder, ramp=True)
    row = unit(ahead, "SEASON")
    assert row["turnover_days"] == pytest.approx(200.0)
    assert row["days_of_cover"] == pytest.approx(29.0)
    assert row["grade"] == ""
    assert alerts_of(ahead, "SEASON") == {}

    trailing = assess(folder, ramp=False)
    assert unit(trailing, "SEASON")["days_of_cover"] == pytest.approx(200.0)
    assert list(alerts_of(trailing, "SEASON")) == ["OVERSTOCK"]
    assert unit(trailing, "SEASON")["grade"] == "S"  # margin 0.6


def test_slow_movers_sheet_rows(result: Assessment) -> None:
    """Slow movers: FLAT W1 (S, 1,200), DECL (B, 800), ZERO (C, 160), ONCE (B, 96), by
    stock value; expected recovery = rate x value: 0.6 x 1,200, 0.3 x 800, 0.1 x 160,
    0.3 x 96."""
    slow = result.slow_movers
    assert slow["sku"].tolist() == ["FLAT", "DECL", "ZERO", "ONCE"]
    assert slow["grade"].tolist() == ["S", "B", "C", "B"]
    assert slow["stock_value"].tolist() == [1200.0, 800.0, 160.0, 96.0]
    assert slow["expected_recovery"].tolist() == pytest.approx([720.0, 240.0, 16.0, 28.8])
    # ONCE sold 6 in the last 56 d after nothing: a rise, but below 8 units it is no growth
    assert slow["lifecycle"].tolist() == ["maturity", "decline", "decline", "maturity"]


# --------------------------------------------------------------------------- SKU totals


def test_sku_totals_pool_the_warehouses(result: Assessment) -> None:
    """FLAT across W1 and W2: on hand 300, sold 60 + 30 = 90 -> avg 3, turnover 100, cover
    300 / 3 = 100 (pooled stock serving both), sell-through 90 / 390, movement 1, age 35 (all
    stock is in W1), returnable 100, value 1,200; slow by cover 100 > 90, margin 0.6: S."""
    totals = result.sku_totals.set_index("sku")
    assert sorted(totals.index) == ["DECL", "EMPTY", "FLAT", "ONCE", "SEASON", "ZERO"]
    assert (totals["warehouse"] == "").all()
    flat = totals.loc["FLAT"]
    assert flat["on_hand"] == 300.0
    assert flat["sold_30d"] == 90.0
    assert flat["avg_daily_sales_30d"] == 3.0
    assert flat["turnover_days"] == pytest.approx(100.0)
    assert flat["days_of_cover"] == pytest.approx(100.0)
    assert flat["sell_through_30d"] == pytest.approx(90 / 390)
    assert flat["movement_rate_30d"] == 1.0
    assert flat["inventory_age_days"] == pytest.approx(35.0)
    assert flat["returnable"] == 100.0
    assert flat["stock_value"] == 1200.0
    assert flat["lifecycle"] == "maturity"
    assert flat["grade"] == "S"


def test_sku_in_one_warehouse_totals_to_itself(result: Assessment) -> None:
    """A SKU in one warehouse has a total row equal to its unit row (bar the warehouse)."""
    totals = result.sku_totals.set_index("sku")
    for sku in ("SEASON", "ZERO", "ONCE", "DECL", "EMPTY"):
        row = unit(result, sku).drop(["sku", "warehouse"])
        pd.testing.assert_series_equal(
            totals.loc[sku].drop("warehouse")[row.index], row, check_names=False
        )


def test_no_totals_when_not_planning_per_warehouse(shop: ShopWriter) -> None:
    """Without warehouse columns each SKU is one unit: no total rows."""
    settings = Settings().with_overrides(data_dir=shop())
    assert plan(settings).sku_totals.empty


# --------------------------------------------------------------------------- through the engine


def coat_rate(day: pd.Timestamp) -> int:
    """A winter coat: 1/day from February to August, rising through September and October
    to 12/day from November to January (plateau of +-45 days around 15 December)."""
    distance = min(abs(day.day_of_year - 349), 365 - abs(day.day_of_year - 349))
    return round(max(1.0, 12.0 - 11.0 * max(0, distance - 45) / 60))


def test_engine_sees_the_season_a_trailing_average_misses(shop: ShopWriter) -> None:
    """Planned on 2025-09-10 with 2.7 years of the same seasonal pattern and 200 coats on
    hand: the last 30 days sold 38 (1.27/day), so the trailing turnover is 158 d, above the
    90 d overstock line. The engine forecasts the coming season from the past ones (a
    seasonal model is chosen), the stock lasts about a month, and no overstock is raised;
    the coat is not a slow mover."""
    dates = pd.date_range("2023-01-01", "2025-09-10")
    sales = [{"sku": "COAT", "date": f"{d:%Y-%m-%d}", "qty": coat_rate(d)} for d in dates]
    sales += [{"sku": "TEE", "date": f"{d:%Y-%m-%d}", "qty": 3} for d in dates]
    row = {"supplier": "S1", "unit_cost": 50, "unit_price": 120, "lead_time_days": 14}
    folder = shop(
        sales=sales,
        inventory=[{"sku": "COAT", "on_hand": 200}, {"sku": "TEE", "on_hand": 90}],
        skus=[{"sku": "COAT", **row}, {"sku": "TEE", **row}],
    )
    result = plan(Settings().with_overrides(data_dir=folder))
    coat = result.health.set_index("sku").loc["COAT"]
    assert coat["avg_daily_sales_30d"] == pytest.approx(38 / 30)
    assert coat["turnover_days"] > 150
    assert "seasonal" in result.forecast.model[0]
    assert 20 < coat["days_of_cover"] < 60
    assert "OVERSTOCK" not in result.alerts.loc[result.alerts["sku"] == "COAT", "alert"].tolist()
    assert coat["grade"] == ""


def test_lifecycle_is_the_skus_not_the_warehouses(shop: ShopWriter) -> None:
    """SPLIT sells 4/day in W1 throughout; W2 sold 2/day, then 0.5/day in the last 56 days.
    W2 alone would be declining (28 < 0.6 x 112) and get no reorders, but the SKU sold
    (4 + 0.5) x 56 = 252 against (4 + 2) x 56 = 336 before: 0.75 >= 0.6, maturity, and
    both warehouses take the SKU's stage."""
    sales = [
        *days("SPLIT", "W1", "2024-03-31", "2026-03-31", 4),
        *days("SPLIT", "W2", "2024-03-31", "2026-02-03", 2),
        *[{**row, "qty": 0.5} for row in days("SPLIT", "W2", "2026-02-04", "2026-03-31", 1)],
    ]
    folder = shop(
        sales=sales,
        inventory=[
            {"sku": "SPLIT", "warehouse": "W1", "on_hand": 100},
            {"sku": "SPLIT", "warehouse": "W2", "on_hand": 20},
        ],
        skus=[{"sku": "SPLIT", "supplier": "S1", "unit_cost": 4, "unit_price": 10,
               "lead_time_days": 7}],
    )  # fmt: skip
    settings = Settings().with_overrides(data_dir=folder)
    ds = load_dataset(settings)
    units = planning_units(ds)
    horizon = forecast_horizon(units, settings)
    forecast = Forecast.independent_days(
        ds.as_of + pd.Timedelta(days=1),
        np.repeat(np.array([[4.0], [0.5]]), horizon, axis=1),
        np.full(2, 0.5),
        np.full(2, "given", dtype=object),
    )
    result = assess_inventory(ds, units, forecast, settings)
    assert result.health["lifecycle"].tolist() == ["maturity", "maturity"]
    assert result.sku_totals["lifecycle"].tolist() == ["maturity"]
    alone = lifecycle_stage(ds, units, settings.lifecycle)
    assert alone.tolist() == ["maturity", "decline"]  # what W2 alone would be
