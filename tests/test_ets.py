"""The vectorised ETS (forecaster.models.ets) against statsmodels, by hand and by property.

Against ``statsmodels.tsa.holtwinters.ExponentialSmoothing`` (damped additive trend,
initial states estimated) on Walmart series, the tolerance is stated on the SSE the fit
minimises and on the forecasts where both reach the same optimum (see the test).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from smooth_series import needs_walmart, walmart_weekly
from threadpoolctl import threadpool_limits

from forecaster.models.ets import ETS_FIELDS, estimate, ets_forecast, ets_panel


def one_step_sse(values: np.ndarray, row: np.ndarray, season: int) -> float:
    """SSE of one-step errors of a state row before the first period, by the plain
    recursions of statsmodels (an oracle: one series, one period at a time)."""
    alpha, beta, gamma, phi, level, trend = row[:6]
    seasons = list(row[len(ETS_FIELDS) + 1 :][:season])
    total = 0.0
    for t, x in enumerate(values):
        s = seasons[t % season]
        error = x - (level + phi * trend + s)
        total += error * error
        fresh = alpha * (x - s) + (1 - alpha) * (level + phi * trend)
        trend = beta * (fresh - level) + (1 - beta) * phi * trend
        seasons[t % season] = s + gamma * error
        level = fresh
    return total


def statsmodels_fit(values: np.ndarray, season: int, horizon: int) -> tuple[float, np.ndarray]:
    """SSE and forecast (clipped at 0) of statsmodels' fit, as the statsmodels engine makes it."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    seasonal = {"seasonal": "add", "seasonal_periods": season} if season > 1 else {}
    # one BLAS thread: idle BLAS threads spinning slow each small fit down many times
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            values, trend="add", damped_trend=True, initialization_method="estimated", **seasonal
        )
        fit = model.fit(use_brute=False)
    return float(fit.sse), np.maximum(np.asarray(fit.forecast(horizon)), 0.0)


@needs_walmart
@pytest.mark.parametrize(("season", "cut"), [(1, 104), (13, 32)])
def test_against_statsmodels_on_walmart_weekly(season: int, cut: int) -> None:
    """Weekly sales fitted on 104 weeks without a season, and the same in 4-week periods
    with a season of 13 fitted on 32 periods (two seasons and two periods), 6 periods
    ahead. Each series' vectorised fit either reaches statsmodels' optimum -- its SSE
    within 0.1% (no season) or 1.5% (season) of statsmodels', and its forecasts within 3%
    (5%) of the series' mean of statsmodels' -- or a lower SSE (the surface is flat,
    statsmodels' optimiser stopped early)."""
    y = walmart_weekly(8)
    if season > 1:  # statsmodels' seasonal fits are the slow part: six series
        y = y[:6, : 35 * 4].reshape(6, 35, 4).sum(axis=2)
    rows = estimate(y, np.full(len(y), cut), season, season > 1)
    mine = np.array([one_step_sse(v[:cut], r, season) for v, r in zip(y, rows, strict=True)])
    fits = [statsmodels_fit(v[:cut], season, 6) for v in y]
    theirs = np.array([sse for sse, _ in fits])
    forecast, _ = ets_panel(y, np.full((len(y), 1), cut), 6, season)
    gap = np.abs(forecast[:, 0] - np.array([f for _, f in fits])).max(axis=1)
    gap /= y[:, :cut].mean(axis=1)
    same = np.abs(mine / theirs - 1) <= (0.015 if season > 1 else 0.001)
    assert (same | (mine < theirs)).all(), mine / theirs
    assert same.sum() >= len(y) // 2, mine / theirs
    assert (gap[same] <= (0.05 if season > 1 else 0.03)).all(), gap


def test_alpha_one_is_the_naive_forecast() -> None:
    """alpha = 1, beta = 0, no trend: the level is the last value, whatever the start."""
    state = np.array([[1.0, 0.0, 0.0, 0.9, 50.0, 0.0, 0.0, 0.0, 0.0]])
    new = np.array([[3.0, 9.0, 4.0, 7.0]])
    forecast = ets_forecast(state, new, np.ones_like(new, dtype=bool), 3, 1)
    np.testing.assert_allclose(forecast, [[7.0, 7.0, 7.0]])


def test_ses_recursion_by_hand() -> None:
    """alpha 0.5, no trend, l_0 = 10 over 12, 8, 10, 14, 6: levels 11, 9.5, 9.75, 11.875,
    8.9375, the forecast flat at the last; the third period not yet seen leaves 9.5."""
    state = np.array([[0.5, 0.0, 0.0, 0.8, 10.0, 0.0, 0.0, 0.0, 0.0]])
    new = np.array([[12.0, 8.0, 10.0, 14.0, 6.0]])
    all_five = ets_forecast(state, new, np.ones_like(new, dtype=bool), 2, 1)
    np.testing.assert_allclose(all_five, [[8.9375, 8.9375]])
    two = ets_forecast(state, new, np.arange(5)[None, :] < 2, 2, 1)
    np.testing.assert_allclose(two, [[9.5, 9.5]])


def test_damped_trend_by_hand() -> None:
    """Level 100, trend 4, phi 0.5: the forecast h ahead is 100 + 4 (0.5 + .. + 0.5^h)."""
    state = np.array([[0.3, 0.1, 0.0, 0.5, 100.0, 4.0, 100.0, 0.0, 0.0]])
    forecast = ets_forecast(state, np.zeros((1, 0)), np.zeros((1, 0), bool), 3, 1)
    np.testing.assert_allclose(forecast, [[102.0, 103.0, 103.5]])


def test_a_straight_line_is_continued() -> None:
    """y = 20 + 3 t over 40 periods: the initial level and trend by least squares put the
    one-step errors near 0, and the forecast goes on up the line (damped, phi >= 0.8)."""
    y = (20 + 3 * np.arange(40.0))[None, :]
    row = estimate(y, np.array([40]), 1, False)[0]
    assert one_step_sse(y[0], row, 1) < 1.0
    forecast, _ = ets_panel(y, np.array([[40]]), 2, 1)
    assert forecast[0, 0, 0] == pytest.approx(140.0, abs=1.5)
    assert forecast[0, 0, 1] > forecast[0, 0, 0]


def test_too_short_a_history_is_not_fitted() -> None:
    """Fewer than MIN_PERIODS (10) periods before the first cut: NaN forecasts and states."""
    forecast, states = ets_panel(np.ones((1, 20)), np.array([[9, 20]]), 3, 1)
    assert np.isnan(forecast).all() and np.isnan(states).all()
