"""A year of daily Poisson demand replayed under the replenishment policy.

200 SKUs with daily demand Poisson(lambda), lambda from 2 to 20 units, lead time 7 d and
review period 7 d. Every 7th day :func:`replenish` sees the stock on hand and on order and
suggests an order, which arrives 7 days later at the start of the day; demand that finds
no stock is backordered (the setting of the textbook fill-rate formula). The forecast is
the truth: mean lambda a day, variance lambda a day (Poisson). The share of demand served
from stock on hand, over the year after a four-week warm-up, must meet the target within
1.5 points, and a 90% target must hold less stock than a 98% one.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from forecaster.config import ReplenishmentSettings
from forecaster.inventory.replenishment import replenish
from forecaster.models.forecast import Forecast

AS_OF = pd.Timestamp("2026-01-04")
SKUS = 200
DAYS = 365 + 28
WARM_UP = 28
LEAD = REVIEW = 7


@cache
def simulate(fill_rate: float) -> tuple[float, float]:
    """Fill rate reached and mean units on hand per SKU-day, for a target ``fill_rate``."""
    rng = np.random.default_rng(20261123)
    rate = rng.uniform(2.0, 20.0, SKUS)
    demand = rng.poisson(rate[:, None], (SKUS, DAYS)).astype(float)
    forecast = Forecast.independent_days(
        AS_OF + pd.Timedelta(days=1),
        np.repeat(rate[:, None], 400, axis=1),
        1.0 / np.sqrt(rate),  # sd of a day = sqrt(lambda)
        np.full(SKUS, "truth", dtype=object),
    )
    units = pd.DataFrame(
        {
            "sku": [f"S{i:03d}" for i in range(SKUS)],
            "name": "",
            "supplier": "SUP",
            "warehouse": "",
            "status": "active",
            "lead_time_days": float(LEAD),
            "review_period_days": float(REVIEW),
            "lead_time_std_days": 0.0,
            "moq": 0.0,
            "case_pack": 1.0,
            "unit_cost": 1.0,
            "allocated": 0.0,
        }
    )
    stage = np.full(SKUS, "maturity", dtype=object)
    abc = np.full(SKUS, "A", dtype=object)
    settings = ReplenishmentSettings(fill_rate=fill_rate)  # one target for every class
    on_hand = np.ceil(rate * (LEAD + REVIEW))
    arriving = np.zeros((SKUS, DAYS + LEAD + 1))
    served = wanted = held = 0.0
    for day in range(DAYS):
        on_hand += arriving[:, day]
        if day % REVIEW == 0:
            state = units.assign(on_hand=on_hand, on_order=arriving[:, day + 1 :].sum(axis=1))
            lines = replenish(state, forecast, stage, abc, settings, AS_OF)
            arriving[:, day + LEAD] += lines["suggested_order"].to_numpy()
        today = demand[:, day]
        if day >= WARM_UP:
            served += np.minimum(today, np.maximum(on_hand, 0.0)).sum()
            wanted += today.sum()
            held += np.maximum(on_hand - today, 0.0).sum()  # stock left at the end of the day
        on_hand -= today
    return served / wanted, held / (SKUS * (DAYS - WARM_UP))


@pytest.mark.parametrize("target", [0.90, 0.95, 0.98])
def test_poisson_year_meets_the_fill_rate_target(target: float) -> None:
    reached, _ = simulate(target)
    assert reached == pytest.approx(target, abs=0.015)


def test_lower_target_holds_less_stock() -> None:
    _, stock_90 = simulate(0.90)
    _, stock_98 = simulate(0.98)
    assert stock_90 < stock_98
