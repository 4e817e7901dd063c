"""ABC classes by revenue: the SKUs that make most of the money get the highest service.

Revenue of a SKU = units sold over the last ``abc_window_days`` (all warehouses)
x its ``unit_price``. SKUs are ranked by revenue; walking down the ranking, a
SKU is **A** while the revenue of the SKUs above it is below ``abc_shares[0]``
of the total (so the SKU that crosses the line is still A), **B** while below
``abc_shares[1]``, and **C** after that. A SKU with no revenue is C. Ties in
revenue are broken by SKU code, so the classes do not depend on row order.

Example: revenues 60, 25, 10, 5 (total 100) with shares (0.8, 0.95): the SKU
of 60 starts at 0% (A), 25 at 60% (A), 10 at 85% (B), 5 at 95% (C).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import AbcClass
from forecaster.units import window_total


def abc_classes(
    sales: pd.DataFrame,
    units: pd.DataFrame,
    as_of: pd.Timestamp,
    window_days: int,
    shares: tuple[float, float],
) -> np.ndarray:
    """The ABC class of each unit's SKU (object array of ``"A"``, ``"B"``, ``"C"``)."""
    start = as_of - pd.Timedelta(days=window_days - 1)
    sold = window_total(sales, units, start, as_of)
    revenue = (
        pd.Series(sold * units["unit_price"].to_numpy(dtype=float))
        .groupby(units["sku"].to_numpy())
        .sum()
    )
    ranked = revenue.sort_index().sort_values(ascending=False, kind="stable")
    total = float(ranked.sum())
    before = (ranked.cumsum() - ranked) / total if total > 0 else ranked * 0.0
    grade: pd.Series = pd.Series(
        np.select([before < shares[0], before < shares[1]], ["A", "B"], default="C"),
        index=ranked.index,
    ).where(ranked > 0, "C")
    classes: np.ndarray = units["sku"].map(grade).to_numpy(dtype=object)
    return classes


def fill_rate_targets(classes: np.ndarray, targets: dict[AbcClass, float]) -> np.ndarray:
    """The fill-rate target of each unit from its class."""
    return np.array([targets[c] for c in classes], dtype=float)
