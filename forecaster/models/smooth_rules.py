"""What every fit of the smooth-series models (ETS, Theta) shares, whichever engine makes it.

* A series needs :data:`MIN_PERIODS` periods before its first origin to be fitted.
* A forecast is kept only when it is finite and sane: above :data:`ABSURD` x the
  largest value the series has shown (at least 1), or below zero by as much, it
  is no forecast (NaN) and the caller falls back to the other candidates; a
  small negative value is rounding and is clipped to 0.
"""

from __future__ import annotations

import numpy as np

#: Forecasts above this multiple of the largest value seen count as absurd.
ABSURD = 10.0
#: Fewest periods of history for a fit.
MIN_PERIODS = 10
#: The smooth-series models, in the order their forecasts are stacked.
MODELS = ("ets", "theta")


def guard(forecast: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``forecast`` of one series clipped at zero, or NaN when it is not finite or absurd.

    >>> guard(np.array([3.0, -1e-9]), np.array([2.0, 4.0]))
    array([3., 0.])
    >>> guard(np.array([41.0]), np.array([2.0, 4.0]))
    array([nan])
    """
    top = np.array([values.max(initial=0.0)])
    return np.asarray(guard_rows(forecast[None, :], top)[0])


def guard_rows(forecast: np.ndarray, top: np.ndarray) -> np.ndarray:
    """:func:`guard` per row of ``forecast`` (n, h), ``top`` (n,) the largest value each
    row has seen (NaN counts as 0)."""
    limit = ABSURD * np.maximum(np.nan_to_num(top), 1.0)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(forecast).all(axis=1)
        bad |= forecast.max(axis=1, initial=0.0) > limit
        bad |= forecast.min(axis=1, initial=0.0) < -limit
    return np.where(bad[:, None], np.nan, np.maximum(forecast, 0.0))
