"""Lifecycle stage per unit: introduction, growth, maturity, decline (导入/成长/成熟/衰退).

Rules, first match wins (``T`` = ``trend_window_days``, default 56):

1. ``discontinued`` status: **decline**.
2. On sale (since launch or first sale) for less than ``introduction_days``:
   **introduction**. Never sold and no launch date: **introduction**; never
   sold though launched long ago: **decline**.
3. Compare demand in the last ``T`` days (*recent*) with the ``T`` days before
   (*previous*) and, when the unit was on sale then, with the same ``T`` days a
   year earlier (*last year*). The last-year comparison keeps a seasonal SKU in
   its off-season from being called declining (and a peak from being growth):
   **decline** when recent < ``decline_ratio`` x previous and (no last year or
   recent < ``decline_ratio`` x last year); nothing sold in both windows is
   decline. **growth** when recent > ``growth_ratio`` x previous and (no last
   year or recent > ``growth_ratio`` x last year) and recent is at least
   ``growth_min_units`` (a sale or two after a quiet spell is no trend).
   Either needs the change from *previous* to be beyond the unit's own sales
   noise: ``trend_sigmas`` standard deviations of ``sqrt(d x (recent +
   previous))``, ``d`` its units per sale (:func:`units_per_sale` over the
   ``2T`` days). Wholesale demand comes in lumps: on the Online Retail replay
   (``bench/replay.py``) a drop below ``decline_ratio`` between two 56-day
   windows was noise in every case -- 28% of the class-A SKU-weeks were called
   declining, sold 17% more than their forecast and were served 30% of their
   demand (fill of class A 94.0% -> 97.7%, of the shop 88.5% -> 92.0%, with
   the noise test).
4. Otherwise **maturity**.

Decline drops the safety stock: the SKU is ordered to cover its forecast only
(see :mod:`forecaster.inventory.replenishment`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import STAGES, LifecycleSettings, Stage
from forecaster.io.dataset import Dataset
from forecaster.units import days_between, demand_matrix, first_available, window_total

__all__ = ["STAGES", "Stage", "lifecycle_stage"]


def units_per_sale(daily: np.ndarray) -> np.ndarray:
    """Each unit's variance over mean of its daily demand, at least 1 (1 without sales).

    Demand that comes in orders of ``d`` units has a variance of about ``d`` times
    its mean, so a total of ``x`` units varies by about ``sqrt(d x)`` from one
    window to the next when nothing changed.

    >>> units_per_sale(np.array([[0.0, 10, 0, 10], [1, 1, 1, 1], [0, 0, 0, 0]])).round(2).tolist()
    [6.67, 1.0, 1.0]
    """
    mean = daily.mean(axis=1)
    var = daily.var(axis=1, ddof=1) if daily.shape[1] > 1 else np.zeros(len(daily))
    ratio = np.divide(var, mean, out=np.ones(len(daily)), where=mean > 0)
    return np.asarray(np.maximum(ratio, 1.0))


def lifecycle_stage(ds: Dataset, units: pd.DataFrame, settings: LifecycleSettings) -> np.ndarray:
    """The lifecycle stage of each unit (object array of :data:`Stage`)."""
    t = settings.trend_window_days
    day = pd.Timedelta(days=1)
    as_of = ds.as_of
    recent = window_total(ds.sales, units, as_of - (t - 1) * day, as_of)
    previous = window_total(ds.sales, units, as_of - (2 * t - 1) * day, as_of - t * day)
    year_end = as_of - 365 * day
    last_year = window_total(ds.sales, units, year_end - (t - 1) * day, year_end)

    age = days_between(as_of, first_available(units))
    never_sold = units["first_sale"].isna().to_numpy()
    has_launch = units["launch_date"].notna().to_numpy()
    had_last_year = np.nan_to_num(age, nan=-1) >= 365 + t

    noise = settings.trend_sigmas * np.sqrt(
        units_per_sale(demand_matrix(ds.sales, units, as_of, 2 * t)) * (recent + previous)
    )
    falls = (
        (recent < settings.decline_ratio * previous)
        & (previous - recent > noise)
        & (~had_last_year | (recent < settings.decline_ratio * last_year))
    )
    silent = (recent == 0) & (previous == 0)
    rises = (
        (recent > settings.growth_ratio * previous)
        & (recent - previous > noise)
        & (~had_last_year | (recent > settings.growth_ratio * last_year))
        & (recent >= settings.growth_min_units)
    )
    young = np.nan_to_num(age, nan=np.inf) < settings.introduction_days

    conditions = [
        (units["status"] == "discontinued").to_numpy(),
        young | (never_sold & ~has_launch),
        never_sold | falls | silent,
        rises,
    ]
    choices = ["decline", "introduction", "decline", "growth"]
    return np.select(conditions, choices, default="maturity").astype(object)
