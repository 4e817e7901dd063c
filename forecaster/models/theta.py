"""The Theta method (Assimakopoulos & Nikolopoulos 2000) fitted over a whole panel at once.

What :mod:`forecaster.models.smooth_statsmodels` fits series by series with
``statsmodels.tsa.forecasting.theta.ThetaModel(period=m, deseasonalize=True).fit(use_mle=False)``
(theta = 2), step by step as statsmodels does it, for every series and cut at once:

1. **Season** (only with two full seasons): statsmodels' test -- ``T r_m^2 /
   (r_0^2 + .. + r_{m-1}^2) > 2.7055`` (10% of a chi-squared with one degree of
   freedom), ``r_k`` the sample autocorrelations (demeaned, divided by ``T``). A
   seasonal series is deseasonalised by a classical decomposition: the centred
   moving average of ``m`` periods (``2 x m`` for an even ``m``) is the trend, the
   mean ratio (multiplicative: every value positive) or difference (additive) to it
   per phase of the season, normalised to mean 1 or 0, the seasonal indices.
2. **Drift** ``b0``: the least-squares slope of the (deseasonalised) series on
   ``t = 0 .. T - 1``.
3. **SES** from ``l_0 = y_0``, ``alpha`` in ``[0, 1]`` minimising the in-sample SSE of
   one-step errors: a grid of :data:`ALPHAS`, then :data:`ROUNDS` rounds of a local
   search (one step down or up, halving).
4. **Forecast** ``h`` ahead: ``b0 / 2 (h - 1 + 1 / alpha - (1 - alpha)^T / alpha) + l_T``,
   reseasonalised with the index of period ``T + h - 1``.

Every origin is fitted afresh (it is cheap). :func:`theta_forecast` moves a fitted
state on by more periods (the SES level only) for a later origin.
"""

from __future__ import annotations

import numpy as np

from forecaster.models.smooth_rules import MIN_PERIODS, guard_rows

#: Leading fields of a Theta state row (``m`` seasonal indices follow).
THETA_FIELDS = ("alpha", "b0", "level", "nobs", "mul", "top")
#: statsmodels' critical value of the seasonality test: chi-squared(1) at 10%, 1.645^2.
SEASON_TEST = 2.705543454095404
#: The SES grid, the rounds of local search after it and their first step.
ALPHAS = np.linspace(0.0, 1.0, 21)
ROUNDS = 8
FIRST_STEP = 0.025


def theta_panel(
    values: np.ndarray, cuts: np.ndarray, horizon: int, season: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fit Theta to every series of ``values`` at each of its ``cuts`` and forecast.

    ``values`` (n, L) left-aligned series, ``cuts`` (n, k) periods each fit uses;
    a series with fewer than :data:`MIN_PERIODS` periods before its first cut is not
    fitted (NaN). Returns the guarded forecasts (n, k, horizon) and the state rows
    (n, k, 6 + season) (see :class:`~forecaster.models.smooth_states.SmoothStates`).
    """
    n, k = cuts.shape
    forecasts = np.full((n, k, horizon), np.nan)
    states = np.full((n, k, len(THETA_FIELDS) + season), np.nan)
    rows = np.flatnonzero(cuts[:, 0] >= MIN_PERIODS) if k else np.zeros(0, dtype=int)
    if not len(rows):
        return forecasts, states
    for j in range(k):
        length = cuts[rows, j]
        y = values[rows, : int(length.max())]
        on = np.arange(y.shape[1])[None, :] < length[:, None]
        y = np.where(on, y, 0.0)
        state = _fit(y, on, length, season)
        states[rows, j] = state
        forecasts[rows, j] = theta_forecast(
            state, np.zeros((len(rows), 0)), np.zeros((len(rows), 0), bool), horizon, season
        )
    return forecasts, states


def _fit(y: np.ndarray, on: np.ndarray, length: np.ndarray, season: int) -> np.ndarray:
    """State rows of series ``y`` (zero past their ``length``; ``on`` marks the periods)."""
    n = len(y)
    mul = np.zeros(n, dtype=bool)
    factor = np.zeros((n, season))
    x = y
    tested = (season > 1) & (length >= 2 * season)
    if tested.any():
        test = np.flatnonzero(tested)
        has = np.zeros(n, dtype=bool)
        has[test] = _seasonal(y[test], on[test], length[test], season)
        if has.any():
            rows = np.flatnonzero(has)
            positive = np.asarray(np.where(on[rows], y[rows] > 0, True).all(axis=1))
            index, mul[rows] = _indices(y[rows], length[rows], season, positive)
            factor[rows] = index
            phase = factor[:, np.arange(y.shape[1]) % season]
            with np.errstate(divide="ignore", invalid="ignore"):
                x = np.where(has[:, None], np.where(mul[:, None], y / phase, y - phase), y)
            x = np.where(on, x, 0.0)
    b0 = _slope(x, on, length)
    alpha, level = _ses(x, length)
    top = np.where(on, y, 0.0).max(axis=1, initial=0.0)
    return np.column_stack([alpha, b0, level, length, mul.astype(float), top, factor])


def _seasonal(y: np.ndarray, on: np.ndarray, length: np.ndarray, season: int) -> np.ndarray:
    """statsmodels' test for a season of ``season`` periods, per series (module docstring)."""
    mean = np.where(on, y, 0.0).sum(axis=1) / length
    d = np.where(on, y - mean[:, None], 0.0)
    cov = np.stack(
        [(d[:, : d.shape[1] - lag] * d[:, lag:]).sum(axis=1) for lag in range(season + 1)], axis=1
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = cov / cov[:, :1]
        stat = length * rho[:, season] ** 2 / (rho[:, :season] ** 2).sum(axis=1)
    return np.asarray(stat > SEASON_TEST)


def _indices(
    y: np.ndarray, length: np.ndarray, season: int, positive: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Seasonal indices (n, m) of the classical decomposition, phase 0 the first period,
    and whether they are multiplicative (every value positive and every index above 0)."""
    n, periods = y.shape
    half = season // 2
    total = np.zeros((n, periods + 1))
    np.cumsum(y, axis=1, out=total[:, 1:])
    t = np.arange(periods)
    lo, hi = np.clip(t - half, 0, periods), np.clip(t + half, 0, periods - 1)
    if season % 2:  # a plain moving average of m periods
        trend = (total[:, hi + 1] - total[:, lo]) / season
    else:  # 2 x m: half weights at both ends
        inner = total[:, hi] - total[:, np.minimum(lo + 1, periods)]
        trend = (inner + 0.5 * (y[:, lo] + y[:, hi])) / season
    inside = (t[None, :] >= half) & (t[None, :] < length[:, None] - half)
    out = np.zeros((n, season))
    multiplicative = positive.copy()
    for mul in (True, False):
        rows = multiplicative if mul else ~multiplicative
        if not rows.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            detrended = y[rows] / trend[rows] if mul else y[rows] - trend[rows]
        means = _phase_means(detrended, inside[rows], season)
        means = (
            means / means.mean(axis=1, keepdims=True)
            if mul
            else means - means.mean(axis=1, keepdims=True)
        )
        out[rows] = means
        if mul:  # an index at or below 0: statsmodels falls back to the additive season
            bad = np.flatnonzero(rows)[(means <= 0).any(axis=1)]
            multiplicative[bad] = False
            if len(bad):
                again = y[bad] - trend[bad]
                means = _phase_means(again, inside[bad], season)
                out[bad] = means - means.mean(axis=1, keepdims=True)
    return out, multiplicative


def _phase_means(x: np.ndarray, inside: np.ndarray, season: int) -> np.ndarray:
    """Mean of ``x`` where ``inside`` per phase ``t % season``, shape (n, season)."""
    n, periods = x.shape
    width = -(-periods // season) * season
    pad = np.zeros((n, width))
    count = np.zeros((n, width))
    pad[:, :periods] = np.where(inside, x, 0.0)
    count[:, :periods] = inside
    total = pad.reshape(n, -1, season).sum(axis=1)
    return np.asarray(total / count.reshape(n, -1, season).sum(axis=1))


def _slope(x: np.ndarray, on: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Least-squares slope of each series on ``t = 0 .. T - 1``."""
    t = np.arange(x.shape[1], dtype=float)[None, :]
    t_mean = (length - 1) / 2.0
    centred = np.where(on, t - t_mean[:, None], 0.0)
    mean = x.sum(axis=1) / length
    return np.asarray((centred * (x - mean[:, None])).sum(axis=1) / (centred**2).sum(axis=1))


def _ses(x: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SES from ``l_0 = x_0``: the SSE-minimising ``alpha`` and the last level, per series."""
    n = len(x)
    sse = _ses_sse(x, length, ALPHAS[:, None])
    alpha = ALPHAS[np.argmin(sse, axis=0)]
    step = FIRST_STEP
    moves = np.array([-1.0, 0.0, 1.0])[:, None]
    for _ in range(ROUNDS):
        trial = np.clip(alpha[None, :] + moves * step, 0.0, 1.0)
        alpha = trial[np.argmin(_ses_sse(x, length, trial), axis=0), np.arange(n)]
        step /= 2
    return alpha, _ses_level(x, length, alpha)


def _ses_sse(x: np.ndarray, length: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """SSE of SES one-step errors from ``l_0 = x_0`` for each ``alpha`` (P, n or 1)."""
    level = np.broadcast_to(x[:, 0], np.broadcast_shapes(alpha.shape, (1, len(x)))).copy()
    sse = np.zeros(level.shape)
    for t in range(1, x.shape[1]):
        error = x[:, t] - level
        sse += np.where(t < length, error * error, 0.0)
        level += alpha * error
    return sse


def _ses_level(x: np.ndarray, length: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The SES level after each series' ``length`` periods."""
    level = x[:, 0].copy()
    for t in range(1, x.shape[1]):
        level = np.where(t < length, level + alpha * (x[:, t] - level), level)
    return level


def theta_forecast(
    state: np.ndarray, new: np.ndarray, active: np.ndarray, horizon: int, season: int
) -> np.ndarray:
    """Advance Theta states by the periods ``new`` (where ``active``) and forecast, as
    statsmodels' Theta (theta 2) does.

    The new periods are deseasonalised with the fit's indices and update the SES level
    ``l' = alpha x + (1 - alpha) l``; the forecast ``h`` ahead is
    ``b0 / 2 x (h - 1 + 1 / alpha - (1 - alpha)^T / alpha) + l``, reseasonalised.
    """
    alpha, b0, level, nobs, mul, top = (state[:, i] for i in range(len(THETA_FIELDS)))
    factor = state[:, len(THETA_FIELDS) :]
    mul = mul == 1.0
    rows = np.arange(len(state))
    t = np.nan_to_num(nobs).astype(int)
    for j in range(new.shape[1]):
        index = factor[rows, (t + j) % season]
        x = np.where(mul, new[:, j] / np.where(mul, index, 1.0), new[:, j] - index)
        level = np.where(active[:, j], alpha * x + (1 - alpha) * level, level)
    t = t + active.sum(axis=1)
    h = np.arange(1, horizon + 1, dtype=np.float64)[None, :] - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(alpha[:, None] > 0, h + (1 / alpha - ((1 - alpha) ** t / alpha))[:, None], h)
    forecast = 0.5 * (b0[:, None] * h) + level[:, None] * np.ones(horizon)
    indices = factor[rows[:, None], (t[:, None] + np.arange(horizon)[None, :]) % season]
    forecast = np.where(mul[:, None], forecast * indices, forecast + indices)
    return guard_rows(
        forecast, np.maximum(top, np.where(active, new, 0.0).max(axis=1, initial=0.0))
    )
