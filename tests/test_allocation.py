"""Safety stock allocated across a class: the class meets its shortage, cheap SKUs get more."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from forecaster.config import Settings
from forecaster.inventory.allocation import _Shortage, allocate
from forecaster.inventory.protection_demand import ProtectionDemand
from forecaster.inventory.span_errors import DemandSample
from forecaster.pipeline import plan
from tests.conftest import gamma
from tests.test_end_to_end import tiny_shop  # noqa: F401  (the hand-computed shop)


def gamma_units(n: int, mean: float = 100.0, sd: float = 20.0) -> ProtectionDemand:
    """``n`` identical units of the engine's error model (gamma P total 100 ± 20, L total
    50 ± 14), no error samples."""
    empty = DemandSample(
        np.zeros((0, 1)), np.zeros((0, 1)), np.zeros((0, 1)), np.zeros(0), np.zeros(0)
    )
    full = np.full(n, 1.0)
    return ProtectionDemand(
        mean * full, sd * full, mean / 2 * full, 14.0 * full, np.array([], dtype=int), empty
    )


def test_the_class_meets_its_allowed_shortage_at_the_least_stock_value() -> None:
    """Three identical SKUs costing 1, 2 and 4: exceedance c / lambda, so the cheap one runs
    out a quarter as often as the dear one, and the shortages add up to the allowance."""
    demand = gamma_units(3)
    cost = np.array([1.0, 2.0, 4.0])
    level = allocate(demand, cost, np.array(["A"] * 3), np.full(3, 1.0), np.ones(3, bool))
    assert demand.shortage(level).sum() == pytest.approx(3.0, rel=1e-6)
    assert level[0] > level[1] > level[2]
    # the marginal unit of stock saves P(D_P > S) per cycle (the gamma P total)
    exceed = gamma(100.0, 20.0).sf(level)
    assert exceed / exceed[0] == pytest.approx(cost / cost[0], rel=1e-6)
    # the same shortage spread evenly (every SKU its own target) holds more stock value
    even = demand.level_for(np.full(3, 1.0))
    assert (cost * level).sum() < (cost * even).sum()


def test_identical_costs_give_every_sku_its_own_target() -> None:
    demand = gamma_units(2)
    level = allocate(demand, np.ones(2), np.array(["A", "A"]), np.full(2, 2.0), np.ones(2, bool))
    assert level == pytest.approx(demand.level_for(np.full(2, 2.0)), abs=1e-6)


def test_extreme_costs_and_non_members() -> None:
    """Costs apart by 15 orders of magnitude still give finite levels; a unit left out is NaN."""
    demand = gamma_units(3)
    members = np.array([True, True, False])
    level = allocate(demand, np.array([1e-9, 1e6, 1.0]), np.array(["A"] * 3), np.ones(3), members)
    assert np.isfinite(level[:2]).all() and np.isnan(level[2])
    assert demand.subset(np.array([0, 1])).shortage(level[:2]).sum() == pytest.approx(2.0, rel=1e-6)


def test_the_bisection_recomputes_only_the_units_whose_level_moved() -> None:
    """The cached group shortage is ``demand.shortage(levels).sum()`` to the bit, whichever
    units' levels changed since the last call (mixed normal and sampled units)."""
    rng = np.random.default_rng(0)
    n = 30
    p = np.round(rng.gamma(1.5, 20.0, (12, 80)))
    p[:, 60:] = np.nan  # padding
    weights = np.where(np.isnan(p), 0.0, 1.0)
    weights /= weights.sum(axis=1, keepdims=True)
    sample = DemandSample(p, np.round(p / 2), weights, np.ones(12), np.full(12, np.nan))
    mean = rng.uniform(20, 200, n)
    demand = ProtectionDemand(mean, mean / 5, mean / 2, mean / 7, np.arange(0, 24, 2), sample)
    cached = _Shortage(demand)
    levels = rng.uniform(0, 150, n)
    for step in range(6):
        assert cached.total(levels) == demand.shortage(levels).sum(), step
        levels = levels.copy()
        moved = rng.random(n) < 0.3 if step != 3 else np.zeros(n, bool)
        levels[moved] = rng.uniform(0, 150, moved.sum())


def test_one_group_for_the_shop_holds_no_more_stock_than_one_per_class() -> None:
    """Six identical SKUs, three in A (allowed 0.5 short each) and three in C (2.0 each),
    costs 1, 2, 4 in each class: the whole shop as one group meets the same total shortage
    (7.5) with no more stock value than the classes apart, since the class split is one
    of the solutions it may choose."""
    demand = gamma_units(6)
    cost = np.array([1.0, 2.0, 4.0] * 2)
    classes = np.array(["A"] * 3 + ["C"] * 3)
    allowed = np.array([0.5] * 3 + [2.0] * 3)
    members = np.ones(6, bool)
    by_class = allocate(demand, cost, classes, allowed, members)
    shop = allocate(demand, cost, np.zeros(6, dtype=int), allowed, members)
    assert demand.shortage(shop).sum() == pytest.approx(7.5, rel=1e-6)
    assert demand.shortage(by_class).sum() == pytest.approx(7.5, rel=1e-6)
    assert (cost * shop).sum() < (cost * by_class).sum()
    # the shop-wide optimum gives equal-cost SKUs the same level whatever their class
    assert shop[:3] == pytest.approx(shop[3:], abs=1e-6)


def test_overall_allocation_meets_the_shop_target(tiny_shop: Path) -> None:  # noqa: F811
    """The hand-computed shop with ``allocation = "overall"`` and a target of 96%: A sells 5
    a day and D 2 (cycles of 7 days: 35 and 14), so the two may fall short by 4% of 49 = 1.96
    units a cycle together, whatever their classes."""
    terms = {"allocation": "overall", "overall_fill_rate": 0.96}
    base = Settings().with_overrides(data_dir=tiny_shop, as_of=date(2026, 3, 28))
    settings = base.model_copy(
        update={
            "replenishment": base.replenishment.model_copy(update=terms),
            "forecast": base.forecast.model_copy(update={"weekday_prior_units": 0}),
        }
    )
    lines = plan(settings).replenishment.set_index("sku")
    assert lines.loc[["A", "D"], "fill_rate_target"].tolist() == [0.96, 0.96]
    short = (1 - lines.loc["A", "expected_fill"]) * 35 + (1 - lines.loc["D", "expected_fill"]) * 14
    assert short == pytest.approx(0.04 * 49, rel=1e-4)
