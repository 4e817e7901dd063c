"""The replay's engine: ETS and Theta from earlier fits, everything else refitted at every
date; the same forecast as a full fit where nothing was estimated, no look-ahead, the schedule."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecaster import sample_shop
from forecaster.config import Settings
from forecaster.io.dataset import Dataset, load_dataset
from forecaster.models.engine import forecast_units
from forecaster.models.rolling import RollingEngine, fitted_smooth
from forecaster.models.selection import Options, PeriodFit, fit_periods
from forecaster.pipeline import Engine, forecast_horizon
from forecaster.units import planning_units

#: Every series gets the statsmodels fits when it is smooth enough; one process.
OPTIONS = Options(smooth_min_units=5.0, smooth_units_share=1.0, workers=1)


def weekly_panel(n: int = 60, periods: int = 70, seed: int = 3) -> np.ndarray:
    """Smooth, intermittent and lumpy weekly series, a few dead ones and a few new ones."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.6, 25.0, n)
    selling = rng.uniform(0.15, 1.0, n)
    y = rng.poisson(rate[:, None] * (rng.random((n, periods)) < selling[:, None]))
    y = y.astype(float)
    y[:3] = 0.0
    y[3:6, : periods - 6] = 0.0  # new: no validation origin yet
    return y


@pytest.fixture(scope="module")
def fitted() -> tuple[np.ndarray, PeriodFit]:
    """The weekly panel over 74 weeks, fitted on its first 70."""
    y = weekly_panel(periods=74)
    return y, fit_periods(y[:, :70], 20, 52, None, OPTIONS)


def test_a_fit_from_its_own_states_is_the_full_fit(fitted: tuple[np.ndarray, PeriodFit]) -> None:
    y, fit = fitted
    assert np.isfinite(fit.smooth.ets[:, :, 0]).any()  # some series have ETS and Theta
    again = fit_periods(y[:, :70], 20, 52, None, OPTIONS, smooth=fitted_smooth(fit.smooth, 0))
    assert np.array_equal(again.forecast.mean, fit.forecast.mean)
    assert np.array_equal(again.forecast.cum_var, fit.forecast.cum_var)
    assert (again.forecast.model == fit.forecast.model).all()


def test_weeks_later_only_ets_and_theta_are_not_estimated_again(
    fitted: tuple[np.ndarray, PeriodFit],
) -> None:
    """Four weeks on (the window slides: the oldest four drop), the validation, the choice
    and the error model are redone on the data now; so every series that gets no
    statsmodels fit (all but the smooth best sellers) is forecast as a full refit does."""
    y, fit = fitted
    now = y[:, 4:]
    rolled = fit_periods(now, 20, 52, None, OPTIONS, smooth=fitted_smooth(fit.smooth, 4))
    full = fit_periods(now, 20, 52, None, OPTIONS)
    others = full.forecast.demand_class != "smooth"
    assert others.sum() >= 20
    assert np.array_equal(rolled.forecast.mean[others], full.forecast.mean[others])
    assert (rolled.forecast.model[others] == full.forecast.model[others]).all()
    assert (rolled.forecast.demand_class == full.forecast.demand_class).all()
    smooth_models = [m for m in rolled.forecast.model if "ets" in m or "theta" in m]
    assert smooth_models  # and ETS or Theta, from their states, still win somewhere


def test_a_series_without_a_state_gets_no_ets_or_theta(
    fitted: tuple[np.ndarray, PeriodFit],
) -> None:
    y, fit = fitted
    states = fit.smooth.rows(np.arange(len(y)))
    states.ets[:] = np.nan  # as if no ETS fit had worked
    states.theta[:] = np.nan
    rolled = fit_periods(y[:, 4:], 20, 52, None, OPTIONS, smooth=fitted_smooth(states, 4))
    assert np.isfinite(rolled.forecast.mean).all()
    assert not any("ets" in m or "theta" in m for m in rolled.forecast.model)


def shop(folder: Path) -> Path:
    """The sample shop, 12 SKUs, about 15 months of sales to 2026-03-31."""
    sample_shop.write(sample_shop.generate(n_skus=12, start="2025-01-01", end="2026-03-31"), folder)
    return folder


def one_process(settings: Settings) -> Settings:
    forecast = settings.forecast.model_copy(update={"workers": 1, "smooth_min_units": 5.0})
    return settings.model_copy(update={"forecast": forecast})


@pytest.fixture(scope="module")
def shop_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = shop(tmp_path_factory.mktemp("shop"))
    return one_process(Settings().with_overrides(data_dir=folder))


def forecast_on(
    ds: Dataset, settings: Settings, as_of: pd.Timestamp, engine: Engine = forecast_units
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and cumulative variance of the units' forecast with the sales up to ``as_of``."""
    ds = replace(ds, as_of=as_of, sales=ds.sales[ds.sales["date"] <= as_of])
    units = planning_units(ds)
    horizon = forecast_horizon(units, settings)
    fc = engine(ds.sales, units, ds.promotions, as_of, settings, horizon)
    return fc.mean, fc.cum_var


LAST = pd.Timestamp("2026-03-31")


def weeks_before(k: int) -> pd.Timestamp:
    return LAST - pd.Timedelta(days=7 * k)


def test_the_schedule_fits_every_refit_weeks_and_rolls_in_between(shop_settings: Settings) -> None:
    """With refit_weeks=1 every date is a full fit, equal to forecast_units; with 2, the
    fits fall on weeks 0 and 2, and a date off the weekly grid refits."""
    ds = load_dataset(shop_settings)
    every = RollingEngine(1)
    forecast_on(ds, shop_settings, weeks_before(2), every.forecast_units)
    got = forecast_on(ds, shop_settings, weeks_before(1), every.forecast_units)
    want = forecast_on(ds, shop_settings, weeks_before(1))
    assert all(np.array_equal(a, b) for a, b in zip(got, want, strict=True))
    assert (every.fits, every.rolls) == (2, 0)

    rolling = RollingEngine(2)
    for k in (3, 2, 1):
        forecast_on(ds, shop_settings, weeks_before(k), rolling.forecast_units)
    assert (rolling.fits, rolling.rolls) == (2, 1)
    forecast_on(ds, shop_settings, weeks_before(1) + pd.Timedelta(days=3), rolling.forecast_units)
    assert (rolling.fits, rolling.rolls) == (3, 1)  # three days on: not a whole week


def test_a_rolled_forecast_uses_no_later_sales(shop_settings: Settings, tmp_path: Path) -> None:
    """Fit three weeks before the end, roll to one week before: sales after that day
    (multiplied by 5, plus 3) change nothing."""
    ds = load_dataset(shop_settings)
    sales = ds.sales.copy()
    later = sales["date"] > weeks_before(1)
    sales.loc[later, "qty"] = sales.loc[later, "qty"] * 5 + 3
    forecasts = []
    for data in (ds, replace(ds, sales=sales)):
        engine = RollingEngine(4)
        forecast_on(data, shop_settings, weeks_before(3), engine.forecast_units)
        forecasts.append(forecast_on(data, shop_settings, weeks_before(1), engine.forecast_units))
        assert engine.rolls == 1
    (mean, var), (mean_other, var_other) = forecasts
    assert np.array_equal(mean, mean_other) and np.array_equal(var, var_other)


def test_refit_weeks_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RollingEngine(0)
