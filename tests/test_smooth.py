"""The smooth-model fits of either engine: the states they end in, forecasts rolled forward
from them, the engine setting, and properties every fit keeps (a constant series forecasts
its constant, no forecast is negative)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import forecaster.models.smooth as smooth
from forecaster.config import ForecastSettings
from forecaster.models.engine import options
from forecaster.models.ets import ets_panel
from forecaster.models.selection import forecast_periods
from forecaster.models.smooth import (
    ENGINES,
    SmoothEngine,
    SmoothStates,
    fit_smooth,
    fit_smooth_states,
)
from forecaster.models.theta import theta_panel


def panel(n: int, periods: int, season: int, seed: int = 0) -> np.ndarray:
    """Trend, season (every other series) and noise; never below 0."""
    rng = np.random.default_rng(seed)
    t = np.arange(periods)
    wave = np.sin(2 * np.pi * t / season)[None, :] * (np.arange(n)[:, None] % 2)
    return np.maximum(30 + 0.1 * t + 8 * wave + rng.normal(0, 3, (n, periods)), 0.0)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("season", [1, 4, 13])
def test_a_state_forecasts_from_its_origin_as_the_fit_did(
    season: int, engine: SmoothEngine
) -> None:
    y = panel(8, 60, season)
    start = np.array([0, 0, 0, 0, 10, 20, 45, 55])  # the last two too short to fit
    origins = [34, 47, 60]
    fitted, states = fit_smooth_states(y, start, origins, 20, season, 1, engine)
    assert np.array_equal(fitted, fit_smooth(y, start, origins, 20, season, 1, engine), True)
    for m, model in enumerate(("ets", "theta")):
        for i, origin in enumerate(origins):
            again = states.forecast(model, y, origin, 0, 20)
            assert np.array_equal(again, fitted[m, :, i], equal_nan=True), (model, origin)
    assert np.isnan(states.ets[6:]).all() and np.isfinite(states.ets[:6]).all()
    assert np.isnan(states.forecast("ets", y, 30, 0, 20)).all()  # before the first origin


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("season", [1, 4])
def test_ets_from_a_later_origin_is_the_refit_with_its_parameters(
    season: int, engine: SmoothEngine
) -> None:
    """ETS estimates its parameters at the first origin and filters later origins with them
    (season 4: seasonal, the first origin holds 2 seasons + 2). Fitted at 34, 47 and 60,
    then seen 5 periods later (the window moved on by 5): from origins 44 and 60 of that
    window (49 and 65 of the fitted one) it is that filter over the data to 49 and 65."""
    y = panel(6, 65, season, seed=1)
    start = np.array([0, 0, 0, 3, 8, 12])
    _, states = fit_smooth_states(y[:, :60], start, [34, 47, 60], 20, season, 1, engine)
    now = y[:, 5:]
    for origin, refit_origins in ((60, [34, 47, 65]), (44, [34, 49])):
        refit = fit_smooth(y, start, refit_origins, 20, season, 1, engine)
        rolled = states.forecast("ets", now, origin, 5, 20)
        assert np.isfinite(rolled).all()
        np.testing.assert_allclose(rolled, refit[0, :, -1], rtol=1e-12, atol=1e-9)


def test_theta_from_a_later_origin_updates_its_ses_level() -> None:
    """Theta keeps ``alpha``, the drift ``b0`` and its seasonal indices; each new period
    moves the SES level: ``l' = alpha x + (1 - alpha) l``. By hand, no season: alpha 0.5,
    b0 2, level 10 after 20 periods, then 14 -> level 12; the forecast ``h`` ahead is
    ``b0 / 2 (h - 1 + 1 / alpha - (1 - alpha)^21 / alpha) + 12``."""
    states = SmoothStates.empty(1, 1, 1)
    states.theta[0, 0] = [0.5, 2.0, 10.0, 20, 0.0, 16.0, 0.0]
    states.at[0, 0] = 0  # fitted at period 0 of the panel below
    got = states.forecast("theta", np.array([[14.0]]), 1, 0, 3)
    h = np.arange(3) + 1 / 0.5 - 0.5**21 / 0.5
    np.testing.assert_allclose(got[0], 0.5 * 2.0 * h + 12.0)


def test_forecasts_from_states_are_guarded_as_the_fits_are() -> None:
    """A forecast above ABSURD x the largest value seen is no forecast (NaN); one just
    below zero is clipped to 0."""
    states = SmoothStates.empty(2, 1, 1)
    # alpha, beta, gamma, phi, level, trend, top, two seasonal states
    states.ets[0, 0] = [0.5, 0.1, 0.0, 0.9, 10.0, 60.0, 12.0, 0.0, 0.0]  # trend runs away
    states.ets[1, 0] = [0.5, 0.1, 0.0, 0.9, 0.5, -1.0, 12.0, 0.0, 0.0]  # drifts below zero
    states.at[:] = 0
    got = states.forecast("ets", np.zeros((2, 0)), 0, 0, 4)
    assert np.isnan(got[0]).all()
    assert (got[1] >= 0).all() and got[1, -1] == 0.0
    with pytest.raises(ValueError, match="unknown smooth model"):
        states.forecast("arima", np.zeros((2, 0)), 0, 0, 4)


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown smooth engine 'arima'"):
        fit_smooth(panel(2, 30, 1), np.zeros(2, int), [20], 4, 1, engine="arima")  # type: ignore[arg-type]


def test_the_engine_setting_chooses_the_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    """``forecast.smooth_engine`` reaches the fits: "statsmodels" fits series by series,
    "vectorised" (the default) never calls statsmodels; an unknown engine is no setting."""
    calls: list[int] = []
    reference = smooth.statsmodels_states

    def counted(y: np.ndarray, *args: Any) -> Any:
        calls.append(len(y))
        return reference(y, *args)

    monkeypatch.setattr(smooth, "statsmodels_states", counted)
    y = np.round(panel(3, 60, 13, seed=4) * 3)
    assert ForecastSettings().smooth_engine == "vectorised"
    for engine, fitted in (("vectorised", []), ("statsmodels", [3])):
        settings = ForecastSettings(smooth_engine=engine, workers=1, smooth_min_units=5.0)
        calls.clear()
        forecast_periods(y, 6, 13, options=options(settings))
        assert calls == fitted, engine
    with pytest.raises(ValidationError, match="smooth_engine"):
        ForecastSettings(smooth_engine="numba")  # type: ignore[arg-type]


PANELS = {"ets": ets_panel, "theta": theta_panel}


@pytest.mark.parametrize("model", PANELS)
@settings(max_examples=10, deadline=None)
@given(level=st.floats(0.0, 1e4), periods=st.integers(10, 40), season=st.sampled_from([1, 4]))
def test_a_constant_series_forecasts_its_constant(
    model: str, level: float, periods: int, season: int
) -> None:
    forecast, _ = PANELS[model](np.full((1, periods), level), np.array([[periods]]), 6, season)
    np.testing.assert_allclose(forecast[0, 0], level, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("model", PANELS)
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), periods=st.integers(12, 40))
def test_forecasts_are_never_negative(model: str, seed: int, periods: int) -> None:
    """Falling or erratic non-negative series: every forecast is >= 0 or NaN (absurd)."""
    rng = np.random.default_rng(seed)
    trend = np.linspace(rng.uniform(0, 50), rng.uniform(0, 5), periods)
    y = np.maximum(trend + rng.normal(0, rng.uniform(0, 10), (3, periods)), 0.0)
    forecast, _ = PANELS[model](y, np.full((3, 1), periods), 13, 4)
    assert (np.isnan(forecast) | (forecast >= 0)).all()
