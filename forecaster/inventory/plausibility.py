"""Suggested orders out of proportion to what the unit sells, for the Data quality sheet.

An order of several years' sales is rarely what the planner wants: it usually
comes from a lead time in the wrong unit, stock missing from the export or a
forecast lifted by a mistaken promotion. The order stands; the planner is told.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.units import unit_index

#: A suggested order beyond this many times the unit's sales of the last year is warned about.
ORDER_TO_YEAR_SALES = 3.0
#: Days of sales that make "the last year".
YEAR_DAYS = 365


def oversized_orders(
    lines: pd.DataFrame, units: pd.DataFrame, sales: pd.DataFrame, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, int]:
    """Units whose suggested order exceeds :data:`ORDER_TO_YEAR_SALES` x their year's sales.

    Parameters
    ----------
    lines
        Order lines aligned with ``units`` (``sku``, ``warehouse``, ``suggested_order``).
    units
        The planning units (``sku``, ``warehouse``).
    sales
        Net units per ``sku``, ``warehouse``, ``date`` up to ``as_of``.

    Returns
    -------
    oversized
        ``sku``, ``warehouse``, ``suggested_order``, ``year_sales`` (units sold in the
        :data:`YEAR_DAYS` days to ``as_of``, returns netted, never below 0) of each unit
        over the bound, largest order first. Only units sold for a year or more are
        checked: a shorter history has no year's sales to compare with.
    unchecked
        Units with an order whose history is shorter than a year.
    """
    position = unit_index(units, sales)
    known = position >= 0
    position, dates = position[known], sales["date"].to_numpy()[known]
    qty = sales["qty"].to_numpy(dtype=float)[known]
    first = np.full(len(units), np.datetime64("NaT"), dtype="datetime64[ns]")
    if len(position):
        order = np.lexsort((dates, position))
        starts = np.r_[True, position[order][1:] != position[order][:-1]]
        first[position[order][starts]] = dates[order][starts]
    since = (as_of - pd.Timedelta(days=YEAR_DAYS - 1)).to_datetime64()
    recent = dates >= since
    year_sales = np.maximum(
        np.bincount(position[recent], weights=qty[recent], minlength=len(units)), 0.0
    )
    ordered = lines["suggested_order"].to_numpy(dtype=float) > 0
    with np.errstate(invalid="ignore"):
        full_year = ~np.isnat(first) & (first <= since)
    over = (
        ordered
        & full_year
        & (lines["suggested_order"].to_numpy() > ORDER_TO_YEAR_SALES * year_sales)
    )
    table = pd.DataFrame(
        {
            "sku": units["sku"].to_numpy()[over],
            "warehouse": units["warehouse"].to_numpy()[over],
            "suggested_order": lines["suggested_order"].to_numpy(dtype=float)[over],
            "year_sales": year_sales[over],
        }
    ).sort_values("suggested_order", ascending=False, kind="stable")
    return table.reset_index(drop=True), int((ordered & ~full_year).sum())
