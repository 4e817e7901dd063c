"""Forecast planning units: build their history, mask promotions, fit, project.

Also the long forecast table of ``forecaster forecast``: one row per SKU and
future period at a daily, weekly or monthly frequency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import ForecastSettings
from forecaster.io.schema import TABLES
from forecaster.models.baseline import Forecast, moving_average
from forecaster.models.distributions import count_quantiles
from forecaster.models.periods import Freq, period_edges
from forecaster.models.promotions import promotion_days, uplift_factors
from forecaster.units import demand_matrix

QUANTILES = {"p50": 0.50, "p90": 0.90, "p95": 0.95}


def first_available(units: pd.DataFrame) -> pd.Series:
    """The date each unit went on sale: its launch date or first sale, whichever is earlier."""
    return units[["launch_date", "first_sale"]].min(axis=1)


def no_promotions() -> pd.DataFrame:
    """An empty promotions table."""
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in TABLES["promotions"].columns})


def forecast_units(
    sales: pd.DataFrame,
    units: pd.DataFrame,
    promotions: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: ForecastSettings,
    horizon: int,
) -> Forecast:
    """Daily forecast of every unit for ``horizon`` days after ``as_of``.

    The level is learned from the last ``settings.history_days`` days, leaving
    out days before the unit went on sale and days of past promotions (if every
    day on sale was a promotion day, those days are used). Future promotions
    with a given ``uplift`` multiply the forecast on their days.

    Parameters
    ----------
    sales
        Daily net sales: ``sku``, ``warehouse``, ``date``, ``qty``.
    units
        Planning units: ``sku``, ``warehouse``, ``category``, ``launch_date``, ``first_sale``.
    promotions
        The promotions table (may be empty).
    """
    days = settings.history_days
    history_start = as_of - pd.Timedelta(days=days - 1)
    history = demand_matrix(sales, units, as_of, days)
    dates = pd.date_range(history_start, periods=days).to_numpy()
    launched = first_available(units).to_numpy(dtype="datetime64[ns]")
    on_sale = dates[None, :] >= launched[:, None]  # NaT compares False: never sold
    promo = promotion_days(promotions, units, history_start, days)
    usable = on_sale & ~promo
    only_promo = ~usable.any(axis=1) & on_sale.any(axis=1)
    usable[only_promo] = on_sale[only_promo]
    start = as_of + pd.Timedelta(days=1)
    uplift = uplift_factors(promotions, units, start, horizon)
    return moving_average(history, usable, uplift, start)


def sku_units(sales: pd.DataFrame, skus: pd.Index | None = None) -> pd.DataFrame:
    """One planning unit per SKU (warehouses summed), for forecasting alone.

    ``skus`` lists the SKUs to forecast (default: those in ``sales``); a SKU
    without sales gets no first-sale date and so a zero forecast.
    """
    sold = sales[sales["qty"] > 0].groupby("sku")["date"].min()
    if skus is None:
        skus = pd.Index(sorted(sales["sku"].unique()))
    return pd.DataFrame(
        {
            "sku": skus.to_numpy(),
            "warehouse": "",
            "category": "",
            "launch_date": pd.Series(pd.NaT, index=range(len(skus)), dtype="datetime64[ns]"),
            "first_sale": sold.reindex(skus).to_numpy(dtype="datetime64[ns]"),
        }
    )


def forecast_table(
    sales: pd.DataFrame,
    cutoff: pd.Timestamp,
    horizon: int,
    freq: Freq,
    settings: ForecastSettings,
) -> pd.DataFrame:
    """The long forecast of every SKU in ``sales`` for ``horizon`` periods after ``cutoff``.

    Sales after ``cutoff`` are not used. SKUs without recent sales are included
    (with a zero forecast). The first period is the first whole day, week
    (Monday to Sunday) or calendar month after the cutoff.

    Returns
    -------
    DataFrame
        ``sku``, ``date`` (first day of the period), ``forecast`` (mean units in
        the period), ``p50``, ``p90``, ``p95`` (quantiles of the period's
        demand) and ``model``; sorted by SKU and date.
    """
    daily = sales[sales["date"] <= cutoff].assign(warehouse="")
    units = sku_units(daily)
    labels, edges = period_edges(cutoff + pd.Timedelta(days=1), horizon, freq)
    fc = forecast_units(daily, units, no_promotions(), cutoff, settings, int(edges[-1]))
    mean, var = fc.period_moments(edges)
    n = len(units)
    table = pd.DataFrame(
        {
            "sku": np.repeat(units["sku"].to_numpy(), horizon),
            "date": np.tile(labels.to_numpy(), n),
            "forecast": mean.ravel(),
        }
    )
    for column, q in QUANTILES.items():
        table[column] = count_quantiles(mean, var, q).ravel()
    table["model"] = np.repeat(fc.model, horizon)
    return table
