"""Tests of forecaster.inventory.budget: which lines a purchase budget keeps, by hand."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from forecaster.inventory.budget import avoided_shortage, fit_budget
from forecaster.inventory.safety_stock import normal_loss

AS_OF = pd.Timestamp("2026-03-31")
#: A line with certain demand: mu 100, no spread, nothing in position, order 100 at cost 5.
LINE: dict[str, object] = {
    "sku": "L",
    "warehouse": "",
    "demand_over_p": 100.0,
    "demand_sd_p": 0.0,
    "position": 0.0,
    "suggested_order": 100.0,
    "unit_cost": 5.0,
    "unit_price": 10.0,
}


def fit(budget: float, *rows: Mapping[str, object]) -> pd.DataFrame:
    table = pd.DataFrame([{**LINE, **row} for row in rows])
    lines = table.drop(columns=["unit_cost", "unit_price"]).assign(
        cases=table["suggested_order"],
        order_value=table["suggested_order"] * table["unit_cost"],
        order_by=AS_OF,
        expected_arrival=AS_OF + pd.Timedelta(days=7),
        why="base",
    )
    return fit_budget(lines, table[["unit_price"]], budget)


def test_lines_ranked_by_sales_saved_per_unit_spent() -> None:
    """Each order avoids its 100 units short. L0: 100 x 10 = 1,000 saved for 500 (2.0 per 1);
    L1 price 30: 3,000 for 500 (6.0); L2 cost 10: 1,000 for 1,000 (1.0). Budget 1,200: L1
    (500), L0 (1,000 spent); L2 does not fit and is cut."""
    lines = fit(
        1200,
        {"sku": "L0"},
        {"sku": "L1", "unit_price": 30.0},
        {"sku": "L2", "unit_cost": 10.0},
    )
    assert lines["suggested_order"].tolist() == [100, 100, 0]
    assert lines["order_value"].tolist() == [500, 500, 0]
    assert pd.isna(lines["order_by"].iloc[2]) and pd.isna(lines["expected_arrival"].iloc[2])
    assert lines["why"].iloc[2] == (
        "base; cut by the budget of 1,200: it avoids 1.00 of lost sales per 1 spent, "
        "less than the lines kept"
    )
    assert lines["why"].iloc[0] == "base"


def test_a_smaller_line_further_down_may_still_fit() -> None:
    """Budget 900: L1 (6.0, 500) kept; L2 (2.0 per 1, 1,000) does not fit; L3 (1.0, 250) fits."""
    lines = fit(
        900,
        {"sku": "L1", "unit_price": 30.0},
        {"sku": "L2", "unit_cost": 10.0, "unit_price": 20.0},
        {"sku": "L3", "suggested_order": 50.0, "demand_over_p": 50.0, "unit_price": 5.0},
    )
    assert lines["suggested_order"].tolist() == [100, 0, 50]


def test_within_budget_nothing_changes() -> None:
    lines = fit(1000, {"sku": "L0"}, {"sku": "L1"})
    assert lines["suggested_order"].tolist() == [100, 100]
    assert lines["why"].tolist() == ["base", "base"]


def test_avoided_shortage_with_spread() -> None:
    """mu 100, sigma 20 (a gamma of shape 25, scale 4), position 80, order 40: the units
    short without the order less those short with it, E(D - 80)+ - E(D - 120)+, integrated
    numerically from the gamma density; a little under the normal's 20 G(-1) - 20 G(1) = 20,
    the gamma's right tail being longer past 120."""
    saved = avoided_shortage(
        np.array([100.0]), np.array([20.0]), np.array([80.0]), np.array([40.0])
    )
    density = stats.gamma(25.0, scale=4.0).pdf
    short = [integrate.quad(lambda x, s=s: (x - s) * density(x), s, np.inf)[0] for s in (80, 120)]
    assert saved[0] == pytest.approx(short[0] - short[1], rel=1e-8)
    assert 19.0 < saved[0] < 20 * float(normal_loss(-1.0) - normal_loss(1.0))


def test_a_negative_position_is_short_by_all_the_demand_and_the_backlog() -> None:
    """Position -30 (back-ordered), mu 100 (any spread), order 0 .. 30 covers the backlog
    only: E(D + 30)+ - E(D + 30 - 30)+ = 130 - 100 = 30 units avoided by an order of 30."""
    saved = avoided_shortage(
        np.array([100.0]), np.array([20.0]), np.array([-30.0]), np.array([30.0])
    )
    assert saved[0] == pytest.approx(30.0, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(
    orders=st.lists(st.integers(0, 300), min_size=1, max_size=8),
    costs=st.lists(st.floats(0.5, 50.0), min_size=8, max_size=8),
    budget=st.floats(1.0, 20000.0),
)
def test_spend_never_exceeds_the_budget_and_lines_are_whole(
    orders: list[int], costs: list[float], budget: float
) -> None:
    rows = [
        {"sku": f"L{i}", "suggested_order": float(q), "unit_cost": costs[i], "demand_sd_p": 10.0}
        for i, q in enumerate(orders)
    ]
    lines = fit(budget, *rows)
    original = np.array(orders, dtype=float)
    kept = lines["suggested_order"].to_numpy()
    assert ((kept == original) | (kept == 0)).all()  # whole lines, never trimmed
    if (original * np.array(costs[: len(orders)])).sum() > budget:
        assert lines["order_value"].sum() <= budget + 1e-6
