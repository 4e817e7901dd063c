"""Tests of forecaster.inventory.metrics: the formulas alone, then inventory_health on tiny shops.

All shops are planned as of 2026-03-31: the 30-day window is 2026-03-02 .. 2026-03-31, and
the forecast starts on 2026-04-01.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecaster.config import Settings
from forecaster.inventory.metrics import (
    days_of_cover,
    gross_margin,
    inventory_age,
    inventory_health,
    sell_through,
    turnover_days,
)
from forecaster.io.dataset import Dataset, load_dataset
from forecaster.models.engine import forecast_units
from forecaster.models.forecast import Forecast
from forecaster.pipeline import forecast_horizon
from forecaster.units import planning_units

AS_OF = pd.Timestamp("2026-03-31")
Shop = Callable[..., Path]


def daily_sales(sku: str, first: str, last: str, qty: float) -> list[dict[str, object]]:
    """``qty`` units of ``sku`` on every day from ``first`` to ``last``."""
    return [{"sku": sku, "date": f"{d:%Y-%m-%d}", "qty": qty} for d in pd.date_range(first, last)]


def sku_row(sku: str, **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "sku": sku,
        "supplier": "S1",
        "unit_cost": 4,
        "unit_price": 10,
        "lead_time_days": 7,
        "launch_date": "",
    }
    return {**base, **extra}


def load(
    folder: Path, levels: dict[str, float] | None = None
) -> tuple[Dataset, pd.DataFrame, Forecast, Settings]:
    """Chain the stages as forecaster.pipeline.plan does.

    With ``levels`` (units a day per SKU) the forecast is that constant instead of the
    engine's, so the metrics can be checked by hand whatever the models choose.
    """
    settings = Settings().with_overrides(data_dir=folder)
    ds = load_dataset(settings)
    units = planning_units(ds)
    horizon = forecast_horizon(units, settings)
    if levels is None:
        forecast = forecast_units(ds.sales, units, ds.promotions, ds.as_of, settings, horizon)
    else:
        daily = units["sku"].map(levels).to_numpy(dtype=float)
        mean = np.repeat(daily[:, None], horizon, axis=1)
        model = np.full(len(units), "given", dtype=object)
        start = ds.as_of + pd.Timedelta(days=1)
        forecast = Forecast.independent_days(start, mean, np.ones(len(units)), model)
    return ds, units, forecast, settings


# --------------------------------------------------------------------------- formulas


def test_turnover_days() -> None:
    """30 / 3 = 10 d; stock without sales: infinite; no stock: 0 (even without sales)."""
    out = turnover_days(np.array([30.0, 5.0, 0.0, 0.0]), np.array([3.0, 0.0, 2.0, 0.0]))
    assert out.tolist() == [10.0, np.inf, 0.0, 0.0]


def test_sell_through() -> None:
    """20 / (20 + 80) = 0.2; 30 / (30 + 0) = 1; 0 / (0 + 5) = 0; 0 / 0 undefined."""
    out = sell_through(np.array([20.0, 30.0, 0.0, 0.0]), np.array([80.0, 0.0, 5.0, 0.0]))
    assert out[:3].tolist() == [0.2, 1.0, 0.0]
    assert np.isnan(out[3])


def test_gross_margin() -> None:
    """(10 - 4) / 10 = 0.6; (5 - 6) / 5 = -0.2 (sold at a loss); price 0: undefined."""
    out = gross_margin(np.array([10.0, 5.0, 0.0]), np.array([4.0, 6.0, 1.0]))
    assert out[:2] == pytest.approx([0.6, -0.2])
    assert np.isnan(out[2])


def cover(
    stock: list[float],
    demand: np.ndarray,
    pos: Sequence[tuple[int, int, float]] = (),
    cap: int = 30,
) -> np.ndarray:
    """days_of_cover with PO lines given as (unit, day, qty)."""
    unit = np.array([p[0] for p in pos], dtype=int)
    day = np.array([p[1] for p in pos], dtype=int)
    qty = np.array([p[2] for p in pos], dtype=float)
    return days_of_cover(np.asarray(stock, dtype=float), demand, unit, day, qty, cap)


def test_days_of_cover_constant_demand() -> None:
    """20 units, 4/day: day t starts with 20 - 4t; day 5 starts with 0 < 4 -> 5 + 0/4 = 5."""
    assert cover([20.0], np.full((1, 30), 4.0)).tolist() == [5.0]


def test_days_of_cover_partial_day() -> None:
    """10 units, 4/day: day 2 starts with 2 < 4 -> 2 + 2/4 = 2.5."""
    assert cover([10.0], np.full((1, 30), 4.0)).tolist() == [2.5]


def test_days_of_cover_with_pos_arriving() -> None:
    """7 on hand, 3/day, PO of 5 on day 1 and 4 on day 4. Start of day -> end of day:
    day 0: 7 -> 4; day 1: 4 + 5 = 9 -> 6; day 2: 6 -> 3; day 3: 3 -> 0;
    day 4: 0 + 4 = 4 -> 1; day 5: 1 < 3 -> cover 5 + 1/3 = 5.333."""
    out = cover([7.0], np.full((1, 30), 3.0), [(0, 1, 5.0), (0, 4, 4.0)])
    assert out[0] == pytest.approx(5 + 1 / 3)


def test_days_of_cover_po_too_late_to_help() -> None:
    """4 on hand, 2/day, PO of 100 on day 5: day 2 starts with 0 < 2 -> 2.0 (the PO is late)."""
    assert cover([4.0], np.full((1, 30), 2.0), [(0, 5, 100.0)]).tolist() == [2.0]


def test_days_of_cover_varying_demand() -> None:
    """12 on hand, demand 1, 2, 3, 4, 5, ...: day 0: 12 -> 11; day 1: 11 -> 9; day 2: 9 -> 6;
    day 3: 6 -> 2; day 4: 2 < 5 -> 4 + 2/5 = 4.4."""
    demand = np.arange(1.0, 31.0)[None, :]
    assert cover([12.0], demand)[0] == pytest.approx(4.4)


def test_days_of_cover_ignores_foreign_late_and_past_lines() -> None:
    """Lines of no unit (-1), before day 0 or past the horizon do not count: 10 / 5 = 2."""
    out = cover([10.0], np.full((1, 30), 5.0), [(-1, 0, 50.0), (0, -1, 50.0), (0, 30, 50.0)])
    assert out.tolist() == [2.0]


def test_days_of_cover_cap_zero_and_undefined() -> None:
    """Unit 0: 1000 / 1 > cap 30 -> 30. Unit 1: no stock, 2/day -> 0. Unit 2: no stock, no
    demand, nothing inbound -> NaN. Unit 3: stock, no demand -> cap. Unit 4: only a PO of 6
    on day 0 and 2/day -> 6 / 2 = 3. Unit 5: no stock and no demand but a PO -> cap."""
    demand = np.array([[1.0], [2.0], [0.0], [0.0], [2.0], [0.0]]) * np.ones((1, 30))
    out = cover([1000.0, 0.0, 0.0, 5.0, 0.0, 0.0], demand, [(4, 0, 6.0), (5, 3, 10.0)])
    assert out[[0, 1, 3, 4, 5]].tolist() == [30.0, 0.0, 30.0, 3.0, 30.0]
    assert np.isnan(out[2])


def test_days_of_cover_keeps_units_apart() -> None:
    """A PO of unit 1 does not help unit 0: 6 / 3 = 2 and (0 + 9) / 3 = 3."""
    out = cover([6.0, 0.0], np.full((2, 30), 3.0), [(1, 0, 9.0)])
    assert out.tolist() == [2.0, 3.0]


# --------------------------------------------------------------------------- inventory age

#: Receipt days as of 2026-03-31: 03-21 is 10 d ago, 02-19 is 40 d, 01-30 is 60 d.
LOTS = [("2026-03-21", 20), ("2026-02-19", 50), ("2026-01-30", 30)]


def test_inventory_age_fifo(shop: Shop) -> None:
    """FIFO ages, newest receipts first.

    LOTS (80 on hand; lots 20 @ 10 d, 50 @ 40 d, 30 @ 60 d): (20x10 + 50x40 + 10x60) / 80
    = 2800 / 80 = 35 (its last_receipt_date is ignored: receipts win).
    NEWEST (15 on hand, newest lot 20 @ 10 d): 10.
    OLDER (50 on hand, receipts 20 @ 10 d + 10 @ 40 d = 30): the 20 units received before
    all receipts are as old as the oldest: (20x10 + 10x40 + 20x40) / 50 = 1400 / 50 = 28.
    FALLBACK (no receipts, last receipt 2026-03-01): 30. UNKNOWN (neither): NaN.
    EMPTY (receipts but nothing on hand): NaN.
    """
    receipts = [
        {"sku": "LOTS", "date": d, "qty": q}
        for d, q in reversed(LOTS)  # unsorted on purpose
    ] + [
        {"sku": "NEWEST", "date": "2026-02-19", "qty": 50},
        {"sku": "NEWEST", "date": "2026-03-21", "qty": 20},
        {"sku": "OLDER", "date": "2026-03-21", "qty": 20},
        {"sku": "OLDER", "date": "2026-02-19", "qty": 10},
        {"sku": "EMPTY", "date": "2026-03-21", "qty": 20},
    ]
    names = ["LOTS", "NEWEST", "OLDER", "FALLBACK", "UNKNOWN", "EMPTY"]
    folder = shop(
        sales=[{"sku": s, "date": "2026-03-31", "qty": 1} for s in names],
        inventory=[
            {"sku": "LOTS", "on_hand": 80, "last_receipt_date": "2026-03-25"},
            {"sku": "NEWEST", "on_hand": 15, "last_receipt_date": ""},
            {"sku": "OLDER", "on_hand": 50, "last_receipt_date": ""},
            {"sku": "FALLBACK", "on_hand": 12, "last_receipt_date": "2026-03-01"},
            {"sku": "UNKNOWN", "on_hand": 7, "last_receipt_date": ""},
            {"sku": "EMPTY", "on_hand": 0, "last_receipt_date": "2026-03-21"},
        ],
        skus=[sku_row(s) for s in names],
        receipts=receipts,
    )
    settings = Settings().with_overrides(data_dir=folder)
    ds = load_dataset(settings)
    units = planning_units(ds)
    age = pd.Series(inventory_age(ds, units), index=units["sku"])
    assert age["LOTS"] == pytest.approx(35.0)
    assert age["NEWEST"] == pytest.approx(10.0)
    assert age["OLDER"] == pytest.approx(28.0)
    assert age["FALLBACK"] == pytest.approx(30.0)
    assert np.isnan(age["UNKNOWN"])
    assert np.isnan(age["EMPTY"])


def test_inventory_age_without_receipts_table(shop: Shop) -> None:
    """No receipts table at all: days since last_receipt_date (03-01 -> 30 d), else NaN."""
    folder = shop(
        sales=[{"sku": s, "date": "2026-03-31", "qty": 1} for s in ("A", "B")],
        inventory=[
            {"sku": "A", "on_hand": 5, "last_receipt_date": "2026-03-01"},
            {"sku": "B", "on_hand": 5, "last_receipt_date": ""},
        ],
        skus=[sku_row("A"), sku_row("B")],
    )
    ds = load_dataset(Settings().with_overrides(data_dir=folder))
    units = planning_units(ds)
    age = inventory_age(ds, units)
    assert age[0] == 30.0
    assert np.isnan(age[1])


# --------------------------------------------------------------------------- inventory health


@pytest.fixture
def health(shop: Shop) -> pd.DataFrame:
    """A tiny shop; inventory_health indexed by SKU.

    DAILY: 2/day from 2026-01-01, nothing on hand.
    IDLE: one sale of 5 on 2025-12-01 (120 d ago), 40 on hand.
    GONE: one sale of 5 on 2025-12-01, nothing on hand.
    ONE: launched 2025-01-01, one sale of 6 on 2026-03-20 (11 d ago), 24 on hand.
    NEW: launched 2026-03-22 (10 days on sale to 03-31), 3/day since, 60 on hand.

    The forecast is given (the old 28-day mean of the days on sale: 2, 0, 0, 6/28, 3), so
    cover checks the metric, not the models.
    """
    folder = shop(
        sales=[
            *daily_sales("DAILY", "2026-01-01", "2026-03-31", 2),
            {"sku": "IDLE", "date": "2025-12-01", "qty": 5},
            {"sku": "GONE", "date": "2025-12-01", "qty": 5},
            {"sku": "ONE", "date": "2026-03-20", "qty": 6},
            *daily_sales("NEW", "2026-03-22", "2026-03-31", 3),
        ],
        inventory=[
            {"sku": "DAILY", "on_hand": 0},
            {"sku": "IDLE", "on_hand": 40},
            {"sku": "GONE", "on_hand": 0},
            {"sku": "ONE", "on_hand": 24},
            {"sku": "NEW", "on_hand": 60},
        ],
        skus=[
            sku_row("DAILY"),
            sku_row("IDLE"),
            sku_row("GONE"),
            sku_row("ONE", launch_date="2025-01-01", unit_cost=4, unit_price=10),
            sku_row("NEW", launch_date="2026-03-22", unit_cost=6, unit_price=8),
        ],
    )
    levels = {"DAILY": 2.0, "IDLE": 0.0, "GONE": 0.0, "ONE": 3 / 14, "NEW": 3.0}
    ds, units, forecast, settings = load(folder, levels)
    assert ds.as_of == AS_OF
    frame = inventory_health(ds, units, forecast, settings.planning)
    assert frame["sku"].tolist() == units["sku"].tolist()
    return frame.set_index("sku")


def test_health_zero_sales(health: pd.DataFrame) -> None:
    """IDLE: nothing sold in 30 d -> avg 0, turnover infinite, sell-through 0 / 40 = 0,
    movement 0, last sale 120 d ago; no forecast demand -> cover = the 365 d cap."""
    row = health.loc["IDLE"]
    assert row["sold_30d"] == 0.0
    assert row["avg_daily_sales_30d"] == 0.0
    assert row["turnover_days"] == np.inf
    assert row["sell_through_30d"] == 0.0
    assert row["movement_rate_30d"] == 0.0
    assert row["days_since_last_sale"] == 120.0
    assert row["days_of_cover"] == 365.0
    assert row["stock_value"] == 40 * 4


def test_health_zero_stock(health: pd.DataFrame) -> None:
    """DAILY: 2/day, nothing on hand -> sold 60, avg 2, movement 30/30 = 1, turnover 0,
    sell-through 60 / 60 = 1, cover 0 (day 0 starts empty), age unknown, value 0."""
    row = health.loc["DAILY"]
    assert row["sold_30d"] == 60.0
    assert row["avg_daily_sales_30d"] == 2.0
    assert row["movement_rate_30d"] == 1.0
    assert row["turnover_days"] == 0.0
    assert row["sell_through_30d"] == 1.0
    assert row["days_of_cover"] == 0.0
    assert row["days_since_last_sale"] == 0.0
    assert np.isnan(row["inventory_age_days"])
    assert row["stock_value"] == 0.0


def test_health_zero_sales_zero_stock(health: pd.DataFrame) -> None:
    """GONE: nothing sold, nothing on hand, nothing forecast: sell-through and cover undefined,
    turnover 0."""
    row = health.loc["GONE"]
    assert np.isnan(row["sell_through_30d"])
    assert np.isnan(row["days_of_cover"])
    assert row["turnover_days"] == 0.0


def test_health_single_sale(health: pd.DataFrame) -> None:
    """ONE (on sale all window): sold 6, avg 6 / 30 = 0.2, turnover 24 / 0.2 = 120,
    sell-through 6 / 30 = 0.2, movement 1 / 30, last sale 11 d ago, margin (10 - 4) / 10 = 0.6.
    Forecast 3/14 a day -> cover 24 / (3/14) = 112 d."""
    row = health.loc["ONE"]
    assert row["sold_30d"] == 6.0
    assert row["avg_daily_sales_30d"] == pytest.approx(0.2)
    assert row["turnover_days"] == pytest.approx(120.0)
    assert row["sell_through_30d"] == pytest.approx(0.2)
    assert row["movement_rate_30d"] == pytest.approx(1 / 30)
    assert row["days_since_last_sale"] == 11.0
    assert row["gross_margin"] == pytest.approx(0.6)
    assert row["days_of_cover"] == pytest.approx(112.0)
    assert row["stock_value"] == 24 * 4


def test_health_launch_measured_over_days_on_sale(health: pd.DataFrame) -> None:
    """NEW, on sale 10 days (03-22 .. 03-31): sold 30, avg 30 / 10 = 3 (not 30 / 30 = 1),
    movement 10 / 10 = 1, turnover 60 / 3 = 20, sell-through 30 / 90 = 1/3,
    margin (8 - 6) / 8 = 0.25. Forecast 3 a day -> cover 60 / 3 = 20."""
    row = health.loc["NEW"]
    assert row["days_on_sale"] == 10.0
    assert row["sold_30d"] == 30.0
    assert row["avg_daily_sales_30d"] == pytest.approx(3.0)
    assert row["movement_rate_30d"] == pytest.approx(1.0)
    assert row["turnover_days"] == pytest.approx(20.0)
    assert row["sell_through_30d"] == pytest.approx(1 / 3)
    assert row["gross_margin"] == pytest.approx(0.25)
    assert row["days_of_cover"] == pytest.approx(20.0)


def test_health_available_and_open_pos(shop: Shop) -> None:
    """A: 2/day, 30 on hand, 10 allocated -> available 20; PO of 16 due 2026-04-05 (day 4).
    Start of day: d0 20, d1 18, d2 16, d3 14, d4 12 + 16 = 28, ... -> (20 + 16) / 2 = 18 d."""
    folder = shop(
        sales=daily_sales("A", "2026-02-01", "2026-03-31", 2),
        inventory=[{"sku": "A", "on_hand": 30, "allocated": 10}],
        skus=[sku_row("A")],
        purchase_orders=[{"sku": "A", "qty": 16, "eta": "2026-04-05"}],
    )
    ds, units, forecast, settings = load(folder)
    row = inventory_health(ds, units, forecast, settings.planning).iloc[0]
    assert row["available"] == 20.0
    assert row["on_order"] == 16.0
    assert row["days_of_cover"] == pytest.approx(18.0)
    assert row["turnover_days"] == pytest.approx(15.0)  # on hand 30 / 2 a day
