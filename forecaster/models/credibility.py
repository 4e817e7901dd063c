"""New and short-history series borrow their group's rate: Bühlmann credibility.

A series too young for its models to be validated (no usable rolling origin,
:mod:`forecaster.models.selection`) has only a few periods -- sometimes a few
days -- of its own. Its rate measured over them is mostly noise: wholesale
demand comes in orders, and a launch often opens with one big one. Its forecast
is instead the credibility-weighted mean

    rate = Z x own + (1 - Z) x group,    Z = E / (E + K),

of its own rate over its ``E`` periods of evidence and the mean rate of the
*established* series of its group: its category, or the whole panel where the
category has fewer than :data:`MIN_SERIES` established series (with fewer in
the panel too, the series keeps its own rate). ``K``, in periods, is
Bühlmann's ratio of the expected process variance (how much an established
series' periods vary around its own mean) to the variance of the hypothetical
means (how much the established series' rates differ, beyond the noise of
measuring them; relative to the group's rate, pooled over all groups, since a
handful of series per category cannot measure a variance):

* a group of lumpy series whose rates are alike has a large ``K``: a new
  series' first orders say little, and it keeps the group's rate for long;
* a group of steady series with very different rates has a small ``K``: a
  few periods already tell the series' own rate.

``K`` is ``d x rate / VHM`` with ``d`` the units per independent sale (variance
over mean of a period); a new series with two periods or more scales it to its
own ``d`` (Bühlmann-Straub with the series' own process variance,
:meth:`Prior.per_sale`): a launch that sells a few units every day is credible
within days, one whose first days were a single big order is not.

Measured on Online Retail II (every product, weekly as-of dates, 3,299 cases
of a product first sold within the last 28 days; the units of its next 28
days): the own rate of the days on sale was 702% high (RMSE 432 units), the
own rate after the first sale 21% low (RMSE 68.1), the category's rate 14%
high (47.0), the credibility mean with the category's units per sale 4% low
(60.0) and with each product's own 27% low (46.5, the least). Young products
ramp up, so their own rate so far is low; the credibility mean does not model
that launch curve.

The predictive variance of a total over ``j`` periods adds, to the process
variance ``j x d x rate`` (``d`` its units per sale, :meth:`Prior.sale_size`),
the uncertainty of the rate itself, ``j^2 x (1 - Z) x VHM``: a new series'
total is uncertain because its rate is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Fewest established series for a group to have a prior of its own (else the panel's), and for
#: the panel to have one (else a new series keeps its own rate): a variance of rates wants several.
MIN_SERIES = 5
#: Fewest periods on sale for a series to count as established in the priors; a quarter of
#: the seasonal period where that is more (13 weeks, 3 months).
ESTABLISHED_PERIODS = 4
#: Most recent periods of an established series that measure its rate and variance.
RECENT_PERIODS = 52


@dataclass(frozen=True)
class Prior:
    """Each series' group prior.

    Attributes
    ----------
    rate
        Mean rate per period of the group's established series, shape (n,);
        NaN where no group (nor the panel) has established series.
    k
        Bühlmann's ``K`` in periods, shape (n,): the exposure at which a series'
        own rate weighs as much as its group's.
    process_var
        Expected process variance per period of the group (``EPV``), shape (n,).
    rate_var
        Variance of the group's series' rates (``VHM``), shape (n,).
    pooled
        True where the group had too few established series and the figures
        are the whole panel's, shape (n,).
    """

    rate: np.ndarray
    k: np.ndarray
    process_var: np.ndarray
    rate_var: np.ndarray
    pooled: np.ndarray | None = None
    units_per_sale: np.ndarray | None = None

    def sale_size(self) -> np.ndarray:
        """Units per independent sale of each series: its own (:meth:`per_sale`), else its
        group's ``EPV / rate`` (1 without a prior)."""
        if self.units_per_sale is not None:
            return self.units_per_sale
        out = np.ones(len(self.k))
        return np.asarray(np.divide(self.process_var, self.rate, out=out, where=self.rate > 0))

    def per_sale(self, units_per_sale: np.ndarray) -> Prior:
        """The prior with each series' ``K`` scaled to its own units per sale.

        ``K = d x rate / VHM`` takes the group's ``d``; a series whose own
        periods vary less (a launch selling a few units every day) has a
        smaller process variance, so its rate is credible sooner, and one
        whose few sales were big orders a larger. ``units_per_sale`` is NaN
        where a series has too little history to tell (it keeps the group's).

        >>> p = Prior(np.array([4.0, 4.0]), np.array([10.0, 10.0]), np.array([20.0, 20.0]),
        ...           np.ones(2))
        >>> p.per_sale(np.array([1.0, np.nan])).k.tolist()  # the group's d is 20 / 4 = 5
        [2.0, 10.0]
        """
        group = self.sale_size()
        own = np.where(np.isnan(units_per_sale), group, units_per_sale)
        scale = np.divide(own, group, out=np.ones(len(self.k)), where=group > 0)
        k = self.k * scale
        return Prior(self.rate, k, self.process_var, self.rate_var, self.pooled, own)

    def weight(self, exposure: np.ndarray) -> np.ndarray:
        """``Z = E / (E + K)``: the weight of a series' own rate after ``exposure`` periods.

        1 where there is no prior (the series' own rate is all there is).

        >>> p = Prior(np.array([3.0, np.nan]), np.array([10.0, 5.0]), np.ones(2), np.ones(2))
        >>> p.weight(np.array([10.0, 1.0])).tolist()
        [0.5, 1.0]
        """
        e = np.maximum(np.asarray(exposure, dtype=float), 0.0)
        z = np.divide(e, e + self.k, out=np.ones(len(e)), where=(e + self.k) > 0)
        return np.asarray(np.where(np.isnan(self.rate), 1.0, z))


def is_established(periods: np.ndarray, season: int = 1) -> np.ndarray:
    """Whether series with ``periods`` periods on sale are established: at least
    :data:`ESTABLISHED_PERIODS`, and a quarter of the seasonal period where that is more.

    >>> is_established(np.array([3, 4, 12, 13]), season=52).tolist()
    [False, False, False, True]
    """
    return np.asarray(periods) >= max(ESTABLISHED_PERIODS, season // 4)


def group_prior(
    y: np.ndarray, start: np.ndarray, groups: np.ndarray | None, season: int = 1
) -> Prior:
    """Each series' :class:`Prior` from the established series of its group (module docstring).

    ``y`` is demand per period (n, T), ``start`` each series' first period
    (of its fits), ``groups`` a label per series (None: one group). A series is
    established with a quarter of a ``season`` of periods from its start (at
    least :data:`ESTABLISHED_PERIODS`); its last
    :data:`RECENT_PERIODS` of them give its mean ``m_i`` and variance ``s_i^2``
    over ``T_i`` periods. A series' variance grows with its rate (units come
    in orders: ``s_i^2 = d_i x m_i``, ``d_i`` the units per independent sale),
    so the process variance is taken as ``d x m`` with ``d`` the group's median
    ``d_i`` -- a mean of ``s_i^2`` would be set by the few biggest series. Per
    group ``EPV = d x mean(m_i)`` and ``var(m_i) - d x mean(m_i / T_i)`` estimates
    the variance of its rates; relative to the group's squared rate it is pooled over
    the groups (:func:`pooled_spread`), and ``VHM`` is that pooled figure times the
    group's squared rate. The panel's prior (for the groups with too few established
    series) keeps the panel's own spread, which holds the differences between groups.
    ``VHM`` is at least a millionth of the squared mean rate, so ``K`` stays finite.

    In the example five series of 20 periods sell 2, 6, 2, 6 and 4 a period,
    alternating by 1 (``s^2 = 20 / 19``; ``d_i`` = 0.526, 0.175, 0.526, 0.175,
    0.263, median 0.263): ``EPV = 0.263 x 4``, ``VHM = 4 - 0.263 x 4 / 20``. The
    sixth, 3 periods old, is not established.

    >>> y = np.array([[1.0, 3] * 10, [5.0, 7] * 10] * 2 + [[3.0, 5] * 10, [0.0] * 17 + [9, 0, 9]])
    >>> p = group_prior(y, np.array([0, 0, 0, 0, 0, 17]), None)
    >>> p.rate.tolist()[0], round(float(p.process_var[0]), 3), round(float(p.rate_var[0]), 3)
    (4.0, 1.053, 3.947)
    """
    n, t = y.shape
    labels = np.zeros(n, dtype=int) if groups is None else np.unique(groups, return_inverse=True)[1]
    established = is_established(np.maximum(t - np.asarray(start), 0), season)
    window = min(t, RECENT_PERIODS)
    cols = np.arange(t - window, t)
    on = cols[None, :] >= np.asarray(start)[:, None]
    count = on.sum(axis=1)
    recent = np.where(on, y[:, t - window :], 0.0)
    mean = np.divide(recent.sum(axis=1), count, out=np.zeros(n), where=count > 0)
    spread = np.where(on, (y[:, t - window :] - mean[:, None]) ** 2, 0.0).sum(axis=1)
    var = np.divide(spread, count - 1, out=np.zeros(n), where=count > 1)

    def moments(members: np.ndarray) -> tuple[float, float, float]:
        """Rate, EPV and the unfloored VHM of the established series ``members``."""
        m, s2, c = mean[members], var[members], count[members]
        rate = float(m.mean())
        sold = m > 0
        d = float(np.median(s2[sold] / m[sold])) if sold.any() else 0.0
        return rate, d * rate, float(m.var(ddof=1)) - d * float((m / c).mean())

    groups_of = {g: established & (labels == g) for g in np.unique(labels)}
    own = {g: moments(rows) for g, rows in groups_of.items() if rows.sum() >= MIN_SERIES}
    spread = pooled_spread(own, {g: int(groups_of[g].sum()) for g in own})
    panel = moments(established) if established.sum() >= MIN_SERIES else None
    out = np.full((4, n), np.nan)
    pooled = np.zeros(n, dtype=bool)
    for g in groups_of:
        figures = own.get(g, panel)
        if figures is None:
            continue
        rate, epv, vhm = figures
        vhm = spread * rate**2 if g in own else vhm
        vhm = max(vhm, 1e-6 * rate**2, 1e-12)
        rows = labels == g
        out[:, rows] = np.array([rate, epv / vhm, epv, vhm])[:, None]
        pooled[rows] = g not in own
    return Prior(out[0], out[1], out[2], out[3], pooled)


def pooled_spread(
    figures: dict[object, tuple[float, float, float]], sizes: dict[object, int]
) -> float:
    """The variance of rates relative to their group's squared mean, pooled over the groups.

    ``figures`` holds each group's ``(rate, EPV, VHM)``, ``sizes`` its established
    series; each group's ``VHM / rate^2`` weighs its series less one (its degrees of
    freedom). Five or ten series cannot measure a variance: a category whose few
    established products happen to sell alike would otherwise hold a hit launch at
    its rate for months (on Online Retail a lunch box selling 98 a week against its
    category's 22 kept 18% of its own rate after 12 weeks).

    >>> pooled_spread({"a": (4.0, 1.0, 4.0), "b": (10.0, 1.0, 0.0)}, {"a": 5, "b": 3})
    0.1666...
    """
    num = sum((sizes[g] - 1) * vhm / rate**2 for g, (rate, _, vhm) in figures.items() if rate > 0)
    den = sum(sizes[g] - 1 for g, (rate, _, _) in figures.items() if rate > 0)
    return max(num / den, 0.0) if den > 0 else 0.0
