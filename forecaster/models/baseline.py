"""The baseline forecast: a promotion-aware moving average with a count error model.

For each unit the *level* is the mean daily demand over the last
``history_days`` days on which the unit was on sale and not on promotion.
The future mean of day ``t`` is ``level x uplift_t`` (``uplift_t`` = 1 outside
known promotions). Day-to-day demand has the standard deviation observed over
the same days, never less than the Poisson value ``sqrt(level)``; days are
treated as independent, so the demand over a period of several days has the
sum of the days' variances.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from forecaster.models.distributions import count_quantiles

MODEL = "moving_average"


@dataclass(frozen=True)
class Forecast:
    """Daily demand forecast of every planning unit.

    Attributes
    ----------
    start
        Date of the first forecast day (the day after the as-of date).
    mean
        Expected units per day, shape (n_units, horizon).
    cv
        Coefficient of variation of one day's demand, shape (n_units,): the
        standard deviation of day ``t`` is ``cv x mean[:, t]``.
    model
        Name of the model used per unit, shape (n_units,).
    """

    start: pd.Timestamp
    mean: np.ndarray
    cv: np.ndarray
    model: np.ndarray

    @property
    def horizon(self) -> int:
        return int(self.mean.shape[1])

    def variance(self) -> np.ndarray:
        """Variance of each day's demand, shape (n_units, horizon)."""
        return np.asarray((self.cv[:, None] * self.mean) ** 2)

    def total(
        self, days: np.ndarray, offset: np.ndarray | int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of total demand over a span of days per unit.

        Parameters
        ----------
        days
            Length of the span per unit, in days (shape (n_units,) or scalar).
        offset
            First day of the span, counted from :attr:`start` (0 = the first forecast day).

        Returns
        -------
        mean, sd
            Units over the span, shape (n_units,). Days past the horizon count
            as the horizon's last day.
        """
        n = self.mean.shape[0]
        days = np.broadcast_to(np.asarray(days, dtype=int), (n,))
        offset = np.broadcast_to(np.asarray(offset, dtype=int), (n,))
        lo, hi = offset, offset + days
        last = self.mean[:, -1]
        mean = _span(self._cum_mean, last, lo, hi)
        var = _span(self._cum_var, (self.cv * last) ** 2, lo, hi)
        return mean, np.sqrt(var)

    def period_quantiles(self, edges: np.ndarray, q: float) -> np.ndarray:
        """The ``q`` quantile of total demand in consecutive periods.

        ``edges`` are day offsets from :attr:`start`: period ``k`` covers days
        ``edges[k]`` to ``edges[k+1] - 1``. Returns shape (n_units, len(edges) - 1).
        """
        mean, var = self.period_moments(edges)
        return count_quantiles(mean, var, q)

    def period_moments(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of total demand per period (see :meth:`period_quantiles`)."""
        edges = np.asarray(edges)
        return np.diff(self._cum_mean[:, edges], axis=1), np.diff(self._cum_var[:, edges], axis=1)

    # Cumulative sums over the horizon, built once per forecast: every span and
    # period query is a difference of two columns.
    @cached_property
    def _cum_mean(self) -> np.ndarray:
        return _cumulative(self.mean)

    @cached_property
    def _cum_var(self) -> np.ndarray:
        return _cumulative(self.variance())


def _cumulative(daily: np.ndarray) -> np.ndarray:
    """Cumulative sums with a leading zero column: ``c[:, k]`` = sum of days 0..k-1."""
    out = np.zeros((daily.shape[0], daily.shape[1] + 1))
    np.cumsum(daily, axis=1, out=out[:, 1:])
    return out


def _span(cum: np.ndarray, last_day: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Sum of days ``lo`` to ``hi - 1`` per row; days past the horizon repeat ``last_day``."""
    horizon = cum.shape[1] - 1
    rows = np.arange(cum.shape[0])
    inside_hi = np.minimum(hi, horizon)
    inside_lo = np.minimum(lo, horizon)
    total = cum[rows, inside_hi] - cum[rows, inside_lo]
    beyond = np.maximum(hi - np.maximum(lo, horizon), 0)
    return np.asarray(total + beyond * last_day)


def moving_average(
    history: np.ndarray, usable: np.ndarray, uplift: np.ndarray, start: pd.Timestamp
) -> Forecast:
    """Forecast each unit's daily demand as the mean of its usable recent days.

    Parameters
    ----------
    history
        Daily demand, shape (n_units, history_days), oldest day first.
    usable
        Boolean, same shape: days the unit was on sale and not on promotion.
        A unit with no usable day gets a zero forecast.
    uplift
        Demand multiplier per future day, shape (n_units, horizon).
    start
        The first forecast day.

    Examples
    --------
    >>> f = moving_average(np.array([[2.0, 4.0, 6.0]]), np.ones((1, 3), bool),
    ...                    np.array([[1.0, 3.0]]), pd.Timestamp("2026-01-01"))
    >>> f.mean.tolist()
    [[4.0, 12.0]]
    """
    days = usable.sum(axis=1)
    values = np.where(usable, history, 0.0)
    level = np.divide(values.sum(axis=1), days, out=np.zeros(len(days)), where=days > 0)
    squares = np.where(usable, (history - level[:, None]) ** 2, 0.0).sum(axis=1)
    sample_var = np.divide(squares, days - 1, out=np.zeros(len(days)), where=days > 1)
    var = np.maximum(sample_var, level)  # never below Poisson
    cv = np.divide(np.sqrt(var), level, out=np.zeros(len(days)), where=level > 0)
    mean = level[:, None] * uplift
    return Forecast(start=start, mean=mean, cv=cv, model=np.full(len(days), MODEL, dtype=object))
