"""Planning units and their sales history as arrays.

A *planning unit* is a SKU in a warehouse (or a SKU, when planning across
warehouses). Every later stage returns frames aligned row for row with the
unit table built here, and arrays whose first axis is the unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.io.dataset import Dataset

KEY = ["sku", "warehouse"]


def planning_units(ds: Dataset) -> pd.DataFrame:
    """One row per SKU x warehouse to plan, with master data and stock position.

    Units are the SKU-warehouse pairs found in sales, inventory or open POs. A
    SKU of the master found nowhere (a launch not yet stocked) is planned in the
    warehouse with the most sales.

    Returns
    -------
    DataFrame
        ``sku``, ``warehouse``, the SKU master columns, the supplier's
        ``review_period_days``, ``min_order_value`` and ``return_window_days``, ``on_hand``,
        ``allocated``, ``on_order`` (units on open POs), ``last_receipt_date``,
        ``first_sale`` and ``last_sale`` (dates with positive net sales; NaT if
        none). Sorted by SKU and warehouse; index 0..n-1.
    """
    sold_pairs = ds.sales.groupby(KEY, sort=False, observed=True).size().index.to_frame(index=False)
    pairs = pd.concat(
        [sold_pairs, ds.inventory[KEY], ds.purchase_orders[KEY]], ignore_index=True
    ).drop_duplicates()
    unseen = ds.skus.loc[~ds.skus["sku"].isin(pairs["sku"]), ["sku"]]
    if len(unseen):
        unseen = unseen.assign(warehouse=_home_warehouse(ds))
        pairs = pd.concat([pairs, unseen], ignore_index=True)
    units = pairs.sort_values(KEY).reset_index(drop=True)

    units = units.merge(ds.skus, on="sku", how="left", validate="many_to_one")
    terms = ds.suppliers[
        ["supplier", "review_period_days", "min_order_value", "return_window_days"]
    ]
    units = units.merge(terms, on="supplier", how="left", validate="many_to_one")
    units = units.merge(ds.inventory, on=KEY, how="left", validate="one_to_one")
    units["on_hand"] = units["on_hand"].fillna(0.0)
    units["allocated"] = units["allocated"].fillna(0.0)
    on_order = ds.purchase_orders.groupby(KEY)["qty"].sum().rename("on_order")
    units = units.merge(on_order, left_on=KEY, right_index=True, how="left")
    units["on_order"] = units["on_order"].fillna(0.0)

    sold = ds.sales[ds.sales["qty"] > 0].groupby(KEY)["date"].agg(["min", "max"])
    sold.columns = ["first_sale", "last_sale"]
    units = units.merge(sold, left_on=KEY, right_index=True, how="left")
    return units.reset_index(drop=True)


def _home_warehouse(ds: Dataset) -> str:
    if ds.sales.empty:
        return ""
    volume = ds.sales.groupby("warehouse")["qty"].sum()
    return str(volume.idxmax())


def first_available(units: pd.DataFrame) -> pd.Series:
    """The date each unit went on sale: its launch date or first sale, whichever is earlier."""
    return units[["launch_date", "first_sale"]].min(axis=1)


def protection_days(units: pd.DataFrame) -> np.ndarray:
    """Protection period per unit in whole days: lead time + its supplier's review period.

    An order placed today must last until the order after next arrives.
    """
    period = np.ceil(units["lead_time_days"] + units["review_period_days"])
    return np.asarray(period.to_numpy(dtype=int))


def unit_index(units: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    """Position in ``units`` of each row of ``frame`` (by SKU and warehouse); -1 if none."""
    index = pd.MultiIndex.from_frame(units[KEY])
    return np.asarray(index.get_indexer(pd.MultiIndex.from_frame(frame[KEY])))


def demand_matrix(
    sales: pd.DataFrame, units: pd.DataFrame, end: pd.Timestamp, days: int
) -> np.ndarray:
    """Daily demand per unit over the ``days`` days ending on ``end``.

    Demand is the day's net sales, never below zero (a day of returns counts as
    no demand).

    Returns
    -------
    ndarray, shape (n_units, days)
        Units per day; column ``j`` is the date ``end - (days - 1 - j)``.
    """
    start = end - pd.Timedelta(days=days - 1)
    window = sales[(sales["date"] >= start) & (sales["date"] <= end)]
    rows = unit_index(units, window)
    cols = ((window["date"] - start).dt.days).to_numpy()
    keep = rows >= 0
    matrix = np.zeros((len(units), days))
    np.add.at(matrix, (rows[keep], cols[keep]), np.clip(window["qty"].to_numpy()[keep], 0.0, None))
    return matrix


def window_total(
    sales: pd.DataFrame, units: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> np.ndarray:
    """Demand per unit from ``start`` to ``end`` inclusive (net per day, never below zero)."""
    window = sales[(sales["date"] >= start) & (sales["date"] <= end)]
    rows = unit_index(units, window)
    keep = rows >= 0
    return np.bincount(
        rows[keep], weights=np.clip(window["qty"].to_numpy()[keep], 0.0, None), minlength=len(units)
    )


def days_between(later: pd.Timestamp, earlier: pd.Series) -> np.ndarray:
    """Whole days from each date in ``earlier`` to ``later``; NaN where the date is missing."""
    return np.asarray((later - earlier).dt.days.to_numpy(dtype=float))
