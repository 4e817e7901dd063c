"""The daily forecast of every planning unit, and totals over any span of days.

:class:`Forecast` holds each unit's expected demand per day and the variance
of its *total* demand from the first forecast day to each later day, as the
engine's error model gives it (:mod:`forecaster.models.selection`): totals
over a protection period come from that variance, never from adding up daily
quantiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from forecaster.config import Lang
from forecaster.glossary import say
from forecaster.models.distributions import count_quantiles
from forecaster.models.selection import BORROWED, BORROWED_PANEL

#: Units whose days are worked on at a time by the per-unit sums over the horizon.
_ROWS_AT_A_TIME = 4_096


@dataclass(frozen=True)
class Forecast:
    """Daily demand forecast of every planning unit.

    Attributes
    ----------
    start
        Date of the first forecast day (the day after the as-of date).
    mean
        Expected units per day, shape (n_units, horizon).
    cum_var
        Variance of the total demand from the first forecast day to day ``k - 1``
        in column ``k``, shape (n_units, horizon + 1); column 0 is 0.
    model
        Name of the model used per unit, shape (n_units,).
    demand_class
        Syntetos-Boylan demand class per unit (smooth, erratic, intermittent,
        lumpy, none), shape (n_units,); None when the forecast was given.
    history
        The daily demand the forecast was fitted on, promotion days cleaned out,
        ending on the as-of date; NaN before a unit went on sale. Shape
        (n_units, history days); None when the forecast was given. The
        empirical safety stock of intermittent units reads its shape.
    own_weight
        Per unit, the weight of its own rate in the forecast: 1 for a unit
        whose models were validated on its history, less for a new one whose
        forecast borrows its category's rate (:mod:`forecaster.models.credibility`);
        None when the forecast was given.
    evidence_days
        Per unit, the days of its own sales a new unit's rate was measured over
        (NaN for the others); None when the forecast was given.
    festivals
        The recurring festivals the forecast applied and what their uplift was
        learned from (:data:`forecaster.models.engine.FESTIVAL_COLUMNS`); None
        when the forecast was given.
    uplift
        Per unit and day, the promotion multiplier already in ``mean`` (1: no
        promotion), shape (n_units, horizon), float32; None when no promotion
        falls inside the horizon or the forecast was given.
    """

    start: pd.Timestamp
    mean: np.ndarray
    cum_var: np.ndarray
    model: np.ndarray
    demand_class: np.ndarray | None = None
    history: np.ndarray | None = None
    own_weight: np.ndarray | None = None
    evidence_days: np.ndarray | None = None
    festivals: pd.DataFrame | None = None
    uplift: np.ndarray | None = None

    def promotion_share(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per unit, the units promotions add to its first ``days`` days of forecast and the
        largest promotion multiplier among those days (0 and 1 without a promotion).

        >>> f = Forecast(pd.Timestamp("2026-11-01"), np.full((1, 4), 10.0), np.zeros((1, 5)),
        ...              np.array(["x"]), uplift=np.array([[1.0, 2.0, 4.0, 1.0]], np.float32))
        >>> [a.tolist() for a in f.promotion_share(np.array([3]))]
        [[12.5], [4.0]]
        """
        n, horizon = self.mean.shape
        if self.uplift is None:
            return np.zeros(n), np.ones(n)
        days = np.asarray(days)
        added, largest = np.zeros(n), np.ones(n)
        for start in range(0, n, _ROWS_AT_A_TIME):  # bounded temporaries in a large shop
            rows = slice(start, start + _ROWS_AT_A_TIME)
            inside = np.arange(horizon)[None, :] < days[rows, None]
            factor = self.uplift[rows].astype(float)
            share = np.where(inside, self.mean[rows] * (1.0 - 1.0 / factor), 0.0)
            added[rows] = share.sum(axis=1)
            largest[rows] = np.where(inside, factor, 1.0).max(axis=1, initial=1.0)
        return added, largest

    @property
    def borrowed(self) -> np.ndarray:
        """Per unit, True where the forecast borrows from its category (new units)."""
        return np.isin(self.model, (BORROWED, BORROWED_PANEL))

    def basis(self, categories: np.ndarray, lang: Lang) -> np.ndarray:
        """Per unit, in ``lang``, what a borrowed forecast stands on ("" for the others).

        E.g. "new: 1 d of its own sales, 98% of the forecast borrowed from category bags".
        """
        out = np.full(self.mean.shape[0], "", dtype=object)
        if self.own_weight is None or self.evidence_days is None:
            return out
        for i in np.flatnonzero(self.borrowed):
            key = "basis.shop" if self.model[i] == BORROWED_PANEL else "basis.category"
            days = round(float(self.evidence_days[i]), 1)
            share = 1 - float(self.own_weight[i])
            out[i] = say(key, lang, days=days, share=share, category=categories[i])
        return out

    @classmethod
    def independent_days(
        cls, start: pd.Timestamp, mean: np.ndarray, cv: np.ndarray, model: np.ndarray
    ) -> Forecast:
        """A forecast whose days are independent with standard deviation ``cv x mean``.

        ``cv`` has shape (n_units,). The simplest error model: hand-computed
        tests and textbook cases use it.
        """
        daily = (np.asarray(cv, dtype=float)[:, None] * mean) ** 2
        return cls(start, mean, _cumulative(daily), model)

    @property
    def horizon(self) -> int:
        return int(self.mean.shape[1])

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
        var = _span(self.cum_var, self.cum_var[:, -1] - self.cum_var[:, -2], lo, hi)
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
        return np.diff(self._cum_mean[:, edges], axis=1), np.diff(self.cum_var[:, edges], axis=1)

    def summed(self, groups: np.ndarray) -> Forecast:
        """The forecast of group totals: units with the same ``groups`` code added up.

        ``groups`` holds codes 0..g-1 per unit (e.g. from ``pd.factorize`` of the
        SKU, to pool a SKU's warehouses). Means add; variances add too, which
        takes the units' errors as independent. The model column is empty, and
        the total has no demand class or history.
        """
        groups = np.asarray(groups)
        n_groups = int(groups.max(initial=-1)) + 1
        order = np.argsort(groups, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(groups[order]) != 0])
        sorted_ = np.array_equal(order, np.arange(len(groups)))

        def add(values: np.ndarray) -> np.ndarray:
            rows = values if sorted_ else values[order]
            if len(rows) == 0:
                return np.zeros((0, values.shape[1]))
            return np.add.reduceat(rows, starts, axis=0)

        return Forecast(
            self.start, add(self.mean), add(self.cum_var), np.full(n_groups, "", dtype=object)
        )

    # Cumulative means, built once per forecast: every span and period query is a
    # difference of two columns.
    @cached_property
    def _cum_mean(self) -> np.ndarray:
        return _cumulative(self.mean)


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
