"""statsmodels fits for the smooth series: exponential smoothing and Theta.

Each series is fitted on its own (statsmodels has no panel fit), so the fits
run in a process pool over the cores, in chunks of series to keep the
hand-over cost small.

* **ETS** -- ``statsmodels.tsa.holtwinters.ExponentialSmoothing`` with an
  additive damped trend, plus additive seasonality when the series holds two
  full seasons. Its parameters are estimated once, on the data up to the
  first origin asked for; later origins re-run the same model with those
  parameters fixed (a filter pass, no new optimisation), so the validation
  forecasts never see their own test periods and each series costs one
  optimisation. A damped trend with ``beta = 0`` is simple exponential
  smoothing, so the no-trend model is nested.
* **Theta** -- ``statsmodels.tsa.forecasting.theta.ThetaModel`` (Assimakopoulos
  & Nikolopoulos 2000; SES with half the linear trend's drift), refitted at
  every origin (it is cheap), deseasonalised when two full seasons are there.

A fit that raises, does not produce finite numbers or produces absurd values
(above :data:`ABSURD` x the largest value seen, or below zero by more than
rounding) yields NaN for that model and series; the caller falls back to the
other candidates.

:func:`fit_smooth_states` also keeps each fit as a state (:class:`SmoothStates`:
its parameters and its state at each origin), so that a later planning date can
forecast from its own origins with the same parameters, filtering only the
periods since the fitted origin before it (:meth:`SmoothStates.forecast`), as
the later validation origins do for ETS.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

#: Forecasts above this multiple of the largest value seen count as absurd.
ABSURD = 10.0
#: Fewest periods of history for a statsmodels fit.
MIN_PERIODS = 10
#: Series handed to a worker at a time.
CHUNK = 64
MODELS = ("ets", "theta")
#: Leading fields of a state row of each model (a season's values follow; see
#: :class:`SmoothStates`).
ETS_FIELDS = ("alpha", "beta", "gamma", "phi", "level", "trend", "top")
THETA_FIELDS = ("alpha", "b0", "level", "nobs", "mul", "top")
#: The origin of a state never fitted: later than any period.
NO_ORIGIN = np.iinfo(np.int64).max // 2


def _guard(forecast: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``forecast`` clipped at zero, or NaN when it is not finite or absurd."""
    top = ABSURD * max(float(values.max(initial=0.0)), 1.0)
    if not np.all(np.isfinite(forecast)) or forecast.max(initial=0.0) > top:
        return np.full(forecast.shape, np.nan)
    if forecast.min(initial=0.0) < -top:
        return np.full(forecast.shape, np.nan)
    return np.asarray(np.maximum(forecast, 0.0))


def _state_width(model: str, season: int) -> int:
    """Length of a state row of ``model`` for seasonal period ``season``."""
    return len(ETS_FIELDS) + season + 1 if model == "ets" else len(THETA_FIELDS) + season


def _ets(
    values: np.ndarray, cuts: Sequence[int], horizon: int, season: int
) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts from every cut and the state row at each (see :class:`SmoothStates`)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    out = np.full((len(cuts), horizon), np.nan)
    states = np.full((len(cuts), _state_width("ets", season)), np.nan)
    seasonal = season > 1 and cuts[0] >= 2 * season + 2
    shape = {
        "trend": "add",
        "damped_trend": True,
        "seasonal": "add" if seasonal else None,
        "seasonal_periods": season if seasonal else None,
    }
    p: dict[str, Any] = {}
    for i, cut in enumerate(cuts):
        if i == 0:  # estimate the parameters once, on the data up to the first origin
            fit = ExponentialSmoothing(
                values[:cut], **shape, initialization_method="estimated"
            ).fit(use_brute=False)
            p = dict(fit.params)
        else:  # later origins: the same parameters, filtered over more data
            fit = ExponentialSmoothing(
                values[:cut],
                **shape,
                initialization_method="known",
                initial_level=p["initial_level"],
                initial_trend=p["initial_trend"],
                initial_seasonal=p["initial_seasons"] if seasonal else None,
            ).fit(
                smoothing_level=p["smoothing_level"],
                smoothing_trend=p["smoothing_trend"],
                smoothing_seasonal=p["smoothing_seasonal"] if seasonal else None,
                damping_trend=p["damping_trend"],
                optimized=False,
            )
        out[i] = _guard(np.asarray(fit.forecast(horizon)), values[:cut])
        states[i] = _ets_state(fit, p, seasonal, values[:cut], season)
    return out, states


def _ets_state(
    fit: Any, p: dict[str, Any], seasonal: bool, values: np.ndarray, season: int
) -> np.ndarray:
    """The state row of a fitted ``HoltWintersResults`` with parameters ``p``."""
    # statsmodels' seasonal states s_t, t = T - 1 .. T + m - 1 (fit.season holds t = m .. T + m - 1)
    seasons = np.asarray(fit.season)[-(season + 1) :] if seasonal else np.zeros(season + 1)
    gamma = p["smoothing_seasonal"] if seasonal else 0.0
    fields = [p["smoothing_level"], p["smoothing_trend"], gamma, p["damping_trend"]]
    ends = [np.asarray(fit.level)[-1], np.asarray(fit.trend)[-1], values.max(initial=0.0)]
    return np.asarray(np.r_[fields, ends, seasons], dtype=float)


def _theta(
    values: np.ndarray, cuts: Sequence[int], horizon: int, season: int
) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts from every cut and the state row at each (see :class:`SmoothStates`)."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    out = np.full((len(cuts), horizon), np.nan)
    states = np.full((len(cuts), _state_width("theta", season)), np.nan)
    for i, cut in enumerate(cuts):
        seasonal = season > 1 and cut >= 2 * season
        model = ThetaModel(values[:cut], period=season if seasonal else 1, deseasonalize=seasonal)
        fit = model.fit(use_mle=False)
        out[i] = _guard(np.asarray(fit.forecast(horizon)), values[:cut])
        states[i] = _theta_state(fit, values[:cut], season)
    return out, states


def _theta_state(fit: Any, values: np.ndarray, season: int) -> np.ndarray:
    """The state row of a fitted ``ThetaModelResults`` (statsmodels keeps these parts private):
    drift, SES constant and level, periods seen, and the seasonal indices it reseasonalises
    with (0, added, when it does not)."""
    indices = np.asarray(fit._seasonal, dtype=float)
    seasonal = bool(fit.model.deseasonalize) and len(indices) > 0
    mul = seasonal and str(fit.model.method).startswith("mul")
    factor = np.zeros(season)
    if seasonal:
        factor[: len(indices)] = indices
    level = float(np.asarray(fit._one_step).reshape(-1)[0])
    fields = [float(fit._alpha), float(fit._b0), level, len(values), float(mul)]
    return np.asarray(np.r_[fields, values.max(initial=0.0), factor], dtype=float)


_FITTERS = {"ets": _ets, "theta": _theta}


def _fit_series(
    values: np.ndarray, cuts: Sequence[int], horizon: int, season: int
) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts of every model at every cut, shape (len(MODELS), len(cuts), horizon), and
    each model's state rows at the cuts (len(MODELS), len(cuts), width); NaN where the fit
    failed."""
    out = np.full((len(MODELS), len(cuts), horizon), np.nan)
    width = max(_state_width(name, season) for name in MODELS)
    states = np.full((len(MODELS), len(cuts), width), np.nan)
    if cuts[0] < MIN_PERIODS:
        return out, states
    for m, name in enumerate(MODELS):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # A failed fit leaves NaN: the caller uses the other candidates.
            # statsmodels raises many kinds of errors on odd series; any of them means
            # "no forecast from this model", never a failed run.
            with contextlib.suppress(Exception):
                out[m], fitted = _FITTERS[name](values, cuts, horizon, season)
                states[m, :, : fitted.shape[1]] = fitted
    return out, states


def _fit_chunk(
    rows: list[np.ndarray], cuts: list[list[int]], horizon: int, season: int
) -> tuple[np.ndarray, np.ndarray]:
    fits = [_fit_series(v, c, horizon, season) for v, c in zip(rows, cuts, strict=True)]
    return np.stack([f[0] for f in fits]), np.stack([f[1] for f in fits])


def _one_thread() -> None:
    """Pool initialiser: one BLAS thread per worker (the workers already fill the cores;
    idle BLAS threads spinning in each of them slow every fit down threefold)."""
    threadpool_limits(limits=1)


def default_workers() -> int:
    """Worker processes for the fits: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fit_smooth(
    y: np.ndarray,
    start: np.ndarray,
    origins: Sequence[int],
    horizon: int,
    season: int,
    workers: int = 0,
) -> np.ndarray:
    """Forecast every row of ``y`` with the statsmodels models from several origins.

    The forecasts of :func:`fit_smooth_states` (see there), without the states.
    """
    return fit_smooth_states(y, start, origins, horizon, season, workers)[0]


def fit_smooth_states(
    y: np.ndarray,
    start: np.ndarray,
    origins: Sequence[int],
    horizon: int,
    season: int,
    workers: int = 0,
) -> tuple[np.ndarray, SmoothStates]:
    """Forecast every row of ``y`` with the statsmodels models from several origins.

    Parameters
    ----------
    y
        Demand per period, shape (n, T), oldest first.
    start
        First period of each series, shape (n,).
    origins
        Ascending period indices: the forecast from origin ``o`` uses periods
        ``start .. o-1`` and covers ``o .. o+horizon-1``.
    horizon
        Periods forecast from each origin.
    season
        Seasonal period in periods (1: none).
    workers
        Processes (0: one per core; 1: no pool).

    Returns
    -------
    ndarray
        Shape (len(MODELS), n, len(origins), horizon); NaN where a model could
        not be fitted (too little history before the first origin, failure or
        absurd output).
    SmoothStates
        Each model's state at each origin, per row.
    """
    n = len(y)
    out = np.full((len(MODELS), n, len(origins), horizon), np.nan)
    states = SmoothStates.empty(n, len(origins), season)
    states.at[:] = np.asarray(origins, dtype=int)[None, :]
    if n == 0:
        return out, states
    rows = [y[i, start[i] :] for i in range(n)]
    cuts = [[max(o - int(start[i]), 0) for o in origins] for i in range(n)]
    chunks = [range(i, min(i + CHUNK, n)) for i in range(0, n, CHUNK)]
    workers = workers or default_workers()
    # Imported before the workers fork, so that each does not import statsmodels again.
    from statsmodels.tsa.forecasting.theta import ThetaModel  # noqa: F401
    from statsmodels.tsa.holtwinters import ExponentialSmoothing  # noqa: F401

    if workers == 1 or len(chunks) == 1:
        with threadpool_limits(limits=1):
            results = [
                _fit_chunk([rows[i] for i in c], [cuts[i] for i in c], horizon, season)
                for c in chunks
            ]
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_one_thread) as pool:
            results = list(
                pool.map(
                    _fit_chunk,
                    [[rows[i] for i in c] for c in chunks],
                    [[cuts[i] for i in c] for c in chunks],
                    [horizon] * len(chunks),
                    [season] * len(chunks),
                )
            )
    for c, (forecasts, chunk_states) in zip(chunks, results, strict=True):
        out[:, c.start : c.stop] = forecasts.transpose(1, 0, 2, 3)
        states.ets[c.start : c.stop] = chunk_states[:, 0, :, : states.ets.shape[2]]
        states.theta[c.start : c.stop] = chunk_states[:, 1, :, : states.theta.shape[2]]
    return out, states


@dataclass(frozen=True)
class SmoothStates:
    """The statsmodels fits of a panel as states: per series and origin, each model's
    parameters and its state after the periods before that origin, to forecast from a later
    origin with the same parameters by filtering only the periods in between.

    Attributes
    ----------
    ets
        Shape (n, origins, 7 + m + 1): ``alpha, beta, gamma, phi`` (``gamma`` 0
        without a season), the level ``l_T`` and trend ``b_T``, the largest value
        seen (for the guard), then statsmodels' seasonal states
        ``s_{T-1} .. s_{T+m-1}`` (0 without a season); NaN where no fit was made or
        it failed. The parameters are those estimated at the first origin.
    theta
        Shape (n, origins, 6 + m): ``alpha`` of the SES, the drift ``b0``, the SES
        level, the periods seen ``T``, whether the season is multiplicative (1) or
        additive (0), the largest value seen, then the ``m`` seasonal indices (0
        when the series is not deseasonalised); NaN as above. Each origin has its
        own fit.
    at
        The origins (period indices of the panel), shape (n, origins), ascending;
        :data:`NO_ORIGIN` where a series has no fit at that place.
    season
        The seasonal period ``m``.
    """

    ets: np.ndarray
    theta: np.ndarray
    at: np.ndarray
    season: int

    @classmethod
    def empty(cls, n: int, origins: int, season: int) -> SmoothStates:
        """States of ``n`` series at ``origins`` origins, without any fit."""
        return cls(
            np.full((n, origins, _state_width("ets", season)), np.nan),
            np.full((n, origins, _state_width("theta", season)), np.nan),
            np.full((n, origins), NO_ORIGIN, dtype=np.int64),
            season,
        )

    def rows(self, index: np.ndarray) -> SmoothStates:
        """The states of the series at ``index``."""
        return SmoothStates(self.ets[index], self.theta[index], self.at[index], self.season)

    def forecast(
        self, model: str, y: np.ndarray, origin: int, shift: int, horizon: int
    ) -> np.ndarray:
        """``model``'s forecast of ``horizon`` periods from ``origin`` of ``y``, per series.

        ``y`` (n, T) is the series' demand per period now, and period ``p`` of
        ``y`` is period ``p + shift`` of the panel the states were fitted on (the
        window moved on by ``shift`` periods). The state at the last fitted origin
        at or before ``origin + shift`` filters the periods from there to ``origin``
        with its parameters, then forecasts; guarded as the fits are. NaN where
        no fitted origin is that early or the fit failed.

        From a fitted origin itself (nothing to filter) this is the fit's own
        forecast. From a later origin ETS equals the same model refitted with its
        parameters fixed (what the origins after the first do in the fit); Theta
        keeps its drift, SES constant and seasonal indices and updates the SES level.
        """
        if model not in MODELS:
            raise ValueError(f"unknown statsmodels model {model!r}; expected one of {list(MODELS)}")
        n = len(y)
        target = origin + shift
        last = (self.at <= target).sum(axis=1) - 1  # the last fitted origin by then
        rows = np.arange(n)
        chosen = np.clip(last, 0, None)
        state = (self.ets if model == "ets" else self.theta)[rows, chosen]
        begin = self.at[rows, chosen] - shift  # in y's periods
        usable = (last >= 0) & (begin >= 0)
        state = np.where(usable[:, None], state, np.nan)
        steps = np.where(usable, origin - begin, 0)
        new = np.zeros((n, int(steps.max(initial=0))))
        for j in range(new.shape[1]):
            col = np.clip(begin + j, 0, max(y.shape[1] - 1, 0))
            new[:, j] = np.where(j < steps, y[rows, col], 0.0)
        active = np.arange(new.shape[1])[None, :] < steps[:, None]
        if model == "ets":
            return _ets_forecast(state, new, active, horizon, self.season)
        return _theta_forecast(state, new, active, horizon, self.season)


def _guard_rows(forecast: np.ndarray, top: np.ndarray) -> np.ndarray:
    """:func:`_guard` per row, with ``top`` the largest value each row has seen."""
    limit = ABSURD * np.maximum(np.nan_to_num(top), 1.0)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(forecast).all(axis=1)
        bad |= forecast.max(axis=1, initial=0.0) > limit
        bad |= forecast.min(axis=1, initial=0.0) < -limit
    return np.where(bad[:, None], np.nan, np.maximum(forecast, 0.0))


def _ets_forecast(
    state: np.ndarray, new: np.ndarray, active: np.ndarray, horizon: int, season: int
) -> np.ndarray:
    """Advance ETS states by the periods ``new`` (where ``active``) and forecast, with
    statsmodels' recursions.

    ``l' = alpha (x - s_t) + (1 - alpha)(l + phi b)``, ``b' = beta (l' - l) + (1 - beta) phi b``,
    ``s_{t+m} = gamma (x - l - phi b) + (1 - gamma) s_t``; the forecast ``h`` ahead is
    ``l + (phi + .. + phi^h) b`` plus the seasonal state statsmodels uses for it.
    """
    alpha, beta, gamma, phi, level, trend, top = (state[:, i] for i in range(len(ETS_FIELDS)))
    s = state[:, len(ETS_FIELDS) :]
    for j in range(new.shape[1]):
        x, on = new[:, j], active[:, j]
        damped = level + trend * phi
        fresh = alpha * x - alpha * s[:, 1] + (1 - alpha) * damped
        season_next = gamma * x - gamma * damped + (1 - gamma) * s[:, 1]
        trend = np.where(on, beta * (fresh - level) + (1 - beta) * (trend * phi), trend)
        s = np.where(on[:, None], np.concatenate([s[:, 1:], season_next[:, None]], axis=1), s)
        level = np.where(on, fresh, level)
    steps = np.arange(1, horizon + 1)
    phi_h = np.cumsum(phi[:, None] ** steps[None, :], axis=1)
    # statsmodels repeats s_{T-1} .. s_{T+m-2} beyond the first m - 1 steps
    column = np.where(steps < season, steps, (steps - season) % season)
    forecast = (level[:, None] + trend[:, None] * phi_h) + s[:, column]
    return _guard_rows(
        forecast, np.maximum(top, np.where(active, new, 0.0).max(axis=1, initial=0.0))
    )


def _theta_forecast(
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
    return _guard_rows(
        forecast, np.maximum(top, np.where(active, new, 0.0).max(axis=1, initial=0.0))
    )
