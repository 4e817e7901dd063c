"""Forecast a panel of series: every candidate, chosen per series by rolling-origin validation.

For each series (row of ``y``, demand per period):

1. **Classify** its demand (:mod:`forecaster.models.classify`).
2. **Validate.** Origins ``T - k x hv`` for ``k = origins .. 1`` each hold out
   the next ``hv = validation_periods`` periods (whatever the horizon: a
   longer window tells more about sparse series). Every vectorised candidate
   (:mod:`forecaster.models.candidates`) is refitted at every origin; the
   statsmodels models (:mod:`forecaster.models.smooth`) are fitted for the
   *smooth* series. An origin counts for a series when the series had at
   least :data:`MIN_TRAIN` periods before it.
3. **Choose** among the candidates of the series' class (:data:`ROUTES`).
   Each candidate's mean squared validation error; the forecast is
   the plain mean of the ``combine`` candidates with the least error (1 =
   pick the best), refitted on all the data. A candidate that fails or gives
   absurd values has no error and is never chosen; a series with no usable
   origin (new) takes the mean of its periods so far (``mean_long``).
4. **Error model.** The validation errors of the forecast chosen without the
   origin they are measured at (cross-validated, so the choice does not flatter
   them) give, per series,
   the variance of one period's error ``s2``; the errors summed over the first
   ``j`` held-out periods give how that variance grows with ``j``. The growth
   ``g(j) = E[(e_1 + ... + e_j)^2] / (j x s2)`` is the (winsorised) mean over
   the series of the same demand class (one series' few origins are too noisy for a
   curve of its own). The variance of the total demand over the first ``j``
   periods is ``s2 x j x g(j)``, never less than its mean (Poisson), and the
   quantiles of any total are those of a negative binomial with that mean and
   variance -- never a sum of per-period quantiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecaster.models.candidates import CANDIDATES, window_mean
from forecaster.models.classify import CLASSES, demand_classes
from forecaster.models.distributions import count_quantiles
from forecaster.models.smooth import MIN_PERIODS, fit_smooth
from forecaster.models.smooth import MODELS as SMOOTH_MODELS

#: Fewest periods before an origin for it to count in a series' validation.
MIN_TRAIN = 4
#: Fewest series of a demand class for it to have a growth curve of its own.
MIN_CLASS_SERIES = 20
#: Periods whose mean demand ranks the best sellers for the statsmodels fits.
RECENT_PERIODS = 52
#: Model of a series without a usable validation origin.
FALLBACK = "mean_long"
_LEVELS = ("mean_long", "ses")
#: The candidates each demand class may choose from (Syntetos & Boylan's routing): frequent
#: demand gets the level, trend and season models; rare demand the intermittent-demand
#: family, never the last value or a short average of mostly empty periods.
ROUTES: dict[str, tuple[str, ...]] = {
    "smooth": (
        "naive", "seasonal_naive", "seasonal_drift", "mean_short", *_LEVELS, "ets", "theta",
    ),
    "erratic": ("naive", "seasonal_naive", "seasonal_drift", "mean_short", *_LEVELS, "tsb",
                "imapa", "ets", "theta"),
    "intermittent": (*_LEVELS, "croston", "sba", "tsb", "adida", "imapa"),
    "lumpy": (*_LEVELS, "croston", "sba", "tsb", "adida", "imapa"),
    "none": (FALLBACK,),
}  # fmt: skip


@dataclass(frozen=True)
class Options:
    """How :func:`forecast_periods` validates and combines.

    Attributes
    ----------
    origins
        Validation origins per series.
    validation_periods
        Most periods held out after each origin.
    combine
        Candidates averaged per series (1: the best alone).
    smooth_min_units
        Mean units per period over the last year below which a smooth series
        is left to the vectorised models: with Poisson noise of at least
        ``1/sqrt(20)`` per period a trend or season cannot be told from noise,
        and the statsmodels fits are the costly part of the run.
    smooth_units_share
        The statsmodels fits are spent on the best sellers (the "A items"): the
        SKUs that together sell this share of all recent units, best first.
    workers
        Processes for the statsmodels fits (0: one per core).
    """

    origins: int = 2
    validation_periods: int = 13
    combine: int = 2
    smooth_min_units: float = 20.0
    smooth_units_share: float = 0.8
    workers: int = 0


@dataclass(frozen=True)
class PeriodForecast:
    """Forecast of a panel per period.

    Attributes
    ----------
    mean
        Expected demand per period, shape (n, horizon).
    cum_var
        Variance of the total demand over the first ``j`` periods, shape
        (n, horizon + 1), ``cum_var[:, 0] = 0``.
    model
        The chosen model per series: a candidate's name or names joined by ``+``.
    demand_class
        Syntetos-Boylan class per series.
    """

    mean: np.ndarray
    cum_var: np.ndarray
    model: np.ndarray
    demand_class: np.ndarray

    def moments(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of total demand in consecutive spans of periods.

        Span ``k`` covers periods ``edges[k]`` to ``edges[k+1] - 1``.
        """
        cum_mean = np.zeros((len(self.mean), self.mean.shape[1] + 1))
        np.cumsum(self.mean, axis=1, out=cum_mean[:, 1:])
        edges = np.asarray(edges)
        return np.diff(cum_mean[:, edges], axis=1), np.diff(self.cum_var[:, edges], axis=1)

    def quantile(self, q: float) -> np.ndarray:
        """The ``q`` quantile of each period's demand, shape (n, horizon)."""
        mean, var = self.moments(np.arange(self.mean.shape[1] + 1))
        return count_quantiles(mean, var, q)


def first_demand(y: np.ndarray) -> np.ndarray:
    """Index of each row's first non-zero period (``T`` for an all-zero row)."""
    if y.shape[1] == 0:
        return np.zeros(len(y), dtype=int)
    nonzero = y > 0
    return np.asarray(np.where(nonzero.any(axis=1), nonzero.argmax(axis=1), y.shape[1]))


def fit_from(y: np.ndarray, start: np.ndarray, cut: int) -> np.ndarray:
    """The first period the models fit, for data up to ``cut``: the start, or the period
    after it when the series began inside the data with a sale and more periods follow.

    A series is often known from its first sale on: that period is a sale by
    construction, and fitting it lifts every level estimate of a young series
    (most of all for slow movers). A series that starts with the data itself
    was not first seen then, so it keeps its first period. The start still
    counts for the demand class and for when validation can begin.

    >>> y = np.array([[0.0, 5, 0, 0], [5, 0, 0, 0], [0, 0, 0, 0]])
    >>> fit_from(y, np.array([1, 0, 0]), 4)
    array([2, 0, 0])
    >>> fit_from(np.array([[0.0, 5]]), np.array([1]), 2)  # nothing after it yet
    array([1])
    """
    t = y.shape[1]
    at = np.minimum(start, t - 1) if t else start
    sold = (start < t) & (y[np.arange(len(y)), at] > 0) if t else np.zeros(len(y), bool)
    return np.where(sold & (start > 0) & (cut - start >= 2), start + 1, start)


def forecast_periods(
    y: np.ndarray,
    horizon: int,
    season: int,
    start: np.ndarray | None = None,
    options: Options | None = None,
) -> PeriodForecast:
    """Forecast ``horizon`` periods of every row of ``y`` (see the module docstring).

    Parameters
    ----------
    y
        Demand per period, shape (n, T), oldest first, ``>= 0``.
    horizon
        Periods to forecast.
    season
        Seasonal period in periods (52 for weeks, 12 for months; 1 for none).
    start
        First period of each series (default: its first non-zero period).
    """
    options = options or Options()
    y = np.asarray(y, dtype=float)
    n, t = y.shape
    start = first_demand(y) if start is None else np.minimum(np.asarray(start, dtype=int), t)
    classes = demand_classes(y, start)
    hv = max(1, min(horizon, options.validation_periods))
    origins = [t - k * hv for k in range(options.origins, 0, -1) if t - k * hv >= MIN_TRAIN]
    names = [*CANDIDATES, *SMOOTH_MODELS]
    # Every candidate's forecasts from each origin (C, n, origins, hv) and from the end (C, n, h).
    validation = np.full((len(names), n, len(origins), hv), np.nan)
    final = np.full((len(names), n, horizon), np.nan)
    fit_start = {cut: fit_from(y, start, cut) for cut in [*origins, t]}
    for c, candidate in enumerate(CANDIDATES.values()):
        for i, cut in enumerate(origins):
            validation[c, :, i] = candidate(y[:, :cut], fit_start[cut], hv, season)
        final[c] = candidate(y, fit_start[t], horizon, season)
    first_cut = origins[0] if origins else t
    level = np.nan_to_num(window_mean(y, start, RECENT_PERIODS, t))  # units per period
    smooth = np.flatnonzero(
        (classes == "smooth")
        & (first_cut - start >= MIN_PERIODS)
        & (level >= options.smooth_min_units)
        & top_sellers(level, options.smooth_units_share)
    )
    if len(smooth):
        width = max(horizon, hv)
        cuts = [*origins, t]
        fitted = fit_smooth(y[smooth], fit_start[t][smooth], cuts, width, season, options.workers)
        at = len(CANDIDATES)
        validation[at:, smooth] = fitted[:, :, :-1, :hv]
        final[at:, smooth] = fitted[:, :, -1, :horizon]

    # Squared validation error per candidate, series and origin (C, n, origins): NaN where
    # the candidate had no forecast; origins too early for a series do not count.
    k = len(origins)
    actual = np.stack([y[:, o : o + hv] for o in origins], axis=1) if k else np.zeros((n, 0, hv))
    usable = np.array([o - start >= MIN_TRAIN for o in origins], dtype=bool).reshape(k, n).T
    squared = ((validation - actual[None]) ** 2).sum(axis=3)
    routed = np.stack([np.isin(classes, [c for c in ROUTES if n in ROUTES[c]]) for n in names])
    failed = np.isnan(final).any(axis=2) | ~routed
    fallback = names.index(FALLBACK)

    chosen = _choose(squared, usable, failed, options.combine, fallback)
    weight = chosen / chosen.sum(axis=0)
    mean = np.einsum("cn,cnh->nh", weight, np.nan_to_num(final))

    # The errors of the error model are out of sample: at each origin, the candidates
    # chosen on the *other* origins (on the origin itself when a series has no other).
    errors = np.full((n, k, hv), np.nan)
    for i in range(k):
        others = usable.copy()
        others[:, i] = False
        alone = ~others.any(axis=1)
        others[alone, i] = usable[alone, i]
        # only candidates with a forecast at origin i can be judged there
        absent = failed | np.isnan(squared[:, :, i])
        pick = _choose(squared, others, absent, options.combine, fallback)
        w = pick / pick.sum(axis=0)
        at_i = np.einsum("cn,cnh->nh", w, np.nan_to_num(validation[:, :, i]))
        errors[:, i] = np.where(usable[:, i, None], at_i - actual[:, i], np.nan)
    cum_var = _error_model(errors, mean, classes, y, fit_start[t])
    return PeriodForecast(mean, cum_var, _model_names(chosen, names), classes)


def _choose(
    squared: np.ndarray, origins: np.ndarray, failed: np.ndarray, combine: int, fallback: int
) -> np.ndarray:
    """The candidates to average per series, a boolean mask (C, n).

    Each candidate's mean squared error over the series' ``origins`` (boolean
    (n, origins)); a candidate without a forecast at one of them, or whose final
    forecast ``failed``, is out. The ``combine`` best are chosen; a series
    without any origin, or whose candidates all score the same (no evidence,
    e.g. nothing sold before the last origin), takes the ``fallback`` alone.
    """
    counted = origins[None, :, :]
    total = np.where(counted, squared, 0.0).sum(axis=2)
    missing = (counted & np.isnan(squared)).any(axis=2)
    used = origins.sum(axis=1)
    mse = np.where(missing | failed | (used == 0)[None, :], np.inf, total / np.maximum(used, 1))
    finite = np.isfinite(mse)
    best = np.where(finite, mse, np.inf).min(axis=0)
    worst = np.where(finite, mse, -np.inf).max(axis=0)
    spread = worst - best > 1e-9 * (1.0 + best)
    informative = (finite.sum(axis=0) == 1) | (finite.any(axis=0) & spread)

    n = mse.shape[1]
    chosen = np.zeros(mse.shape, dtype=bool)
    rows = np.arange(n)
    for r in np.argsort(mse, axis=0, kind="stable")[:combine]:
        chosen[r, rows] = finite[r, rows]
    chosen[:, ~informative] = False
    chosen[fallback, ~informative] = True
    return chosen


def top_sellers(level: np.ndarray, share: float) -> np.ndarray:
    """Boolean per series: among the best sellers that together make ``share`` of the units.

    The series are ranked by ``level``; a series is in when the units of the
    series ranked above it are less than ``share`` of the total (so the one
    that crosses the line is in, and ``share = 1`` takes every series).

    >>> top_sellers(np.array([1.0, 50, 30, 19]), 0.8).tolist()
    [False, True, True, False]
    """
    order = np.argsort(-level, kind="stable")
    total = level.sum()
    before = np.cumsum(level[order]) - level[order]
    inside = np.zeros(len(level), dtype=bool)
    inside[order] = before < share * total if total > 0 else False
    return inside


def _model_names(chosen: np.ndarray, names: list[str]) -> np.ndarray:
    """``a+b`` per series from the chosen mask (C, n)."""
    bits = (chosen.T * (1 << np.arange(len(names)))).sum(axis=1)
    out = np.empty(chosen.shape[1], dtype=object)
    for code in np.unique(bits):
        out[bits == code] = "+".join(n for i, n in enumerate(names) if code >> i & 1)
    return out


def _error_model(
    errors: np.ndarray, mean: np.ndarray, classes: np.ndarray, y: np.ndarray, start: np.ndarray
) -> np.ndarray:
    """Variance of the total demand over the first ``j`` periods, shape (n, horizon + 1).

    ``errors`` are the chosen forecast's validation errors (n, origins, hv), NaN
    where an origin does not count.
    """
    n, horizon = mean.shape
    hv = errors.shape[2]
    valid = ~np.isnan(errors[:, :, 0])
    origins = valid.sum(axis=1)
    has = origins > 0
    filled = np.where(valid[:, :, None], errors, 0.0)
    s2 = np.divide((filled**2).sum(axis=(1, 2)), origins * hv, out=np.zeros(n), where=has)
    summed = (np.cumsum(filled, axis=2) ** 2).sum(axis=1) / np.maximum(origins, 1)[:, None]
    ratio = np.divide(
        summed,
        np.arange(1, hv + 1)[None, :] * s2[:, None],
        out=np.full((n, hv), np.nan),
        where=s2[:, None] > 0,
    )
    # Series without validation: the variance of their periods so far.
    on = np.arange(y.shape[1])[None, :] >= start[:, None]
    count = on.sum(axis=1)
    level = np.divide(np.where(on, y, 0).sum(axis=1), count, out=np.zeros(n), where=count > 0)
    spread = np.where(on, (y - level[:, None]) ** 2, 0).sum(axis=1)
    sample = np.divide(spread, count - 1, out=np.zeros(n), where=count > 1)
    s2 = np.where(has, s2, sample)

    growth = np.ones((n, hv))
    usable = has & (s2 > 0)
    overall = _growth_curve(ratio[usable], np.ones(hv))
    for cls in CLASSES:
        members = usable & (classes == cls)
        curve = overall
        if members.sum() >= MIN_CLASS_SERIES:
            curve = _growth_curve(ratio[members], overall)
        growth[classes == cls] = curve
    steps = np.arange(1, horizon + 1)
    g = growth[:, np.minimum(steps, hv) - 1]
    cum_mean = np.cumsum(mean, axis=1)
    cum = np.maximum(s2[:, None] * steps[None, :] * g, cum_mean)
    cum = np.maximum.accumulate(cum, axis=1)
    return np.concatenate([np.zeros((n, 1)), cum], axis=1)


def _growth_curve(ratios: np.ndarray, default: np.ndarray) -> np.ndarray:
    """Mean growth per step over series, at least 0.25; ``default`` without series.

    Each ratio is a squared error over a few origins, heavily skewed: its median
    would understate the typical growth, so the mean is taken, with ratios above
    the 95th percentile clipped to it so one wild series cannot set the curve.
    """
    if len(ratios) == 0:
        return default
    top = np.quantile(ratios, 0.95, axis=0)
    return np.asarray(np.maximum(np.minimum(ratios, top).mean(axis=0), 0.25))
