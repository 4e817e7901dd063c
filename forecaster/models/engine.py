"""Forecast every planning unit: build its history, mask promotions, fit, project."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import ForecastSettings
from forecaster.io.dataset import Dataset
from forecaster.models.baseline import Forecast, moving_average
from forecaster.models.promotions import promotion_days, uplift_factors
from forecaster.units import demand_matrix


def first_available(units: pd.DataFrame) -> pd.Series:
    """The date each unit went on sale: its launch date or first sale, whichever is earlier."""
    return units[["launch_date", "first_sale"]].min(axis=1)


def forecast_units(
    ds: Dataset, units: pd.DataFrame, settings: ForecastSettings, horizon: int
) -> Forecast:
    """Daily forecast of every unit for ``horizon`` days after the as-of date.

    The level is learned from the last ``settings.history_days`` days, leaving
    out days before the unit went on sale and days of past promotions (if every
    day on sale was a promotion day, those days are used). Future promotions
    with a given ``uplift`` multiply the forecast on their days.
    """
    days = settings.history_days
    history_start = ds.as_of - pd.Timedelta(days=days - 1)
    history = demand_matrix(ds.sales, units, ds.as_of, days)
    dates = pd.date_range(history_start, periods=days).to_numpy()
    launched = first_available(units).to_numpy(dtype="datetime64[ns]")
    on_sale = dates[None, :] >= launched[:, None]  # NaT compares False: never sold
    promo = promotion_days(ds.promotions, units, history_start, days)
    usable = on_sale & ~promo
    only_promo = ~usable.any(axis=1) & on_sale.any(axis=1)
    usable[only_promo] = on_sale[only_promo]
    start = ds.as_of + pd.Timedelta(days=1)
    uplift = uplift_factors(ds.promotions, units, start, horizon)
    return moving_average(history, usable, uplift, start)


def unit_forecast_frame(forecast: Forecast, units: pd.DataFrame) -> pd.DataFrame:
    """Per unit: model and mean daily forecast over the horizon (for reports)."""
    return pd.DataFrame(
        {
            "sku": units["sku"],
            "warehouse": units["warehouse"],
            "model": forecast.model,
            "forecast_daily": forecast.mean.mean(axis=1) if forecast.horizon else np.nan,
        }
    )
