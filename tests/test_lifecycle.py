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
