"""Tests of forecaster.inventory.abc: revenue ranking into A, B and C, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecaster.inventory.abc import abc_classes, fill_rate_targets

AS_OF = pd.Timestamp("2026-03-31")


def classes(
    sold: dict[tuple[str, str], float],
    prices: dict[str, float],
    shares: tuple[float, float] = (0.8, 0.95),
    days_ago: int = 0,
    window: int = 365,
) -> dict[tuple[str, str], str]:
    """Classes of units that each sold ``sold[unit]`` units ``days_ago`` days ago."""
    keys = sorted(sold)
    units = pd.DataFrame(
        {
            "sku": [k[0] for k in keys],
            "warehouse": [k[1] for k in keys],
            "unit_price": [prices[k[0]] for k in keys],
        }
    )
    sales = pd.DataFrame(
        {
            "sku": [k[0] for k in keys],
            "warehouse": [k[1] for k in keys],
            "date": AS_OF - pd.Timedelta(days=days_ago),
            "qty": [sold[k] for k in keys],
        }
    )
    out = abc_classes(sales, units, AS_OF, window, shares)
    return dict(zip(keys, out, strict=True))


def test_the_docstring_example() -> None:
    """Revenues 60, 25, 10, 5: above each 0%, 60%, 85%, 95% -> A, A, B, C."""
    got = classes(
        {("W", ""): 6, ("X", ""): 5, ("Y", ""): 10, ("Z", ""): 1},
        {"W": 10, "X": 5, "Y": 1, "Z": 5},
    )
    assert got == {("W", ""): "A", ("X", ""): "A", ("Y", ""): "B", ("Z", ""): "C"}


def test_warehouses_add_up_and_share_the_sku_class() -> None:
    """P sells 30 + 30 at 1 = 60 across two warehouses, Q 40: P is first (0%) -> A,
    Q starts at 60% -> A; with shares (0.5, 0.9) Q starts above 50% -> B."""
    sold = {("P", "E"): 30, ("P", "S"): 30, ("Q", "E"): 40}
    prices = {"P": 1.0, "Q": 1.0}
    assert set(classes(sold, prices).values()) == {"A"}
    narrow = classes(sold, prices, shares=(0.5, 0.9))
    assert narrow == {("P", "E"): "A", ("P", "S"): "A", ("Q", "E"): "B"}


def test_no_revenue_is_c_and_old_sales_do_not_count() -> None:
    """Sales 400 days ago are outside the 365-day window: no revenue at all -> all C."""
    got = classes({("A", ""): 10, ("B", ""): 0}, {"A": 3, "B": 3}, days_ago=400)
    assert set(got.values()) == {"C"}
    got = classes({("A", ""): 10, ("B", ""): 0}, {"A": 3, "B": 3})
    assert got == {("A", ""): "A", ("B", ""): "C"}


def test_ties_are_broken_by_sku_code() -> None:
    """Four SKUs of 25 each: above them 0, 25, 50, 75% in code order -> A, A, A, A with
    0.8; with shares (0.3, 0.6): A, A, B, C."""
    sold = {(s, ""): 25 for s in "DCBA"}
    prices = dict.fromkeys("ABCD", 1.0)
    assert set(classes(sold, prices).values()) == {"A"}
    got = classes(sold, prices, shares=(0.3, 0.6))
    assert [got[(s, "")] for s in "ABCD"] == ["A", "A", "B", "C"]


def test_targets_follow_the_class() -> None:
    targets = {"A": 0.98, "B": 0.95, "C": 0.9}
    out = fill_rate_targets(np.array(["C", "A", "B"], dtype=object), targets)  # type: ignore[arg-type]
    assert out.tolist() == pytest.approx([0.9, 0.98, 0.95])
