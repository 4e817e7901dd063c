"""What a planner filters the order lines on: one column per flag.

The why of a line says everything in a sentence; a planner going through 900
lines wants to pick out the ones that need a look without reading them all:

* ``over_cover_cap``: the MOQ or the case pack lifts the order above
  ``max_cover_days`` of demand (the stock it leaves lasts longer than the cap);
* ``new_sku``: the forecast borrows from the SKU's category or the shop (it has
  too little history of its own, :mod:`forecaster.models.credibility`);
* ``below_minimum``: the line's supplier's order is below its minimum order value;
* ``budget_cut``: the budget cut the line's order to 0;
* ``promotion_ahead``: the promotions and festivals inside the line's protection
  period (the days its order has to cover), by name; blank when there are none.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecaster.models.promotions import promotion_days, with_recurring

#: The flag columns, in the order the planner's workbook shows them.
FLAGS = ("over_cover_cap", "new_sku", "below_minimum", "budget_cut", "promotion_ahead")


def below_minimum(lines: pd.DataFrame, totals: pd.DataFrame) -> np.ndarray:
    """Per line: ordered from a supplier whose order is below its minimum order value."""
    below = totals.loc[totals["below_minimum"], "supplier"]
    return np.asarray(lines["supplier"].isin(below) & (lines["suggested_order"] > 0))


def promotions_ahead(
    units: pd.DataFrame,
    protection: np.ndarray,
    promotions: pd.DataFrame,
    festivals: Mapping[str, tuple[str, str]],
    as_of: pd.Timestamp,
) -> np.ndarray:
    """Per unit, the names of the promotions (the table's and the recurring festivals)
    covering a day of its protection period ``as_of + 1 .. as_of + protection``, joined by
    ", "; "" when none does.

    >>> units = pd.DataFrame({"sku": ["A", "B"], "category": ["x", "y"]})
    >>> table = pd.DataFrame({"name": ["spring sale"], "start": [pd.Timestamp("2026-03-05")],
    ...     "end": [pd.Timestamp("2026-03-07")], "uplift": [2.0], "category": ["x"], "sku": [""]})
    >>> promotions_ahead(units, np.array([14, 14]), table, {}, pd.Timestamp("2026-03-01")).tolist()
    ['spring sale', '']
    """
    out = np.full(len(units), "", dtype=object)
    days = int(np.max(protection, initial=0))
    if days <= 0 or len(units) == 0:
        return out
    first = as_of + pd.Timedelta(days=1)
    calendar = with_recurring(promotions, festivals, first, first + pd.Timedelta(days=days - 1))
    inside = np.arange(days)[None, :] < np.asarray(protection)[:, None]
    names: list[list[str]] = [[] for _ in range(len(units))]
    for row in range(len(calendar)):
        one = calendar.iloc[row : row + 1]
        covered = (promotion_days(one, units, first, days) & inside).any(axis=1)
        for i in np.flatnonzero(covered):
            if one["name"].iloc[0] not in names[i]:
                names[i].append(str(one["name"].iloc[0]))
    out[:] = [", ".join(found) for found in names]
    return out
