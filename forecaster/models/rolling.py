"""Forecast the same units week after week, estimating the statsmodels models only now and then.

A replay (``forecaster simulate``) plans the shop at every weekly review. A
full fit of the engine (:func:`forecaster.models.selection.fit_periods`) spends
nearly all its time estimating ETS and Theta for the best sellers
(:mod:`forecaster.models.smooth`: one numerical optimisation per model, series
and origin); the rest -- every vectorised candidate at every validation origin,
the choice, the error model -- takes a few percent of it. :class:`RollingEngine`
therefore estimates ETS and Theta every ``refit_weeks`` weeks only. At the
reviews in between it runs the same :func:`~forecaster.models.selection.fit_periods`
on the data up to the review -- validation at the review's own origins, the
choice of each series' candidates, the error model, all as a full fit does --
except that ETS and Theta are not estimated again: they forecast from the states
of the last full fit (:meth:`forecaster.models.smooth.SmoothStates.forecast`),
filtering the weeks from the fitted origin before each of the review's origins
with their fitted parameters. ETS then is exactly what the full fit's later
origins are (its parameters fixed at the first origin's estimate); Theta keeps
its drift, SES constant and seasonal indices and updates its SES level. A
forecast from an origin only filters data before it, and the fitted states
saw only data before their own origins, so no forecast sees a period after
its origin, and none a day after the review.

A planner's models are not re-estimated every week either; what changes from
week to week -- the level, the choice among the candidates, the error model,
and downstream the stock, the open orders and the whole policy -- is
recomputed at every review. A series that becomes a best seller between two
full fits has no ETS or Theta until the next one.

A fit can be used only by whole weeks later (the engine's weekly buckets end on
the planning day), for the same planning units, forecast settings and horizon;
otherwise the engine fits in full.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import ForecastSettings, Settings
from forecaster.models.engine import forecast_units
from forecaster.models.forecast import Forecast
from forecaster.models.panel import PeriodsModel
from forecaster.models.selection import (
    Options,
    PeriodForecast,
    SmoothModels,
    fit_periods,
)
from forecaster.models.smooth import MODELS, SmoothStates
from forecaster.parallel import Runner
from forecaster.units import KEY

__all__ = ["RollingEngine", "fitted_smooth"]


def fitted_smooth(states: SmoothStates, shift: int) -> SmoothModels:
    """The statsmodels forecasts of :func:`~forecaster.models.selection.fit_periods` from
    ``states`` fitted ``shift`` periods earlier, without estimating anything.

    Period ``p`` of the panel now is period ``p + shift`` of the fitted one. A
    series without a fitted state gets no forecast (NaN), and no new states are made.
    """

    def forecast(
        y: np.ndarray,
        rows: np.ndarray,
        start: np.ndarray,
        origins: list[int],
        horizon: int,
        season: int,
        workers: int,
    ) -> tuple[np.ndarray, SmoothStates]:
        if season != states.season:
            raise ValueError(f"the states have season {states.season}, the panel {season}")
        mine, panel = states.rows(rows), y[rows]
        out = np.stack(
            [
                np.stack([mine.forecast(m, panel, o, shift, horizon) for o in origins], axis=1)
                for m in MODELS
            ]
        )
        return out, SmoothStates.empty(len(rows), 0, season)

    return forecast


class RollingEngine:
    """:func:`~forecaster.models.engine.forecast_units` for a run of planning dates, with
    ETS and Theta estimated every ``refit_weeks`` weeks (see the module docstring).

    Call :meth:`forecast_units` in date order. With ``refit_weeks = 1`` every
    date is a full fit: exactly :func:`~forecaster.models.engine.forecast_units`.

    Attributes
    ----------
    refit_weeks
        Weeks between full fits.
    fits, rolls
        Forecasts made so far with a full fit, and from the states of an earlier one.
    """

    def __init__(self, refit_weeks: int = 1) -> None:
        if refit_weeks < 1:
            raise ValueError(f"refit_weeks must be at least 1, got {refit_weeks}")
        self.refit_weeks = refit_weeks
        self.fits = 0
        self.rolls = 0
        self._states: SmoothStates | None = None
        self._fitted: tuple[pd.Timestamp, np.ndarray, int, ForecastSettings] | None = None

    def forecast_units(
        self,
        sales: pd.DataFrame,
        units: pd.DataFrame,
        promotions: pd.DataFrame,
        as_of: pd.Timestamp,
        settings: Settings,
        horizon: int,
        *,
        runner: Runner | None = None,
    ) -> Forecast:
        """As :func:`~forecaster.models.engine.forecast_units`; ETS and Theta are estimated
        when a full fit is due, else forecast from the last full fit's states (the whole
        panel one chunk: the states index it)."""
        weeks = self._weeks_since_fit(units, as_of, settings, horizon)
        if weeks is not None and weeks < self.refit_weeks and self._states is not None:
            self.rolls += 1
            periods = _with_smooth(fitted_smooth(self._states, weeks))
            return forecast_units(
                sales, units, promotions, as_of, settings, horizon, periods, runner
            )
        self._states = None
        forecast = forecast_units(
            sales, units, promotions, as_of, settings, horizon, self._fit_in_full, runner
        )
        self._fitted = (as_of, units[KEY].to_numpy(), horizon, settings.forecast)
        self.fits += 1
        return forecast

    def _fit_in_full(
        self,
        y: np.ndarray,
        horizon: int,
        season: int,
        start: np.ndarray | None = None,
        options: Options | None = None,
        partial: np.ndarray | None = None,
        groups: np.ndarray | None = None,
        own: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> PeriodForecast:
        """:func:`~forecaster.models.selection.forecast_periods`, keeping the fit's states."""
        fit = fit_periods(y, horizon, season, start, options, partial, groups, own)
        self._states = fit.smooth
        return fit.forecast

    def _weeks_since_fit(
        self, units: pd.DataFrame, as_of: pd.Timestamp, settings: Settings, horizon: int
    ) -> int | None:
        """Whole weeks from the last full fit to ``as_of``; None when its states do not apply."""
        if self._fitted is None:
            return None
        fitted_as_of, keys, fitted_horizon, fitted_settings = self._fitted
        days = int((as_of - fitted_as_of).days)
        now = units[KEY].to_numpy()
        same_units = keys.shape == now.shape and bool((keys == now).all())
        if days < 0 or days % 7 or not same_units or horizon != fitted_horizon:
            return None
        return days // 7 if settings.forecast == fitted_settings else None


def _with_smooth(smooth: SmoothModels) -> PeriodsModel:
    """:func:`~forecaster.models.selection.forecast_periods` with these statsmodels forecasts."""

    def periods(
        y: np.ndarray,
        horizon: int,
        season: int,
        start: np.ndarray | None = None,
        options: Options | None = None,
        partial: np.ndarray | None = None,
        groups: np.ndarray | None = None,
        own: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> PeriodForecast:
        fit = fit_periods(y, horizon, season, start, options, partial, groups, own, smooth)
        return fit.forecast

    return periods
