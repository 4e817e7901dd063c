"""The smooth-series models fitted series by series with statsmodels: the reference engine.

``forecast.smooth_engine = "statsmodels"``; :mod:`forecaster.models.ets` and
:mod:`forecaster.models.theta` fit the same models over the whole panel at once (the
default engine) and are tested against these fits.

Each series is fitted on its own (statsmodels has no panel fit), so the fits
run in a process pool over the cores, in chunks of series to keep the
hand-over cost small.

* **ETS** -- ``statsmodels.tsa.holtwinters.ExponentialSmoothing`` with an
  additive damped trend, plus additive seasonality when the series holds two
  full seasons and two periods before the first origin. Its parameters are
  estimated once, on the data up to the first origin asked for; later origins
  re-run the same model with those parameters fixed (a filter pass, no new
  optimisation), so the validation forecasts never see their own test periods
  and each series costs one optimisation. A damped trend with ``beta = 0`` is
  simple exponential smoothing, so the no-trend model is nested.
* **Theta** -- ``statsmodels.tsa.forecasting.theta.ThetaModel`` (Assimakopoulos
  & Nikolopoulos 2000; SES with half the linear trend's drift), refitted at
  every origin (it is cheap), deseasonalised when two full seasons are there.

A fit that raises yields NaN for that model and series, and so does one the guard of
:mod:`forecaster.models.smooth_rules` refuses; the caller falls back to the other
candidates.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from forecaster.models.smooth_rules import MIN_PERIODS, MODELS, guard
from forecaster.models.smooth_states import SmoothStates, state_width

#: Series handed to a worker at a time.
CHUNK = 64


def _ets(
    values: np.ndarray, cuts: Sequence[int], horizon: int, season: int
) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts from every cut and the state row at each (see :class:`SmoothStates`)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    out = np.full((len(cuts), horizon), np.nan)
    states = np.full((len(cuts), state_width("ets", season)), np.nan)
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
        out[i] = guard(np.asarray(fit.forecast(horizon)), values[:cut])
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
    states = np.full((len(cuts), state_width("theta", season)), np.nan)
    for i, cut in enumerate(cuts):
        seasonal = season > 1 and cut >= 2 * season
        model = ThetaModel(values[:cut], period=season if seasonal else 1, deseasonalize=seasonal)
        fit = model.fit(use_mle=False)
        out[i] = guard(np.asarray(fit.forecast(horizon)), values[:cut])
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
    width = max(state_width(name, season) for name in MODELS)
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


def statsmodels_states(
    y: np.ndarray,
    start: np.ndarray,
    origins: Sequence[int],
    horizon: int,
    season: int,
    workers: int = 0,
) -> tuple[np.ndarray, SmoothStates]:
    """Forecast every row of ``y`` with the statsmodels fits from several origins, and
    keep the states: :func:`forecaster.models.smooth.fit_smooth_states` with
    ``engine="statsmodels"`` (see there); ``workers`` processes (0: one per core; 1: no
    pool)."""
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
