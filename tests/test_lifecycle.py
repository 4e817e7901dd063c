"""Tests of forecaster.inventory.lifecycle: one small shop per lifecycle stage.

As of 2026-03-31 with the defaults (T = 56 d, introduction 60 d, growth 1.3, decline 0.6),
sales are placed by ``d`` = days before the as-of date:
recent = d 0..55, previous = d 56..111, same window last year = d 365..420.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from forecaster.config import LifecycleSettings, Settings
from forecaster.inventory.lifecycle import lifecycle_stage
from forecaster.io.dataset import load_dataset
from forecaster.units import planning_units

AS_OF = pd.Timestamp("2026-03-31")
Shop = Callable[..., Path]
DailyQty = Callable[[int], float]


def days_ago(d: int) -> str:
    return f"{AS_OF - pd.Timedelta(days=d):%Y-%m-%d}"


def history(days: int, qty: DailyQty) -> list[dict[str, object]]:
    """Sales of SKU X on each of the last ``days`` days (d = 0 .. days-1), ``qty(d)`` units."""
    return [{"sku": "X", "date": days_ago(d), "qty": qty(d)} for d in range(days) if qty(d) > 0]


def stage_of(
    shop: Shop,
    sales: list[dict[str, object]],
    settings: LifecycleSettings | None = None,
    **sku: object,
) -> str:
    """The stage of SKU X; an anchor SKU Z sells one unit on the as-of date."""
    row: dict[str, object] = {
        "sku": "X",
        "supplier": "S1",
        "unit_cost": 1,
        "unit_price": 2,
        "lead_time_days": 7,
        "status": "active",
        "launch_date": "",
    }
    anchor = {**row, "sku": "Z"}
    folder = shop(
        sales=[*sales, {"sku": "Z", "date": days_ago(0), "qty": 1}],
        inventory=[{"sku": "X", "on_hand": 10}, {"sku": "Z", "on_hand": 10}],
        skus=[{**row, **sku}, anchor],
    )
    ds = load_dataset(Settings().with_overrides(data_dir=folder))
    assert ds.as_of == AS_OF
    units = planning_units(ds)
    stages = lifecycle_stage(ds, units, settings or LifecycleSettings())
    return str(stages[units.index[units["sku"] == "X"][0]])


def test_maturity(shop: Shop) -> None:
    """5/day for 200 days: recent 280 = previous 280 -> maturity."""
    assert stage_of(shop, history(200, lambda d: 5)) == "maturity"


def test_growth(shop: Shop) -> None:
    """2/day, then 5/day in the last 56 d: recent 280 > 1.3 x 112 = 145.6 -> growth."""
    assert stage_of(shop, history(200, lambda d: 5 if d <= 55 else 2)) == "growth"


@pytest.mark.parametrize(("recent_units", "stage"), [(7, "maturity"), (8, "growth")])
def test_growth_needs_a_few_units(shop: Shop, recent_units: int, stage: str) -> None:
    """Selling 200 days ago, then nothing until ``recent_units`` sales in the last 56 d:
    a rise from 0, but below growth_min_units (8) it is no trend."""
    sales = history(200, lambda d: 1 if d == 199 or d < recent_units else 0)
    assert stage_of(shop, sales) == stage


def test_decline(shop: Shop) -> None:
    """5/day, then 1/day in the last 56 d: recent 56 < 0.6 x 280 = 168 -> decline."""
    assert stage_of(shop, history(200, lambda d: 1 if d <= 55 else 5)) == "decline"


def test_small_drop_is_still_maturity(shop: Shop) -> None:
    """5/day then 4/day: recent 224 >= 0.6 x 280 = 168 and <= 1.3 x 280 -> maturity."""
    assert stage_of(shop, history(200, lambda d: 4 if d <= 55 else 5)) == "maturity"


def test_silent_is_decline(shop: Shop) -> None:
    """Last sold 150 d ago: nothing in either window -> decline."""
    assert stage_of(shop, [{"sku": "X", "date": days_ago(150), "qty": 3}]) == "decline"


def test_discontinued_is_decline(shop: Shop) -> None:
    """Steady 5/day (mature) but discontinued -> decline."""
    sales = history(200, lambda d: 5)
    assert stage_of(shop, sales, status="discontinued") == "decline"


def test_introduction_by_launch_date(shop: Shop) -> None:
    """Launched 20 d ago, selling since: 20 < 60 d on sale -> introduction (not growth, though
    recent 60 > 1.3 x previous 0)."""
    sales = history(20, lambda d: 3)
    assert stage_of(shop, sales, launch_date=days_ago(20)) == "introduction"


def test_introduction_launched_but_not_sold_yet(shop: Shop) -> None:
    """Launched 10 d ago, never sold: introduction."""
    assert stage_of(shop, [], launch_date=days_ago(10)) == "introduction"


def test_introduction_by_first_sale(shop: Shop) -> None:
    """No launch date, first sold 30 d ago: introduction."""
    assert stage_of(shop, history(30, lambda d: 2)) == "introduction"


def test_old_launch_date_counts_from_launch(shop: Shop) -> None:
    """Launched 100 d ago but first sold 20 d ago: on sale 100 d >= 60, not introduction;
    recent 40 > 1.3 x 0 -> growth."""
    sales = history(20, lambda d: 2)
    assert stage_of(shop, sales, launch_date=days_ago(100)) == "growth"


def test_never_sold_without_launch_date_is_introduction(shop: Shop) -> None:
    """In the master, never sold, no launch date: introduction."""
    assert stage_of(shop, []) == "introduction"


def test_never_sold_launched_long_ago_is_decline(shop: Shop) -> None:
    """Launched 200 d ago and never sold: decline."""
    assert stage_of(shop, [], launch_date=days_ago(200)) == "decline"


def seasonal(d: int) -> float:
    """10/day in the previous window (d 56..111), 1/day on every other day."""
    return 10 if 56 <= d <= 111 else 1


def test_seasonal_off_season_is_not_decline(shop: Shop) -> None:
    """480 d of history (>= 365 + 56): recent 56 < 0.6 x previous 560, but last year's same
    window is 56 too and 56 >= 0.6 x 56 = 33.6 -> not decline; not growth -> maturity."""
    assert stage_of(shop, history(480, seasonal)) == "maturity"


def test_same_drop_without_last_year_is_decline(shop: Shop) -> None:
    """The same pattern with only 200 d of history: no last year to compare -> decline."""
    assert stage_of(shop, history(200, seasonal)) == "decline"


def test_seasonal_peak_is_not_growth(shop: Shop) -> None:
    """10/day in the last 56 d (and in the same window last year, d 365..420), 1/day otherwise:
    recent 560 > 1.3 x previous 56, but not > 1.3 x last year 560 -> maturity."""

    def peak(d: int) -> float:
        return 10 if d <= 55 or 365 <= d <= 420 else 1

    assert stage_of(shop, history(480, peak)) == "maturity"


def test_settings_change_the_thresholds(shop: Shop) -> None:
    """5/day then 4/day is a decline with decline_ratio 0.9: 224 < 0.9 x 280 = 252."""
    sales = history(200, lambda d: 4 if d <= 55 else 5)
    assert stage_of(shop, sales, LifecycleSettings(decline_ratio=0.9)) == "decline"


def lumps(every: int, size: float, skip: set[int] = frozenset()) -> DailyQty:  # type: ignore[assignment]
    """An order of ``size`` units every ``every`` days (d = 0, every, 2 every, ...), the
    orders numbered in ``skip`` left out."""
    return lambda d: size if d % every == 0 and d // every not in skip else 0.0


def test_a_drop_within_the_noise_of_lumpy_orders_is_not_decline(shop: Shop) -> None:
    """Orders of 50 units every 8 days for 200 days (d = 0, 8, .., 192), four of the seven
    orders of the recent window missing (d = 8, 16, 24, 32): recent 150 (d 0, 40, 48) <
    0.6 x previous 350 (7 orders, d 56..104) = 210 -- but over the 112 days, 10 orders of
    50: mean 500 / 112 = 4.464 a day, variance (10 x 50^2 - 112 x 4.464^2) / 111 = 205.1,
    units per sale d = 45.95; the noise 2 sqrt(45.95 x 500) = 303.2 > the drop 200:
    maturity, not decline (so the SKU keeps its safety stock)."""
    sales = history(200, lumps(8, 50.0, skip={1, 2, 3, 4}))
    assert stage_of(shop, sales) == "maturity"
    # with the ratios alone (trend_sigmas 0) the same SKU would be declining
    assert stage_of(shop, sales, LifecycleSettings(trend_sigmas=0.0)) == "decline"


def test_a_clear_drop_of_steady_sales_is_decline_beyond_the_noise(shop: Shop) -> None:
    """5/day then 1/day (test_decline): over the 112 days mean 3, variance 448 / 111 =
    4.036, d = 1.345; one sd of noise sqrt(1.345 x 336) = 21.26, and the drop of 224 is
    10.5 of them: decline even at the most demanding trend_sigmas the settings allow (10)."""
    sales = history(200, lambda d: 1 if d <= 55 else 5)
    assert stage_of(shop, sales, LifecycleSettings(trend_sigmas=10.0)) == "decline"
    with pytest.raises(ValueError, match="trend_sigmas"):
        LifecycleSettings(trend_sigmas=10.6)


def test_growth_needs_a_rise_beyond_the_noise(shop: Shop) -> None:
    """Orders of 60 every 14 days (d = 0, 14, ..), the one at d = 70 missing: recent 240
    (d 0..42: 4 orders) > 1.3 x previous 180 (d 56, 84, 98: 3 orders) = 234, but over the
    112 days 7 orders of 60: mean 3.75, variance (7 x 3600 - 112 x 14.0625) / 111 = 212.8,
    d = 56.76; the noise 2 sqrt(56.76 x 420) = 308.8 > the rise 60: maturity."""
    sales = history(200, lumps(14, 60.0, skip={5}))
    assert stage_of(shop, sales) == "maturity"
    assert stage_of(shop, sales, LifecycleSettings(trend_sigmas=0.0)) == "growth"
