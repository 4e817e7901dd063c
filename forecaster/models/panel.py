"""Forecast a demand matrix of days, weeks or months.

Weekly and monthly matrices go straight to
:func:`forecaster.models.selection.forecast_periods` (seasonal period 52 and
12). A daily matrix is first summed into 7-day buckets ending on its last day:
the models see weekly demand, which is steadier, seven times shorter and has
the yearly season at 52 buckets. The weekly forecast is then spread over the
days of the week by the series' own weekday profile, shrunk towards the
profile of its group (its category, or the whole panel) by as many
pseudo-units as the spread between the series' profiles calls for
(:func:`profile_prior`), so a new or slow series borrows the rhythm of its
peers. The first bucket of a series that started inside the data is left
out of the fits when it opens with a first sale (a sale by construction) or
holds only part of a week (:func:`partial_first_bucket`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from forecaster.models.selection import (
    Options,
    PeriodForecast,
    first_demand,
    fit_from,
    forecast_periods,
    own_rate,
)

MatrixFreq = Literal["D", "W", "M"]
#: The model of the weekly buckets: :func:`~forecaster.models.selection.forecast_periods`'s
#: signature ``(y, horizon, season, start, options, partial, groups, own)``.
PeriodsModel = Callable[
    [
        np.ndarray,
        int,
        int,
        np.ndarray,
        Options | None,
        np.ndarray | None,
        np.ndarray | None,
        tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    ],
    PeriodForecast,
]
SEASONS: dict[str, int] = {"W": 52, "M": 12}
#: Weeks of history that shape the weekday profile.
PROFILE_WEEKS = 52
#: Weeks at the end whose actual totals check the weekday profile learned before them.
PROFILE_CHECK_WEEKS = 8
#: Weights of the weekday profile (against flat) tried per group, the full profile first.
PROFILE_WEIGHTS = (1.0, 0.75, 0.5, 0.25, 0.0)
#: Most pseudo-units of a group's weekday profile given to a series.
MAX_PRIOR = 1e6


def weekly_buckets(y: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum days into 7-day buckets that end on the last day; the oldest ``T % 7`` days drop.

    Returns the buckets (n, T // 7) and each series' first bucket. A series
    that started inside its first bucket has that bucket as it is (a start
    taken from the first sale is a day with a sale: scaling the bucket up
    would inflate every young series) -- unless it is its only bucket, a launch
    of the last few days, which is scaled to a full week.

    >>> days = np.array([[0.0, 0, 0, 0, 0, 3, 1, 1, 1, 1, 1, 1, 1, 1]])
    >>> b, s = weekly_buckets(days, np.array([5]))
    >>> b.tolist(), s.tolist()
    ([[4.0, 7.0]], [0])
    >>> b, s = weekly_buckets(days, np.array([12]))
    >>> b.tolist(), s.tolist()
    ([[0.0, 7.0]], [1])
    """
    n, t = y.shape
    weeks = t // 7
    off = t - 7 * weeks
    on_sale = np.arange(off, t)[None, :] >= start[:, None]
    buckets = np.where(on_sale, y[:, off:], 0.0).reshape(n, weeks, 7).sum(axis=2)
    first = np.clip((start - off) // 7, 0, weeks)
    first = np.where(start >= t, weeks, first)
    days_on = off + 7 * (first + 1) - np.maximum(start, off)
    partial = (first == weeks - 1) & (days_on < 7) & (days_on > 0)
    rows = np.flatnonzero(partial)
    buckets[rows, first[rows]] *= 7.0 / days_on[rows]
    return buckets, first


def partial_first_bucket(y: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per series: does it start inside its first bucket of :func:`weekly_buckets`?

    Such a bucket holds only part of a week's demand. Started from a first sale
    it is also a sale by construction and the fits leave it out anyway; started
    from a launch date it may hold nothing at all, and would lower the level of
    a young series, so the fits leave it out too
    (:func:`forecaster.models.selection.fit_from`; not the oldest bucket, which
    as the start of the data keeps its days).

    >>> days = np.zeros((3, 15))
    >>> partial_first_bucket(days, np.array([4, 8, 0])).tolist()  # buckets start at 1, 8
    [True, False, False]
    """
    t = y.shape[1]
    off = t - 7 * (t // 7)
    return np.asarray((start < t) & ((np.maximum(start, off) - off) % 7 > 0))


def profile_prior(by_day: np.ndarray, squares: np.ndarray, group_share: np.ndarray) -> np.ndarray:
    """Units of its group's weekday profile to mix into each series' own, shape (n,).

    Units come in orders, so a series of ``n`` units over days ``d`` carries
    the information of ``m = n^2 / sum_d y_d^2`` independent units (Kish's
    effective size; ``squares`` holds ``sum_d y_d^2``). Method of moments for
    the Dirichlet-multinomial in effective units: with ``k`` prior units,
    ``E[sum_p (own_p - group_p)^2] = G (m + k) / (m (1 + k))``,
    ``G = sum_p group_p (1 - group_p)``; summing ``m x`` that over the series
    and solving gives the ``k`` the data ask for -- large when the series'
    rhythms differ only by chance, small when they really differ. Back in
    units, series ``i`` gets ``k x n_i / m_i``.

    >>> even = np.full((3, 7), 10.0)  # 70 units each, one unit a day... of orders of 1
    >>> bool((profile_prior(even, np.full(3, 70.0), np.full((3, 7), 1 / 7)) > 1e5).all())
    True
    """
    n = by_day.sum(axis=1)
    m = np.divide(n**2, squares, out=np.zeros(len(n)), where=squares > 0)
    counted = m >= 2
    if counted.sum() < 2:
        return np.zeros(len(n))
    own = by_day[counted] / n[counted, None]
    g = group_share[counted]
    spread = ((own - g) ** 2).sum(axis=1)
    noise = (g * (1 - g)).sum(axis=1)
    ok = noise > 0
    mc = m[counted][ok]
    a = float((mc * spread[ok] / noise[ok]).sum())
    total, series = float(mc.sum()), int(ok.sum())
    k = MAX_PRIOR if a <= series else float(np.clip((total - a) / (a - series), 0.0, MAX_PRIOR))
    per_unit = np.divide(n, m, out=np.ones(len(n)), where=m > 0)
    return np.asarray(np.minimum(k * per_unit, MAX_PRIOR))


def weekday_shares(
    y: np.ndarray, start: np.ndarray, groups: np.ndarray | None, prior_units: float | None
) -> np.ndarray:
    """Share of a week's demand on each day after the last, shape (n, 7).

    Column ``p`` is the share of the days ``T + p``, ``T + 7 + p``, ...: the
    series' sales on that weekday over its last whole weeks on sale (at most
    :data:`PROFILE_WEEKS`; a partial week would over-weight some weekdays),
    plus ``prior_units`` units spread as its group's shares, over its total
    (``None``: as many as :func:`profile_prior` estimates).
    """
    n, t = y.shape
    days = min(t, 7 * PROFILE_WEEKS)
    cols = np.arange(t - days, t)
    whole_weeks = np.minimum(np.maximum(t - start, 0) // 7, PROFILE_WEEKS)
    counted = cols[None, :] >= (t - 7 * whole_weeks)[:, None]
    recent = np.where(counted, y[:, t - days :], 0.0)
    squares = (recent**2).sum(axis=1)
    phase = (cols - t) % 7
    by_day = np.zeros((n, 7))
    for p in range(7):
        by_day[:, p] = recent[:, phase == p].sum(axis=1)
    groups = np.zeros(n, dtype=int) if groups is None else np.asarray(groups)
    _, group = np.unique(groups, return_inverse=True)
    pooled = np.zeros((group.max(initial=-1) + 1, 7))
    np.add.at(pooled, group, by_day)
    totals = pooled.sum(axis=1, keepdims=True)
    group_share = np.divide(pooled, totals, out=np.full_like(pooled, 1 / 7), where=totals > 0)
    units = (
        profile_prior(by_day, squares, group_share[group])
        if prior_units is None
        else np.full(n, float(prior_units))
    )
    prior = units[:, None] * group_share[group]
    mixed = by_day + prior
    total = mixed.sum(axis=1, keepdims=True)
    return np.asarray(np.divide(mixed, total, out=np.full((n, 7), 1 / 7), where=total > 0))


def validated_shares(
    y: np.ndarray, start: np.ndarray, groups: np.ndarray | None, prior_units: float | None
) -> np.ndarray:
    """:func:`weekday_shares`, trusted per group only as far as they proved themselves.

    The shares learned before the last :data:`PROFILE_CHECK_WEEKS` weeks spread
    each of those weeks' *actual* totals over its days; per group the blend
    ``w x shares + (1 - w) / 7`` with ``w`` in :data:`PROFILE_WEIGHTS` whose
    daily squared error is least is kept (ties: the profile). A rhythm that
    holds keeps ``w = 1``; one that does not (weekday mixes dominated by a few
    big orders that fall on any day) fades towards flat.
    """
    n, t = y.shape
    share = weekday_shares(y, start, groups, prior_units)
    check = 7 * PROFILE_CHECK_WEEKS
    if t - check < 14:
        return share
    before = weekday_shares(y[:, : t - check], np.minimum(start, t - check), groups, prior_units)
    recent = y[:, t - check :].reshape(n, PROFILE_CHECK_WEEKS, 7)
    totals = recent.sum(axis=2, keepdims=True)
    labels = np.zeros(n, dtype=int) if groups is None else np.asarray(groups)
    _, group = np.unique(labels, return_inverse=True)
    best = np.full(group.max(initial=-1) + 1, np.inf)
    weight = np.ones(len(best))
    for w in PROFILE_WEIGHTS:
        blend = w * before + (1 - w) / 7
        sse = ((totals * blend[:, None, :] - recent) ** 2).sum(axis=(1, 2))
        per_group = np.bincount(group, weights=sse, minlength=len(best))
        better = per_group < best - 1e-9 * np.abs(best).clip(max=1e300)
        best = np.where(better, per_group, best)
        weight = np.where(better, w, weight)
    w_row = weight[group][:, None]
    return np.asarray(w_row * share + (1 - w_row) / 7)


def forecast_daily(
    y: np.ndarray,
    horizon: int,
    start: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    options: Options | None = None,
    weekday_prior_units: float | None = None,
    periods: PeriodsModel = forecast_periods,
) -> PeriodForecast:
    """Forecast ``horizon`` days of every row of a daily matrix (see the module docstring).

    The variance of the total over the first ``d`` days moves within each
    week in step with the weekday shares (a day without sales adds none).
    ``periods`` forecasts the weekly buckets (the replay passes one that re-uses
    an earlier fit, :class:`forecaster.models.rolling.RollingEngine`).
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    start = (
        first_demand(y) if start is None else np.minimum(np.asarray(start, dtype=int), y.shape[1])
    )
    buckets, first = weekly_buckets(y, start)
    weeks = -(-horizon // 7)
    partial = partial_first_bucket(y, start)
    weekly = periods(buckets, weeks, 52, first, options, partial, groups, own_evidence(y, start))
    share = validated_shares(y, start, groups, weekday_prior_units)
    days = np.arange(horizon)
    week, phase = days // 7, days % 7
    mean = weekly.mean[:, week] * share[:, phase]
    within = np.cumsum(share, axis=1)[:, phase]  # share of the week done by the end of day d
    lo, hi = weekly.cum_var[:, week], weekly.cum_var[:, week + 1]
    cum_var = np.zeros((n, horizon + 1))
    cum_var[:, 1:] = lo + within * (hi - lo)
    evidence = None if weekly.evidence is None else weekly.evidence * 7
    return PeriodForecast(
        mean, cum_var, weekly.model, weekly.demand_class, weekly.own_weight, evidence
    )


def own_evidence(y: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each daily series' own rate per week, its evidence in weeks and its units per sale,
    counted in days (:func:`forecaster.models.selection.own_rate`).

    The days from its start, less a first day that is a first sale inside the
    data (:func:`forecaster.models.selection.fit_from` on days): a launch two
    days ago has two days (or one) of evidence, not a week. Units per sale
    (variance over mean of its days) do not change when days are summed into
    weeks, as long as its sales are independent.

    >>> rate, weeks, _ = own_evidence(np.array([[0.0, 0, 0, 100, 70]]), np.array([3]))
    >>> rate.tolist(), (weeks * 7).tolist()
    ([490.0], [1.0])
    """
    t = y.shape[1]
    rate, days, spread = own_rate(y, fit_from(y, start, t))
    return 7 * rate, days / 7, spread


def forecast_matrix(
    y: np.ndarray,
    horizon: int,
    freq: MatrixFreq,
    start: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    options: Options | None = None,
) -> PeriodForecast:
    """Forecast ``horizon`` periods of a demand matrix whose periods are ``freq``.

    Parameters
    ----------
    y
        Demand per period (days, weeks or months), shape (n, T), oldest first, ``>= 0``.
    horizon
        Periods to forecast.
    freq
        ``D``, ``W`` or ``M``: the period of ``y`` and of the forecast.
    start
        First period of each series (default: its first non-zero period).
    groups
        Group label per series (e.g. the category) for the weekday profile of daily data.
    """
    if freq == "D":
        return forecast_daily(y, horizon, start, groups, options)
    return forecast_periods(y, horizon, SEASONS[freq], start, options, groups=groups)
