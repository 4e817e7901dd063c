"""A year of daily demand replayed under the replenishment policy.

Every 7th day :func:`replenish` sees the stock on hand and on order and suggests an
order, which arrives a lead time later at the start of the day; demand that finds no
stock is backordered (the setting of the textbook fill-rate formulas), or lost where a
test says so, the policy planning for the same. The share of demand served from stock on
hand, over the year after a four-week warm-up, must meet the target.

- Poisson: 200 SKUs selling Poisson(lambda) a day, lambda from 2 to 20, lead time 7 d;
  the forecast's mean and variance are the truth; the gamma total of that mean and
  variance sets the safety stock. A 90% target must hold less stock than
  a 98% one.
- Lumpy: 200 SKUs selling on 3% to 25% of days, 1 + Poisson(s) units when they do
  (s from 0 to 8), lead time 14 d, with a year of history from the same process,
  forecast at each review by the mean of the last 8 weeks (as a real forecast would be:
  it has errors of its own); the
  distribution of demand over the protection period comes from the SKUs' own forecast
  errors over that span in the history (:mod:`forecaster.inventory.span_errors`). The
  engine's gamma total of the trailing variance serves these SKUs a little further
  from the target.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecaster.config import ReplenishmentSettings
from forecaster.inventory.replenishment import replenish
from forecaster.models.forecast import Forecast

AS_OF = pd.Timestamp("2026-01-04")
SKUS = 200
DAYS = 365 + 28
WARM_UP = 28
REVIEW = 7
#: Days whose mean is the lumpy SKUs' forecast at each review.
LEVEL = 56


ForecastAt = Callable[[int], Forecast]


def replay(
    demand: np.ndarray,
    forecast: Forecast | ForecastAt,
    fill_rate: float,
    lead: int,
    unmet: Literal["lost", "backorder"] = "backorder",
) -> tuple[float, float, pd.DataFrame]:
    """Fill rate reached, mean units on hand per SKU-day, and the last review's lines.

    ``forecast`` is the forecast of every review, or a function of the day giving it;
    demand that finds no stock is ``unmet`` (and the policy plans for it so).
    """
    n, days = demand.shape
    units = pd.DataFrame(
        {
            "sku": [f"S{i:03d}" for i in range(n)],
            "name": "",
            "supplier": "SUP",
            "warehouse": "",
            "status": "active",
            "lead_time_days": float(lead),
            "review_period_days": float(REVIEW),
            "lead_time_std_days": 0.0,
            "moq": 0.0,
            "case_pack": 1.0,
            "unit_cost": 1.0,
            "allocated": 0.0,
        }
    )
    stage = np.full(n, "maturity", dtype=object)
    abc = np.full(n, "A", dtype=object)
    # one target for every class
    terms = ReplenishmentSettings(fill_rate=fill_rate, unmet_demand=unmet)
    first = forecast(0) if callable(forecast) else forecast
    on_hand = np.ceil(first.mean[:, 0] * (lead + REVIEW))
    arriving = np.zeros((n, days + lead + 1))
    served = wanted = held = 0.0
    for day in range(days):
        on_hand += arriving[:, day]
        if day % REVIEW == 0:
            state = units.assign(on_hand=on_hand, on_order=arriving[:, day + 1 :].sum(axis=1))
            today_forecast = forecast(day) if callable(forecast) else forecast
            lines = replenish(state, today_forecast, stage, abc, terms, AS_OF)
            arriving[:, day + lead] += lines["suggested_order"].to_numpy()
        today = demand[:, day]
        if day >= WARM_UP:
            served += np.minimum(today, np.maximum(on_hand, 0.0)).sum()
            wanted += today.sum()
            held += np.maximum(on_hand - today, 0.0).sum()  # stock left at the end of the day
        on_hand -= today if unmet == "backorder" else np.minimum(today, on_hand)
    return served / wanted, held / (n * (days - WARM_UP)), lines


def stationary(
    mean: np.ndarray, variance: np.ndarray, demand_class: str, history: np.ndarray | None
) -> Forecast:
    """The true forecast of demand with a constant daily mean and variance."""
    horizon = 400
    cum_var = np.concatenate(
        [
            np.zeros((len(mean), 1)),
            np.cumsum(np.repeat(variance[:, None], horizon, axis=1), axis=1),
        ],
        axis=1,
    )
    return Forecast(
        AS_OF + pd.Timedelta(days=1),
        np.repeat(mean[:, None], horizon, axis=1),
        cum_var,
        np.full(len(mean), "truth", dtype=object),
        np.full(len(mean), demand_class, dtype=object),
        history,
    )


@cache
def poisson(
    fill_rate: float, unmet: Literal["lost", "backorder"] = "backorder"
) -> tuple[float, float]:
    rng = np.random.default_rng(20261123)
    rate = rng.uniform(2.0, 20.0, SKUS)
    demand = rng.poisson(rate[:, None], (SKUS, DAYS)).astype(float)
    truth = stationary(rate, rate, "smooth", None)
    reached, stock, _ = replay(demand, truth, fill_rate, lead=7, unmet=unmet)
    return reached, stock


@cache
def lumpy(fill_rate: float, empirical: bool) -> tuple[float, float, pd.DataFrame]:
    """Lumpy demand forecast as a planner's tool would: walking forward, each review's
    forecast is the mean of the last :data:`LEVEL` days (its variance theirs, days taken as
    independent), with the last year as history when ``empirical``."""
    rng = np.random.default_rng(20261124)
    chance = rng.uniform(0.03, 0.25, SKUS)
    extra = rng.uniform(0.0, 8.0, SKUS)

    def days(n: int) -> np.ndarray:
        sells = rng.random((SKUS, n)) < chance[:, None]
        return sells * (1.0 + rng.poisson(extra[:, None], (SKUS, n)))

    y = np.concatenate([days(365), days(DAYS)], axis=1)

    def forecast_at(day: int) -> Forecast:
        past = y[:, : 365 + day]
        recent = past[:, -LEVEL:]
        history = past[:, -365:] if empirical else None
        return stationary(recent.mean(axis=1), recent.var(axis=1), "lumpy", history)

    return replay(y[:, 365:], forecast_at, fill_rate, lead=14)


@pytest.mark.parametrize("target", [0.90, 0.95, 0.98])
def test_poisson_year_meets_the_fill_rate_target(target: float) -> None:
    reached, _ = poisson(target)
    assert reached == pytest.approx(target, abs=0.015)


@pytest.mark.parametrize("target", [0.80, 0.90, 0.95, 0.98])
def test_poisson_year_with_lost_sales_meets_the_target(target: float) -> None:
    """Measured: 80.5, 90.9, 95.8 and 98.4%. Planned with the back-order levels instead,
    the same lost-sales year served 89.8, 94.5, 97.0 and 98.7% (a lost sale leaves its
    unit on the shelf), with 30%, 15%, 8% and 3% more stock."""
    reached, stock = poisson(target, "lost")
    assert reached == pytest.approx(target, abs=0.01)
    assert stock < poisson(target, "backorder")[1]  # it also holds less than back-orders need


def test_lower_target_holds_less_stock() -> None:
    _, stock_90 = poisson(0.90)
    _, stock_98 = poisson(0.98)
    assert stock_90 < stock_98


@pytest.mark.parametrize("target", [0.90, 0.95, 0.98])
def test_lumpy_year_meets_the_target_from_its_own_errors(target: float) -> None:
    """Measured: 92.6, 95.9 and 98.0% for 90, 95 and 98% (the engine's gamma total: 89.6,
    94.7 and 97.9%; the normal total it replaced served 94.7% for 98%).
    The errors of an eight-week level, pooled over the class, are a little wider than those
    of these i.i.d. SKUs, which over-serves a low target."""
    reached, _, lines = lumpy(target, empirical=True)
    assert (lines["error_spans"] > 5).mean() > 0.9  # the spread came from their own errors
    assert "spread from its own forecast errors over" in lines["why"].iloc[0]
    assert reached == pytest.approx(target, abs=0.03)
    assert reached >= target - 0.01


def test_the_engine_total_serves_lumpy_demand_further_from_the_target() -> None:
    """At 98% the own span errors come closer than the gamma total of the trailing variance
    (98.0% against 97.9%)."""
    empirical, _, _ = lumpy(0.98, empirical=True)
    engine, _, lines = lumpy(0.98, empirical=False)
    assert (lines["error_spans"] == 0).all()
    assert abs(empirical - 0.98) < abs(engine - 0.98)


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    low=st.floats(0.80, 0.97),
    step=st.floats(0.005, 0.05),
    kind=st.sampled_from(["poisson", "lumpy"]),
    unmet=st.sampled_from(["lost", "backorder"]),
)
def test_a_higher_target_never_serves_less(
    seed: int, low: float, step: float, kind: str, unmet: Literal["lost", "backorder"]
) -> None:
    """The same 40 SKUs and half year of demand replayed at two targets, demand lost or
    back-ordered: the higher one never reaches a lower fill rate (its order-up-to levels
    are never lower)."""
    rng = np.random.default_rng(seed)
    n, days = 40, 182
    if kind == "poisson":
        rate = rng.uniform(0.5, 20.0, n)
        y = rng.poisson(rate[:, None], (n, 365 + days)).astype(float)
    else:
        chance, extra = rng.uniform(0.03, 0.3, n), rng.uniform(0.0, 6.0, n)
        sells = rng.random((n, 365 + days)) < chance[:, None]
        y = sells * (1.0 + rng.poisson(extra[:, None], (n, 365 + days)))
    history = y[:, :365]
    forecast = stationary(history.mean(axis=1), history.var(axis=1), kind, history)
    demand = y[:, 365:]
    lower, _, _ = replay(demand, forecast, low, lead=7, unmet=unmet)
    higher, _, _ = replay(demand, forecast, min(low + step, 0.995), lead=7, unmet=unmet)
    assert higher >= lower - 1e-12
