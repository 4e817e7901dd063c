"""The smooth-series fits of a panel kept as states, to forecast from later origins.

:func:`forecaster.models.smooth.fit_smooth_states` keeps each fit (either engine's) as a
state (:class:`SmoothStates`: its parameters and its state at each origin), so that a
later planning date can forecast from its own origins with the same parameters,
filtering only the periods since the fitted origin before it
(:meth:`SmoothStates.forecast`), as the later validation origins do for ETS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecaster.models.ets import ETS_FIELDS, ets_forecast
from forecaster.models.smooth_rules import MODELS
from forecaster.models.theta import THETA_FIELDS, theta_forecast

#: The origin of a state never fitted: later than any period.
NO_ORIGIN = np.iinfo(np.int64).max // 2


def state_width(model: str, season: int) -> int:
    """Length of a state row of ``model`` for seasonal period ``season``."""
    return len(ETS_FIELDS) + season + 1 if model == "ets" else len(THETA_FIELDS) + season


@dataclass(frozen=True)
class SmoothStates:
    """The smooth-model fits of a panel as states: per series and origin, each model's
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
            np.full((n, origins, state_width("ets", season)), np.nan),
            np.full((n, origins, state_width("theta", season)), np.nan),
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
            raise ValueError(f"unknown smooth model {model!r}; expected one of {list(MODELS)}")
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
            return ets_forecast(state, new, active, horizon, self.season)
        return theta_forecast(state, new, active, horizon, self.season)
