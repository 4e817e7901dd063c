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
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

#: Forecasts above this multiple of the largest value seen count as absurd.
ABSURD = 10.0
#: Fewest periods of history for a statsmodels fit.
MIN_PERIODS = 10
#: Series handed to a worker at a time.
CHUNK = 64
MODELS = ("ets", "theta")


def _guard(forecast: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``forecast`` clipped at zero, or NaN when it is not finite or absurd."""
    top = ABSURD * max(float(values.max(initial=0.0)), 1.0)
    if not np.all(np.isfinite(forecast)) or forecast.max(initial=0.0) > top:
        return np.full(forecast.shape, np.nan)
    if forecast.min(initial=0.0) < -top:
        return np.full(forecast.shape, np.nan)
    return np.asarray(np.maximum(forecast, 0.0))


def _ets(values: np.ndarray, cuts: Sequence[int], horizon: int, season: int) -> np.ndarray:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    out = np.full((len(cuts), horizon), np.nan)
    seasonal = season > 1 and cuts[0] >= 2 * season + 2
    shape = {
        "trend": "add",
        "damped_trend": True,
        "seasonal": "add" if seasonal else None,
        "seasonal_periods": season if seasonal else None,
    }
    p: dict[str, object] = {}
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
    return out


def _theta(values: np.ndarray, cuts: Sequence[int], horizon: int, season: int) -> np.ndarray:
    from statsmodels.tsa.forecasting.theta import ThetaModel

    out = np.full((len(cuts), horizon), np.nan)
    for i, cut in enumerate(cuts):
        seasonal = season > 1 and cut >= 2 * season
        model = ThetaModel(values[:cut], period=season if seasonal else 1, deseasonalize=seasonal)
        forecast = np.asarray(model.fit(use_mle=False).forecast(horizon))
        out[i] = _guard(forecast, values[:cut])
    return out


_FITTERS = {"ets": _ets, "theta": _theta}


def _fit_series(values: np.ndarray, cuts: Sequence[int], horizon: int, season: int) -> np.ndarray:
    """Forecasts of every model at every cut, shape (len(MODELS), len(cuts), horizon)."""
    out = np.full((len(MODELS), len(cuts), horizon), np.nan)
    if cuts[0] < MIN_PERIODS:
        return out
    for m, name in enumerate(MODELS):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # A failed fit leaves NaN: the caller uses the other candidates.
            # statsmodels raises many kinds of errors on odd series; any of them means
            # "no forecast from this model", never a failed run.
            with contextlib.suppress(Exception):
                out[m] = _FITTERS[name](values, cuts, horizon, season)
    return out


def _fit_chunk(
    rows: list[np.ndarray], cuts: list[list[int]], horizon: int, season: int
) -> np.ndarray:
    return np.stack([_fit_series(v, c, horizon, season) for v, c in zip(rows, cuts, strict=True)])


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
    """
    n = len(y)
    out = np.full((len(MODELS), n, len(origins), horizon), np.nan)
    if n == 0:
        return out
    rows = [y[i, start[i] :] for i in range(n)]
    cuts = [[max(o - int(start[i]), 0) for o in origins] for i in range(n)]
    chunks = [range(i, min(i + CHUNK, n)) for i in range(0, n, CHUNK)]
    workers = workers or default_workers()
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
    for c, result in zip(chunks, results, strict=True):
        out[:, c.start : c.stop] = result.transpose(1, 0, 2, 3)
    return out
