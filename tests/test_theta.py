"""The vectorised Theta method (forecaster.models.theta) against statsmodels and by hand.

Tolerance against ``statsmodels.tsa.forecasting.theta.ThetaModel(...).fit(use_mle=False)``:
forecasts within 0.1% of the series' mean (the only search is SES's ``alpha``, which both
find to about 1e-4; the rest is closed-form), except where the SES has two local minima and
statsmodels stops at the higher one (then the vectorised SSE is lower).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from smooth_series import needs_walmart, walmart_weekly

from forecaster.models.theta import (
    THETA_FIELDS,
    _indices,
    _seasonal,
    _ses,
    _ses_sse,
    _slope,
    theta_panel,
)


def statsmodels_theta(values: np.ndarray, season: int, horizon: int) -> tuple[np.ndarray, float]:
    """statsmodels' Theta forecast as the statsmodels engine fits it (clipped at 0), and its
    SES ``alpha``."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    seasonal = season > 1 and len(values) >= 2 * season
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ThetaModel(values, period=season if seasonal else 1, deseasonalize=seasonal)
        fit = model.fit(use_mle=False)
    return np.maximum(np.asarray(fit.forecast(horizon)), 0.0), float(fit._alpha)


def deseasonalised(values: np.ndarray, state: np.ndarray, season: int) -> np.ndarray:
    """What the SES of a Theta state row was fitted on: ``values`` without its season."""
    factor = state[len(THETA_FIELDS) :][np.arange(len(values)) % season]
    if state[THETA_FIELDS.index("mul")] == 1.0:
        return np.asarray(values / factor)
    return np.asarray(values - factor)


@needs_walmart
@pytest.mark.parametrize("cut", [60, 104, 130])
def test_against_statsmodels_on_walmart_weekly(cut: int) -> None:
    """Season 52: no season at 60 weeks, deseasonalised (where the test finds a season) at
    104 and 130; 13 weeks ahead. A series whose SES has two local minima may differ where
    statsmodels stops at the higher one: the vectorised SSE is then lower."""
    y = walmart_weekly(8)
    forecast, states = theta_panel(y, np.full((len(y), 1), cut), 13, 52)
    fits = [statsmodels_theta(v[:cut], 52, 13) for v in y]
    reference = np.array([f for f, _ in fits])
    gap = np.abs(forecast[:, 0] - reference).max(axis=1) / y[:, :cut].mean(axis=1)
    assert (gap <= 1e-3).sum() >= len(y) - 2, gap
    for i in np.flatnonzero(gap > 1e-3):
        x = deseasonalised(y[i, :cut], states[i, 0], 52)[None, :]
        alphas = np.array([[states[i, 0, 0]], [fits[i][1]]])
        mine, theirs = _ses_sse(x, np.array([cut]), alphas)[:, 0]
        assert mine < theirs, (i, mine, theirs)
    if cut >= 104:
        assert (states[:, 0, len(THETA_FIELDS) :] != 0).any(axis=1).sum() >= 1  # seasonal ones


def test_the_season_test_and_indices_match_statsmodels() -> None:
    """statsmodels' season test (its statistic from statsmodels' own ``acf``) on waves and
    noise; a clear wave of 3 or 4 periods is found. The indices are statsmodels' classical
    decomposition, multiplicative for positive series, additive when a value is 0."""
    from statsmodels.tsa.seasonal import seasonal_decompose
    from statsmodels.tsa.stattools import acf

    rng = np.random.default_rng(5)
    t = np.arange(24.0)
    for season in (3, 4):
        wave = 50 + 0.5 * t + 10 * np.cos(2 * np.pi * t / season)
        y = np.vstack([wave, np.where(t == 5, 0.0, wave), rng.normal(50, 5, (6, 24))])
        found = _seasonal(y, np.ones(y.shape, dtype=bool), np.full(len(y), 24), season)
        rho = np.array([acf(row, nlags=season, fft=True) for row in y])
        stat = 24 * rho[:, season] ** 2 / (rho[:, :season] ** 2).sum(axis=1)
        assert found.tolist() == (stat > 2.705543454095404).tolist()
        assert found[0]
        indices, mul = _indices(y[:2], np.full(2, 24), season, np.array([True, False]))
        assert mul.tolist() == [True, False]
        for row, model in ((0, "multiplicative"), (1, "additive")):
            theirs = seasonal_decompose(y[row], model=model, period=season).seasonal[:season]
            np.testing.assert_allclose(indices[row], theirs, rtol=1e-10, atol=1e-10)


def test_drift_and_ses_by_hand() -> None:
    """y = 3 + 2 t: the drift is 2 over the first 5 periods and over all 8. SES from
    ``l_0 = y_0`` on 0, 10, 10, 10: the errors are 10, 10 (1 - alpha), 10 (1 - alpha)^2,
    least at alpha = 1 (the level then 10)."""
    y = 3 + 2 * np.arange(8.0)[None, :].repeat(2, axis=0)
    length = np.array([5, 8])
    on = np.arange(8)[None, :] < length[:, None]
    np.testing.assert_allclose(_slope(np.where(on, y, 0.0), on, length), [2.0, 2.0])
    alpha, level = _ses(np.array([[0.0, 10.0, 10.0, 10.0]]), np.array([4]))
    assert alpha[0] == pytest.approx(1.0) and level[0] == pytest.approx(10.0)
