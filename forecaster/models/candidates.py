"""The candidate models a series can be forecast with, vectorised over a panel.

Every candidate takes ``(y, start, horizon, season)`` -- demand per period of
shape (n, T), each series' first period, the periods to forecast and the
seasonal period -- and returns forecasts of shape (n, horizon), NaN for a
series the candidate cannot forecast (a seasonal candidate with less than a
season of history). They only read periods before ``T``, so calling one on
``y[:, :o]`` gives the forecast from origin ``o``.

* baselines: ``naive`` (last value), ``seasonal_naive`` (the value one season
  earlier), ``seasonal_drift`` (seasonal naive moved by the change in level
  between the last ``window`` periods and the same periods a season earlier),
  ``mean_short`` and ``mean_long`` (averages of the last few periods since the
  series started);
* exponential smoothing and the intermittent-demand family of
  :mod:`forecaster.models.intermittent`: ``ses``, ``croston``, ``sy``
  (Croston with Syntetos' bias correction; SBA's cruder ``1 - alpha / 2`` is
  biased low at short intervals, see :func:`forecaster.models.intermittent.sy`),
  ``tsb`` (constants chosen per series by in-sample one-step error), ``adida``
  and ``imapa`` (alpha 0.1 on the aggregate series: tuning it did not pay on
  the development data).

The statsmodels fits (``ets``, ``theta``) live in :mod:`forecaster.models.smooth`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from forecaster.models import intermittent

Candidate = Callable[[np.ndarray, np.ndarray, int, int], np.ndarray]

#: Periods averaged by ``mean_short`` and ``mean_long`` for each seasonal period.
WINDOWS: dict[int, tuple[int, int]] = {12: (3, 12)}
DEFAULT_WINDOWS = (4, 13)


def _flat(level: np.ndarray, horizon: int) -> np.ndarray:
    return np.repeat(np.asarray(level, dtype=float)[:, None], horizon, axis=1)


def _lengths(y: np.ndarray, start: np.ndarray) -> np.ndarray:
    return np.asarray(np.maximum(y.shape[1] - start, 0))


def naive(y: np.ndarray, start: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The last value (0 for an empty series)."""
    last = y[:, -1] if y.shape[1] else np.zeros(len(y))
    return _flat(np.where(_lengths(y, start) > 0, last, 0.0), horizon)


def seasonal_naive(y: np.ndarray, start: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The value one season before each future period; NaN with less than a season."""
    t = y.shape[1]
    if season <= 1 or t < season:
        return np.full((len(y), horizon), np.nan)
    source = t - season + np.arange(horizon) % season
    out = y[:, source].astype(float)
    out[_lengths(y, start) < season] = np.nan
    return out


def window_mean(y: np.ndarray, start: np.ndarray, window: int, end: int) -> np.ndarray:
    """Mean of the up to ``window`` periods before ``end`` that are on sale (NaN if none)."""
    lo = max(end - window, 0)
    cols = np.arange(lo, end)
    on = cols[None, :] >= start[:, None]
    count = on.sum(axis=1)
    total = np.where(on, y[:, lo:end], 0.0).sum(axis=1)
    return np.asarray(np.divide(total, count, out=np.full(len(y), np.nan), where=count > 0))


def seasonal_drift(y: np.ndarray, start: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Seasonal naive plus the change in level since a season ago (never below 0).

    The change is the mean of the last ``w`` periods minus the mean of the same
    ``w`` periods one season earlier, ``w = min(season, 13)``; it needs a
    season plus ``w`` periods of history.
    """
    t = y.shape[1]
    w = min(season, DEFAULT_WINDOWS[1])
    base = seasonal_naive(y, start, horizon, season)
    if season <= 1 or t < season + w:
        return np.full((len(y), horizon), np.nan)
    recent = window_mean(y, start, w, t)
    before = window_mean(y, start, w, t - season)
    out = np.maximum(base + (recent - before)[:, None], 0.0)
    out[_lengths(y, start) < season + w] = np.nan
    return np.asarray(out)


def _mean(which: int) -> Candidate:
    def mean(y: np.ndarray, start: np.ndarray, horizon: int, season: int) -> np.ndarray:
        window = WINDOWS.get(season, DEFAULT_WINDOWS)[which]
        return _flat(np.nan_to_num(window_mean(y, start, window, y.shape[1])), horizon)

    mean.__doc__ = f"Mean of the last {'short' if which == 0 else 'long'} window since the start."
    return mean


def _flat_model(fit: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Candidate:
    def model(y: np.ndarray, start: np.ndarray, horizon: int, season: int) -> np.ndarray:
        return _flat(fit(y, np.minimum(start, y.shape[1])), horizon)

    return model


CANDIDATES: dict[str, Candidate] = {
    "naive": naive,
    "seasonal_naive": seasonal_naive,
    "seasonal_drift": seasonal_drift,
    "mean_short": _mean(0),
    "mean_long": _mean(1),
    "ses": _flat_model(lambda y, s: intermittent.optimised_forecast("ses", y, s)),
    "croston": _flat_model(lambda y, s: intermittent.optimised_forecast("croston", y, s)),
    "sy": _flat_model(lambda y, s: intermittent.optimised_forecast("sy", y, s)),
    "tsb": _flat_model(lambda y, s: intermittent.optimised_forecast("tsb", y, s)),
    "adida": _flat_model(intermittent.adida_forecast),
    "imapa": _flat_model(intermittent.imapa_forecast),
}
