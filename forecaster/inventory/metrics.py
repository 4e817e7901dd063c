"""Inventory-health metrics per planning unit.

All windows are the settings' ``sales_window_days`` (default 30) ending on the
as-of date. A unit on sale for fewer days than the window (a launch) is
measured over the days it has been on sale, so a new SKU selling every day is
not mistaken for a slow mover.

Zero cases, stated once:

* no sales in the window: ``avg_daily_sales_30d`` = 0, ``turnover_days`` =
  infinite with stock, 0 without;
* nothing sold and nothing on hand: ``sell_through_30d`` is undefined (NaN);
* no stock, nothing inbound and no forecast demand: ``days_of_cover`` is
  undefined (NaN);
* no receipts and no last receipt date: ``inventory_age_days`` is unknown (NaN),
  and none of the stock counts as ``returnable``;
* ``unit_price`` = 0: ``gross_margin`` is undefined (NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecaster.config import PlanningSettings
from forecaster.io.dataset import Dataset
from forecaster.models.forecast import Forecast
from forecaster.units import days_between, demand_matrix, first_available, unit_index

#: Units processed together when projecting stock (bounds memory to chunk x horizon).
_CHUNK = 8192


def inventory_health(
    ds: Dataset, units: pd.DataFrame, forecast: Forecast, settings: PlanningSettings
) -> pd.DataFrame:
    """Compute every health metric of the brief per unit.

    Returns
    -------
    DataFrame
        Aligned with ``units``: ``sku``, ``warehouse``, ``on_hand``,
        ``available`` (on hand - allocated, >= 0), ``on_order``, ``sold_30d``,
        ``avg_daily_sales_30d``, ``turnover_days``, ``days_of_cover``,
        ``sell_through_30d``, ``movement_rate_30d``, ``days_since_last_sale``,
        ``days_on_sale``, ``inventory_age_days``, ``gross_margin``, ``stock_value``,
        ``returnable`` (units on hand received within the supplier's return window).
    """
    window = settings.sales_window_days
    history = demand_matrix(ds.sales, units, ds.as_of, window)
    on_sale_days = days_between(ds.as_of, first_available(units)) + 1
    span = np.clip(np.nan_to_num(on_sale_days, nan=window), 1, window)

    on_hand = units["on_hand"].to_numpy(dtype=float)
    available = np.maximum(on_hand - units["allocated"].to_numpy(dtype=float), 0.0)
    sold = history.sum(axis=1)
    avg = sold / span
    po_unit = unit_index(units, ds.purchase_orders)
    po_day = (ds.purchase_orders["eta"] - forecast.start).dt.days.to_numpy()
    layers = StockLayers.of(ds, units)

    return pd.DataFrame(
        {
            "sku": units["sku"],
            "warehouse": units["warehouse"],
            "on_hand": on_hand,
            "available": available,
            "on_order": units["on_order"].to_numpy(dtype=float),
            "sold_30d": sold,
            "avg_daily_sales_30d": avg,
            "turnover_days": turnover_days(on_hand, avg),
            "days_of_cover": days_of_cover(
                available,
                forecast.mean,
                po_unit,
                po_day,
                ds.purchase_orders["qty"].to_numpy(dtype=float),
                settings.cover_cap_days,
            ),
            "sell_through_30d": sell_through(sold, on_hand),
            "movement_rate_30d": (history > 0).sum(axis=1) / span,
            "days_since_last_sale": np.nan_to_num(
                days_between(ds.as_of, units["last_sale"]), nan=np.inf
            ),
            "days_on_sale": on_sale_days,
            "inventory_age_days": layers.mean_age(),
            "gross_margin": gross_margin(
                units["unit_price"].to_numpy(float), units["unit_cost"].to_numpy(float)
            ),
            "stock_value": on_hand * units["unit_cost"].to_numpy(dtype=float),
            "returnable": layers.younger_than(units["return_window_days"].to_numpy(dtype=float)),
        }
    )


def turnover_days(on_hand: np.ndarray, avg_daily_sales: np.ndarray) -> np.ndarray:
    """``on_hand / avg_daily_sales`` in days; infinite with stock and no sales, 0 without stock.

    >>> turnover_days(np.array([30.0, 5.0, 0.0]), np.array([3.0, 0.0, 0.0])).tolist()
    [10.0, inf, 0.0]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out = on_hand / avg_daily_sales
    return np.where(on_hand <= 0, 0.0, out)


def sell_through(sold: np.ndarray, on_hand: np.ndarray) -> np.ndarray:
    """``sold / (sold + on_hand)``, in [0, 1]; NaN when both are 0.

    >>> sell_through(np.array([20.0, 0.0, 0.0]), np.array([80.0, 5.0, 0.0])).tolist()
    [0.2, 0.0, nan]
    """
    total = sold + np.maximum(on_hand, 0.0)
    return np.asarray(np.divide(sold, total, out=np.full(len(sold), np.nan), where=total > 0))


def gross_margin(price: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """``(price - cost) / price``; NaN when the price is 0."""
    margin = np.divide(price - cost, price, out=np.full(len(price), np.nan), where=price > 0)
    return np.asarray(margin)


def days_of_cover(
    stock: np.ndarray,
    demand: np.ndarray,
    po_unit: np.ndarray,
    po_day: np.ndarray,
    po_qty: np.ndarray,
    cap: int,
) -> np.ndarray:
    """Days until the projected stock first runs out, capped at ``cap``.

    Day ``t`` (0 = the first forecast day) starts with the stock left from day
    ``t-1`` plus the PO units arriving on day ``t``, then loses ``demand[t]``.
    The cover is ``t + (stock at the start of day t) / demand[t]`` for the
    first day ``t`` whose demand exceeds the stock, so a constant demand ``d``
    and stock ``s`` with no POs give ``s / d``.

    Parameters
    ----------
    stock
        Units available now, shape (n,).
    demand
        Forecast units per day, shape (n, horizon); horizon >= cap.
    po_unit, po_day, po_qty
        Open PO lines: unit index (-1: not a unit), arrival day (0 = first
        forecast day; lines past the horizon are ignored) and units.

    Returns
    -------
    ndarray
        Days, in [0, cap]; NaN for a unit with no stock, nothing inbound and no demand.

    Examples
    --------
    >>> days_of_cover(np.array([10.0]), np.full((1, 30), 4.0), np.array([0]),
    ...               np.array([2]), np.array([6.0]), cap=30).tolist()
    [4.0]
    """
    n, horizon = demand.shape
    keep = (po_unit >= 0) & (po_day >= 0) & (po_day < horizon)
    po_unit, po_day, po_qty = po_unit[keep], po_day[keep], po_qty[keep]
    inbound = np.bincount(po_unit, weights=po_qty, minlength=n)
    cover = np.empty(n)
    for lo in range(0, n, _CHUNK):
        hi = min(lo + _CHUNK, n)
        d = demand[lo:hi]
        arrivals = np.zeros_like(d)
        sel = (po_unit >= lo) & (po_unit < hi)
        np.add.at(arrivals, (po_unit[sel] - lo, po_day[sel]), po_qty[sel])
        start_of_day = stock[lo:hi, None] + np.cumsum(arrivals, axis=1) - (np.cumsum(d, axis=1) - d)
        short = start_of_day < d - 1e-9
        has_short = short.any(axis=1)
        first = short.argmax(axis=1)
        rows = np.arange(hi - lo)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            partial = np.clip(start_of_day[rows, first], 0.0, None) / d[rows, first]
        chunk = np.where(has_short, first + partial, float(cap))
        nothing = (stock[lo:hi] <= 0) & (inbound[lo:hi] <= 0) & (d.sum(axis=1) <= 0)
        cover[lo:hi] = np.where(nothing, np.nan, np.minimum(chunk, cap))
    return cover


@dataclass(frozen=True)
class StockLayers:
    """The units on hand split by the receipt they came from (FIFO).

    The units on hand are taken to be the most recently received ones: the
    newest receipts are consumed first until they add up to the stock on hand.
    Stock beyond everything received is one more layer as old as the oldest
    receipt. A unit without receipts has one layer aged ``as_of -
    last_receipt_date`` (NaN without that date). Units with no stock have no
    layers.

    Attributes
    ----------
    unit
        Planning unit of each layer (index into the unit table).
    qty
        Units of the layer on hand (> 0).
    age
        Days since the layer was received; NaN when unknown.
    n_units
        Number of planning units.
    """

    unit: np.ndarray
    qty: np.ndarray
    age: np.ndarray
    n_units: int

    @classmethod
    def of(cls, ds: Dataset, units: pd.DataFrame) -> StockLayers:
        """The FIFO layers of every unit's stock on hand."""
        n = len(units)
        on_hand = np.maximum(units["on_hand"].to_numpy(dtype=float), 0.0)
        receipts = ds.receipts.assign(unit=unit_index(units, ds.receipts))
        receipts = receipts[receipts["unit"] >= 0]
        receipts = receipts.sort_values(["unit", "date"], ascending=[True, False])
        unit = receipts["unit"].to_numpy(dtype=np.int64)
        qty = receipts["qty"].to_numpy(dtype=float)
        age = (ds.as_of - receipts["date"]).dt.days.to_numpy(dtype=float)
        received_before = receipts.groupby("unit")["qty"].cumsum().to_numpy() - qty
        take = np.clip(on_hand[unit] - received_before, 0.0, qty)

        oldest = np.full(n, np.nan)
        if len(unit):
            oldest_by_unit = pd.Series(age).groupby(unit).max()
            oldest[oldest_by_unit.index.to_numpy()] = oldest_by_unit.to_numpy()
        has_receipts = np.isfinite(oldest)
        rest = np.where(
            has_receipts, on_hand - np.bincount(unit, weights=take, minlength=n), on_hand
        )
        rest_age = np.where(
            has_receipts, oldest, days_between(ds.as_of, units["last_receipt_date"])
        )
        all_unit = np.concatenate([unit, np.arange(n)])
        all_qty = np.concatenate([take, rest])
        all_age = np.concatenate([age, rest_age])
        keep = all_qty > 1e-9
        return cls(all_unit[keep], all_qty[keep], all_age[keep], n)

    def mean_age(self) -> np.ndarray:
        """Quantity-weighted mean age of each unit's stock; NaN without stock or when unknown."""
        qty = np.bincount(self.unit, weights=self.qty, minlength=self.n_units)
        weighted = np.bincount(self.unit, weights=self.qty * self.age, minlength=self.n_units)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(qty > 0, weighted / qty, np.nan)

    def younger_than(self, days: np.ndarray) -> np.ndarray:
        """Units on hand received fewer than ``days[unit]`` days ago (unknown ages never count)."""
        young = self.age < np.asarray(days, dtype=float)[self.unit]
        return np.bincount(self.unit, weights=self.qty * young, minlength=self.n_units)


def inventory_age(ds: Dataset, units: pd.DataFrame) -> np.ndarray:
    """Average age in days of the units on hand, FIFO over receipts (see :class:`StockLayers`).

    Examples: 30 on hand from receipts of 20 (10 days ago) and 50 (40 days
    ago): (20 x 10 + 10 x 40) / 30 = 20 days.
    """
    return StockLayers.of(ds, units).mean_age()
