"""The smooth-series models of the best sellers, exponential smoothing and Theta, for a panel.

:func:`fit_smooth_states` forecasts every series from several origins with both models
and keeps each fit as a state (:class:`~forecaster.models.smooth_states.SmoothStates`),
by one of two engines (``forecast.smooth_engine``):

* ``"vectorised"`` (the default): :mod:`forecaster.models.ets` and
  :mod:`forecaster.models.theta` fit every series at once with numpy (a grid and a
  local search for the parameters, scored on all series together), in this process;
* ``"statsmodels"``: :mod:`forecaster.models.smooth_statsmodels`, one statsmodels fit
  per series in a process pool, the reference the vectorised engine is tested against.

Both fit the same models the same way -- ETS estimated on the data up to the first
origin and filtered with those parameters to the later ones, Theta refitted at every
origin -- and guard their forecasts alike (:mod:`forecaster.models.smooth_rules`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from forecaster.models.ets import ets_panel
from forecaster.models.smooth_rules import ABSURD, MIN_PERIODS, MODELS
from forecaster.models.smooth_states import NO_ORIGIN, SmoothStates
from forecaster.models.smooth_statsmodels import statsmodels_states
from forecaster.models.theta import theta_panel

__all__ = [
    "ABSURD", "ENGINES", "MIN_PERIODS", "MODELS", "NO_ORIGIN", "SmoothEngine", "SmoothStates",
    "fit_smooth", "fit_smooth_states",
]  # fmt: skip

#: How the smooth models are fitted (see the module docstring).
SmoothEngine = Literal["vectorised", "statsmodels"]
ENGINES: tuple[SmoothEngine, ...] = ("vectorised", "statsmodels")


def fit_smooth(
    y: np.ndarray,
    start: np.ndarray,
    origins: Sequence[int],
    horizon: int,
    season: int,
    workers: int = 0,
    engine: SmoothEngine = "vectorised",
) -> np.ndarray:
    """Forecast every row of ``y`` with the smooth models from several origins.

    The forecasts of :func:`fit_smooth_states` (see there), without the states.
    """
    return fit_smooth_states(y, start, origins, horizon, season, workers, engine)[0]


def fit_smooth_states(
    y: np.ndarray,
    start: np.ndarray,
    origins: Sequence[int],
    horizon: int,
    season: int,
    workers: int = 0,
    engine: SmoothEngine = "vectorised",
) -> tuple[np.ndarray, SmoothStates]:
    """Forecast every row of ``y`` with the smooth models from several origins.

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
        Processes of the statsmodels engine (0: one per core; 1: no pool); the
        vectorised engine runs in this process.
    engine
        ``"vectorised"`` or ``"statsmodels"`` (module docstring).

    Returns
    -------
    ndarray
        Shape (len(MODELS), n, len(origins), horizon); NaN where a model could
        not be fitted (fewer than :data:`MIN_PERIODS` periods before the first
        origin, failure or absurd output).
    SmoothStates
        Each model's state at each origin, per row.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown smooth engine {engine!r}; expected one of {list(ENGINES)}")
    if engine == "statsmodels":
        return statsmodels_states(y, start, origins, horizon, season, workers)
    n = len(y)
    out = np.full((len(MODELS), n, len(origins), horizon), np.nan)
    states = SmoothStates.empty(n, len(origins), season)
    states.at[:] = np.asarray(origins, dtype=int)[None, :]
    if n == 0 or not len(origins):
        return out, states
    start = np.asarray(start, dtype=int)
    cuts = np.maximum(np.asarray(origins, dtype=int)[None, :] - start[:, None], 0)
    # each series from its first period on (left-aligned), as far as its last cut
    width = int(cuts.max())
    taken = np.clip(start[:, None] + np.arange(width)[None, :], 0, max(y.shape[1] - 1, 0))
    values = np.where(
        np.arange(width)[None, :] < cuts[:, -1:], y[np.arange(n)[:, None], taken], 0.0
    )
    out[0], states.ets[:] = ets_panel(values, cuts, horizon, season)
    out[1], states.theta[:] = theta_panel(values, cuts, horizon, season)
    return out, states
