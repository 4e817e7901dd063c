"""Safety stock allocated across a class: the class meets its shortage, cheap SKUs get more."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from forecaster.inventory.allocation import _Shortage, allocate
from forecaster.inventory.protection_demand import ProtectionDemand
from forecaster.inventory.span_errors import DemandSample


def normal_units(n: int, mean: float = 100.0, sd: float = 20.0) -> ProtectionDemand:
    """``n`` identical normal units (P total 100 ± 20, L total 50 ± 14), no error samples."""
    empty = DemandSample(np.zeros((0, 1)), np.zeros((0, 1)), np.zeros((0, 1)), np.zeros(0))
    full = np.full(n, 1.0)
    return ProtectionDemand(
        mean * full, sd * full, mean / 2 * full, 14.0 * full, np.array([], dtype=int), empty
    )


def test_the_class_meets_its_allowed_shortage_at_the_least_stock_value() -> None:
    """Three identical SKUs costing 1, 2 and 4: exceedance c / lambda, so the cheap one runs
    out a quarter as often as the dear one, and the shortages add up to the allowance."""
    demand = normal_units(3)
    cost = np.array([1.0, 2.0, 4.0])
    level = allocate(demand, cost, np.array(["A"] * 3), np.full(3, 1.0), np.ones(3, bool))
    assert demand.shortage(level).sum() == pytest.approx(3.0, rel=1e-6)
    assert level[0] > level[1] > level[2]
    exceed = stats.norm.sf((level - 100.0) / 20.0)
    assert exceed / exceed[0] == pytest.approx(cost / cost[0], rel=1e-6)
    # the same shortage spread evenly (every SKU its own target) holds more stock value
    even = demand.level_for(np.full(3, 1.0))
    assert (cost * level).sum() < (cost * even).sum()


def test_identical_costs_give_every_sku_its_own_target() -> None:
    demand = normal_units(2)
    level = allocate(demand, np.ones(2), np.array(["A", "A"]), np.full(2, 2.0), np.ones(2, bool))
    assert level == pytest.approx(demand.level_for(np.full(2, 2.0)), abs=1e-6)


def test_extreme_costs_and_non_members() -> None:
    """Costs apart by 15 orders of magnitude still give finite levels; a unit left out is NaN."""
    demand = normal_units(3)
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
    sample = DemandSample(p, np.round(p / 2), weights, np.ones(12))
    mean = rng.uniform(20, 200, n)
    demand = ProtectionDemand(mean, mean / 5, mean / 2, mean / 7, np.arange(0, 24, 2), sample)
    cached = _Shortage(demand)
    levels = rng.uniform(0, 150, n)
    for step in range(6):
        assert cached.total(levels) == demand.shortage(levels).sum(), step
        levels = levels.copy()
        moved = rng.random(n) < 0.3 if step != 3 else np.zeros(n, bool)
        levels[moved] = rng.uniform(0, 150, moved.sum())
