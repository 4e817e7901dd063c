"""Forecast a panel of series: every candidate, chosen per series by rolling-origin validation.

For each series (row of ``y``, demand per period):

1. **Classify** its demand (:mod:`forecaster.models.classify`).
2. **Validate.** Origins ``T - k x hv`` for ``k = origins .. 1`` each hold out
   the next ``hv = validation_periods`` periods, whatever the horizon, so a
   short forecast chooses as a long one does; intermittent series hold out
   ``min(horizon, validation_periods)`` (:func:`validation_designs`). Every vectorised candidate
   (:mod:`forecaster.models.candidates`) is refitted at every origin; the
   ETS and Theta models (:mod:`forecaster.models.smooth`) are fitted for the
   *smooth* series. An origin counts for a series when the series had at
   least :data:`MIN_TRAIN` periods before it.
3. **Choose** among the candidates of the series' class (:data:`ROUTES`).
   Each candidate's mean squared validation error; the forecast is
   the plain mean of the ``combine`` candidates with the least error (1 =
   pick the best), refitted on all the data; where none of the ``combine``
   (2 or more) carries the yearly season, the best seasonal candidate takes
   the last place unless the validation rejects it (:func:`_keep_season`). A
   candidate that fails or gives absurd values has no error and is never
   chosen; a new series with no usable
   origin takes the credibility mean of its own rate and its group's
   (:mod:`forecaster.models.credibility`; model ``category``), with the
   uncertainty of that rate in its variance. An established series (see
   :func:`~forecaster.models.credibility.is_established`) without one -- the
   panel is too short, e.g. six months of monthly sales -- keeps its own rate
   (the fallback model): on Online Retail monthly that took the RMSSE from
   1.212 to 1.179 (WindowAverage 1.157) and changed no other data set.
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

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from forecaster.models.candidates import CANDIDATES, window_mean
from forecaster.models.classify import CLASSES, demand_classes
from forecaster.models.credibility import group_prior, is_established
from forecaster.models.distributions import count_quantiles
from forecaster.models.smooth import MIN_PERIODS, SmoothEngine, SmoothStates, fit_smooth_states
from forecaster.models.smooth import MODELS as SMOOTH_MODELS
from forecaster.parallel import Runner, run_in_order

#: Fewest periods before an origin for it to count in a series' validation.
MIN_TRAIN = 4
#: Fewest series of a demand class for it to have a growth curve of its own.
MIN_CLASS_SERIES = 20
#: Periods whose mean demand ranks the best sellers for the ETS and Theta fits.
RECENT_PERIODS = 52
#: Model of a series without a usable validation origin (when it has no group prior either).
FALLBACK = "mean_long"
#: Model name of a series whose forecast borrows its group's rate (no usable origin), and of
#: one that borrows the whole panel's (its group has too few established series).
BORROWED = "category"
BORROWED_PANEL = "shop"
#: Least share of a new series' forecast borrowed for its model to be named so: less is
#: its own rate, to the precision the planner sees.
MATERIAL_SHARE = 0.01
#: Candidates that carry the yearly season (:func:`_keep_season`).
SEASONAL = ("seasonal_naive", "seasonal_drift")
#: Standard errors by which a seasonal candidate must lose on validation to be left out:
#: the one-sided 5% point of the normal (:func:`_keep_season`).
REJECT_SEASON = 1.645
_LEVELS = ("mean_long", "ses")
#: Demand classes validated on windows of the horizon's length (at most ``validation_periods``)
#: rather than of ``validation_periods`` whatever the horizon (see :func:`validation_designs`).
SHORT_WINDOW_CLASSES = ("intermittent",)
#: The candidates each demand class may choose from (Syntetos & Boylan's routing): frequent
#: demand gets the level, trend and season models; rare demand the intermittent-demand
#: family, never the last value or a short average of mostly empty periods. Croston's bias
#: is corrected by Syntetos' ``sy``, not SBA, which over-corrects short intervals (biased low).
ROUTES: dict[str, tuple[str, ...]] = {
    "smooth": (
        "naive", "seasonal_naive", "seasonal_drift", "mean_short", *_LEVELS, "ets", "theta",
    ),
    "erratic": ("naive", "seasonal_naive", "seasonal_drift", "mean_short", *_LEVELS, "tsb",
                "imapa", "ets", "theta"),
    "intermittent": (*_LEVELS, "croston", "sy", "tsb", "adida", "imapa"),
    "lumpy": (*_LEVELS, "croston", "sy", "tsb", "adida", "imapa"),
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
        and the ETS and Theta fits are the costly part of the run.
    smooth_units_share
        The ETS and Theta fits are spent on the best sellers (the "A items"): the
        SKUs that together sell this share of all recent units, best first.
    workers
        Processes of the statsmodels engine (0: one per core).
    smooth_engine
        How ETS and Theta are fitted: ``"vectorised"`` (every series at once, in this
        process) or ``"statsmodels"`` (series by series, the reference); see
        :mod:`forecaster.models.smooth`.
    chunk_units
        Series fitted at a time (0: all at once); the forecast does not depend on it.
    run_chunks
        Runs the chunks (:mod:`forecaster.parallel`: one after another here, with
        progress, or on a Dask cluster); None: one after another.
    """

    origins: int = 2
    validation_periods: int = 13
    combine: int = 2
    smooth_min_units: float = 20.0
    smooth_units_share: float = 0.8
    workers: int = 0
    smooth_engine: SmoothEngine = "vectorised"
    chunk_units: int = 0
    run_chunks: Runner | None = None


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
    own_weight
        Per series, the weight of its own rate in the forecast: 1 for a series
        whose models were validated, the credibility ``Z`` for a new one
        (:mod:`forecaster.models.credibility`); None when not computed.
    evidence
        Per series, the periods of its own evidence a new one was weighed on
        (NaN for a validated series); None when not computed.
    """

    mean: np.ndarray
    cum_var: np.ndarray
    model: np.ndarray
    demand_class: np.ndarray
    own_weight: np.ndarray | None = None
    evidence: np.ndarray | None = None

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


def fit_from(
    y: np.ndarray, start: np.ndarray, cut: int, partial: np.ndarray | None = None
) -> np.ndarray:
    """The first period the models fit, for data up to ``cut``: the start, or the period
    after it when the series began inside the data with a sale (or, per ``partial``, in
    the middle of that period) and more periods follow.

    A series is often known from its first sale on: that period is a sale by
    construction, and fitting it lifts every level estimate of a young series
    (most of all for slow movers). A first period that holds only part of a
    period's demand (``partial``, boolean per series: a weekly bucket of
    :func:`forecaster.models.panel.weekly_buckets` that a launch date starts
    inside) would lower them. A series that starts with the data itself was
    not first seen then, so it keeps its first period. The start still counts
    for the demand class and for when validation can begin.

    >>> y = np.array([[0.0, 5, 0, 0], [5, 0, 0, 0], [0, 0, 0, 0]])
    >>> fit_from(y, np.array([1, 0, 0]), 4)
    array([2, 0, 0])
    >>> fit_from(np.array([[0.0, 5]]), np.array([1]), 2)  # nothing after it yet
    array([1])
    >>> fit_from(y, np.array([1, 0, 1]), 4, partial=np.array([False, False, True]))
    array([2, 0, 2])
    """
    t = y.shape[1]
    at = np.minimum(start, t - 1) if t else start
    sold = (start < t) & (y[np.arange(len(y)), at] > 0) if t else np.zeros(len(y), bool)
    if partial is not None:
        sold = sold | partial
    return np.where(sold & (start > 0) & (cut - start >= 2), start + 1, start)


def validation_designs(t: int, horizon: int, options: Options) -> dict[int, list[int]]:
    """The validation origins per window length ``hv``: ``{hv: [origins, oldest first]}``.

    Every series holds out ``validation_periods`` after each origin, whatever
    the horizon, except those of :data:`SHORT_WINDOW_CLASSES`, which hold out
    ``min(horizon, validation_periods)`` (one entry when the two are the same);
    origins ``T - k x hv`` for ``k = origins .. 1`` with at least
    :data:`MIN_TRAIN` periods before them.

    The squared error of a few periods is a poor judge wherever demand is noisy
    or skewed. The total of four weeks of lumpy demand (rare, of irregular size)
    is mostly far below its mean and now and then far above: chosen on it, the
    lower of two candidates wins more often than not, and the forecast was 11%
    low on stationary lumpy demand (2% with 13 weeks). A steady series' choice
    only gets less noisy: a Poisson(20) SKU's 7-day total varied by 3.3%
    between seeds, by 2.1% with 13 weeks, as the planner's forecast (13 weeks or
    more ahead) always had. Intermittent series (rare orders of regular size)
    keep the recent, horizon-long windows: on Online Retail they tell which
    products stopped selling (13 weeks cost 0.7% RMSSE there), though on
    stationary demand they still choose low (-3% at 11 orders a year).

    >>> validation_designs(60, 4, Options())
    {4: [52, 56], 13: [34, 47]}
    >>> validation_designs(60, 20, Options())
    {13: [34, 47]}
    """
    lengths = {max(1, min(horizon, options.validation_periods)), max(1, options.validation_periods)}
    return {
        hv: [t - k * hv for k in range(options.origins, 0, -1) if t - k * hv >= MIN_TRAIN]
        for hv in sorted(lengths)
    }


#: The ETS and Theta fits of :func:`fit_periods`: ``(y, rows, start, origins, horizon,
#: season, workers)`` -> forecasts (models, len(rows), len(origins), horizon) of the series
#: ``rows`` of ``y`` from each origin, and their states (as
#: :func:`~forecaster.models.smooth.fit_smooth_states`).
SmoothModels = Callable[
    [np.ndarray, np.ndarray, np.ndarray, list[int], int, int, int],
    tuple[np.ndarray, SmoothStates],
]


def fit_smooth_rows(engine: SmoothEngine) -> SmoothModels:
    """The :data:`SmoothModels` that fit the series ``rows`` of ``y`` with ``engine`` (the
    default of :func:`fit_periods`, by :attr:`Options.smooth_engine`); picklable, so a
    chunk's task can travel to another process."""
    return _SmoothFit(engine)


@dataclass(frozen=True)
class _SmoothFit:
    """:func:`fit_smooth_rows`' models."""

    engine: SmoothEngine

    def __call__(
        self,
        y: np.ndarray,
        rows: np.ndarray,
        start: np.ndarray,
        origins: list[int],
        horizon: int,
        season: int,
        workers: int,
    ) -> tuple[np.ndarray, SmoothStates]:
        return fit_smooth_states(
            y[rows], start[rows], origins, horizon, season, workers, self.engine
        )


@dataclass(frozen=True)
class PeriodFit:
    """A forecast of :func:`fit_periods` and the ETS and Theta fits behind it.

    Attributes
    ----------
    forecast
        What :func:`forecast_periods` returns.
    smooth
        The ETS and Theta models of each series as states at the validation origins and
        the end (no fit: NaN), so a later date can forecast with them without
        estimating them again (:class:`forecaster.models.rolling.RollingEngine`).
    """

    forecast: PeriodForecast
    smooth: SmoothStates


def forecast_periods(
    y: np.ndarray,
    horizon: int,
    season: int,
    start: np.ndarray | None = None,
    options: Options | None = None,
    partial: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    own: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> PeriodForecast:
    """Forecast ``horizon`` periods of every row of ``y`` (see the module docstring).

    The forecast of :func:`fit_periods` (see there for the parameters).
    """
    return fit_periods(y, horizon, season, start, options, partial, groups, own).forecast


def fit_periods(
    y: np.ndarray,
    horizon: int,
    season: int,
    start: np.ndarray | None = None,
    options: Options | None = None,
    partial: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    own: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    smooth: SmoothModels | None = None,
) -> PeriodFit:
    """Forecast ``horizon`` periods of every row of ``y`` (see the module docstring); the
    ETS and Theta fits come back with the forecast.

    The series are fitted :attr:`Options.chunk_units` at a time (:func:`fit_chunk`,
    run by :attr:`Options.run_chunks`), so the validation arrays -- every candidate's
    forecast from every origin -- are bounded by the chunk, not the panel. What
    the series share is computed for the whole panel: the best sellers that get
    the ETS and Theta fits (a share of all units), the growth of the error
    variance per demand class and the group priors of new series. The forecast is
    the same whatever the chunks.

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
    partial
        Per series, whether its first period holds only part of a period's demand
        (:func:`fit_from` then leaves it out of the fits).
    groups
        Group label per series (its category): a new series borrows its group's rate.
    own
        Per series, its own rate per period, the periods of evidence it was
        measured over and its units per sale, for new series (default:
        :func:`own_rate` of its periods from :func:`fit_from` on). A daily
        caller measures them in days, which a weekly bucket cannot.
    smooth
        Makes the ETS and Theta forecasts (default: fits them with
        ``options.smooth_engine``). Given, it indexes the whole panel, which is
        then one chunk.
    """
    options = options or Options()
    y = np.asarray(y, dtype=float)
    n, t = y.shape
    start = first_demand(y) if start is None else np.minimum(np.asarray(start, dtype=int), t)
    classes = demand_classes(y, start)
    designs = validation_designs(t, horizon, options)
    level = np.nan_to_num(window_mean(y, start, RECENT_PERIODS, t))  # units per period
    best = (
        (classes == "smooth")
        & (level >= options.smooth_min_units)
        & top_sellers(level, options.smooth_units_share)
    )
    size = options.chunk_units if smooth is None and options.chunk_units > 0 else max(n, 1)
    local = replace(options, run_chunks=None)  # a task carries data, not the runner
    models = smooth or fit_smooth_rows(options.smooth_engine)
    tasks = []
    for a in range(0, max(n, 1), size):
        rows = slice(a, a + size)
        cut = None if partial is None else partial[rows]
        at = (y[rows], start[rows], cut, classes[rows], best[rows])
        tasks.append(ChunkTask(*at, horizon, season, designs, local, models))
    fits = (options.run_chunks or run_in_order)(fit_chunk, tasks)
    mean = np.concatenate([f.mean for f in fits])
    model = np.concatenate([f.model for f in fits])
    validated = np.concatenate([f.validated for f in fits])
    cum_var = _error_variance(
        mean,
        classes,
        *(np.concatenate([getattr(f, k) for f in fits]) for k in ("s2", "ratio", "steps")),
    )
    states = SmoothStates.empty(n, fits[0].states.at.shape[1], season)
    for a, f in zip(range(0, max(n, 1), size), fits, strict=True):
        rows = a + f.fitted  # the chunk's best sellers, in the panel's rows
        states.ets[rows] = f.states.ets
        states.theta[rows] = f.states.theta
        states.at[rows] = f.states.at
    # only a new series borrows: one that counts as established in the priors but has no
    # usable origin (the panel itself is short: six months of monthly data) keeps its own
    fit_start = fit_from(y, start, t, partial)
    new = ~validated & (start < t) & ~is_established(t - fit_start, season)
    z, exposure = np.ones(n), np.full(n, np.nan)
    if new.any():
        z, exposure, pooled = _borrow(y, fit_start, new, groups, own, season, mean, cum_var)
        borrowed = z < 1
        model[borrowed] = np.where(pooled[borrowed], BORROWED_PANEL, BORROWED)
    return PeriodFit(PeriodForecast(mean, cum_var, model, classes, z, exposure), states)


@dataclass(frozen=True)
class ChunkTask:
    """The series of one chunk of :func:`fit_periods` and what the panel decided for them:
    their demand class and whether they are best sellers (fitted by ETS and Theta)."""

    y: np.ndarray
    start: np.ndarray
    partial: np.ndarray | None
    classes: np.ndarray
    best: np.ndarray
    horizon: int
    season: int
    designs: dict[int, list[int]]
    options: Options
    smooth: SmoothModels


@dataclass(frozen=True)
class ChunkFit:
    """What :func:`fit_chunk` found for a chunk's series.

    ``mean`` (n, horizon) is the combined forecast, ``model`` its name,
    ``validated`` whether the series had a usable origin; ``s2``, ``ratio`` and
    ``steps`` are the series' parts of the error model (:func:`_error_parts`) and
    ``states`` the ETS and Theta fits of the series at ``fitted`` (the best sellers;
    the others have none), so a result travels light.
    """

    mean: np.ndarray
    model: np.ndarray
    validated: np.ndarray
    s2: np.ndarray
    ratio: np.ndarray
    steps: np.ndarray
    fitted: np.ndarray
    states: SmoothStates


def fit_chunk(task: ChunkTask) -> ChunkFit:
    """Validate, choose and combine the candidates of one chunk of series (a pure function
    of its task: a :data:`~forecaster.parallel.Runner` may run it anywhere)."""
    y, start, classes, options = task.y, task.start, task.classes, task.options
    horizon, season, designs = task.horizon, task.season, task.designs
    n, t = y.shape
    short_hv, hv = min(designs), max(designs)
    origins = sorted({o for cuts in designs.values() for o in cuts})
    # Each series' window length and the origins of its design (n, origins).
    long_window = ~np.isin(classes, SHORT_WINDOW_CLASSES)
    window = np.where(long_window, hv, short_hv)
    member = np.where(
        long_window[:, None], np.isin(origins, designs[hv]), np.isin(origins, designs[short_hv])
    )
    names = [*CANDIDATES, *SMOOTH_MODELS]
    # Every candidate's forecasts from each origin (C, n, origins, hv) and from the end (C, n, h).
    validation = np.full((len(names), n, len(origins), hv), np.nan)
    final = np.full((len(names), n, horizon), np.nan)
    fit_start = {cut: fit_from(y, start, cut, task.partial) for cut in [*origins, t]}
    for c, candidate in enumerate(CANDIDATES.values()):
        for i, cut in enumerate(origins):
            validation[c, :, i] = candidate(y[:, :cut], fit_start[cut], hv, season)
        final[c] = candidate(y, fit_start[t], horizon, season)
    at = len(CANDIDATES)
    states = SmoothStates.empty(n, len(origins) + 1, season)
    for length, cuts in designs.items():  # the ETS and Theta fits, per validation design
        rows = task.best & (window == length) & ((cuts[0] if cuts else t) - start >= MIN_PERIODS)
        _fit_smooth_models(
            y, rows, fit_start[t], cuts, origins, length, horizon, season, options.workers,
            validation[at:], final[at:], states, task.smooth,
        )  # fmt: skip

    # Squared validation error per candidate, series and origin (C, n, origins) over the
    # series' own window: NaN where the candidate had no forecast; origins of the other
    # design, or too early for a series, do not count.
    k = len(origins)
    padded = np.concatenate([y, np.zeros((n, hv))], axis=1)  # past T: outside every window
    actual = np.zeros((n, 0, hv))
    if k:
        actual = np.stack([padded[:, o : o + hv] for o in origins], axis=1)
    cells = np.arange(hv)[None, None, :] < window[:, None, None]  # (n, 1, hv)
    usable = member & (np.asarray(origins)[None, :] - start[:, None] >= MIN_TRAIN)
    error2 = np.where(cells[None], (validation - actual[None]) ** 2, 0.0)
    squared = error2.sum(axis=3)
    routed = np.stack([np.isin(classes, [c for c in ROUTES if n in ROUTES[c]]) for n in names])
    failed = np.isnan(final).any(axis=2) | ~routed
    fallback = names.index(FALLBACK)
    seasons = Seasons(error2, cells[:, 0], np.isin(names, SEASONAL)) if season > 1 else None

    chosen = _choose(squared, usable, failed, options.combine, fallback, seasons)
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
        pick = _choose(squared, others, absent, options.combine, fallback, seasons)
        w = pick / pick.sum(axis=0)
        at_i = np.einsum("cn,cnh->nh", w, np.nan_to_num(validation[:, :, i]))
        counted = usable[:, i, None] & cells[:, 0]
        errors[:, i] = np.where(counted, at_i - actual[:, i], np.nan)
    del error2, seasons
    s2, ratio, steps = _error_parts(errors, y, fit_start[t])
    model = _model_names(chosen, names)
    fitted = np.flatnonzero(task.best)
    return ChunkFit(mean, model, usable.any(axis=1), s2, ratio, steps, fitted, states.rows(fitted))


def own_rate(y: np.ndarray, begin: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each series' rate per period from ``begin`` on, its periods, and its units per sale.

    Units per sale is the variance over the mean of those periods, at least 1
    (NaN with fewer than two periods or none sold).
    """
    n, t = y.shape
    periods = np.maximum(t - begin, 0).astype(float)
    on = np.arange(t)[None, :] >= begin[:, None]
    total = np.where(on, y, 0.0).sum(axis=1)
    rate = np.divide(total, periods, out=np.zeros(n), where=periods > 0)
    squares = np.where(on, (y - rate[:, None]) ** 2, 0.0).sum(axis=1)
    var = np.divide(squares, periods - 1, out=np.zeros(n), where=periods > 1)
    ratio = np.divide(var, rate, out=np.full(n, np.nan), where=(rate > 0) & (periods > 1))
    return rate, periods, np.where(np.isnan(ratio), np.nan, np.maximum(ratio, 1.0))


def _borrow(
    y: np.ndarray,
    fit_start: np.ndarray,
    new: np.ndarray,
    groups: np.ndarray | None,
    own: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    season: int,
    mean: np.ndarray,
    cum_var: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Give the ``new`` series the credibility mean of their own and their group's rate.

    Overwrites their rows of ``mean`` and ``cum_var`` in place where they borrow at
    least :data:`MATERIAL_SHARE`; returns the own weight ``Z`` per series (1 for the
    others, and where less would be borrowed), the exposure (NaN for the others)
    and whether the prior is the whole panel's (:attr:`Prior.pooled`).
    """
    n = len(y)
    if own is None:
        own = own_rate(y, fit_start)
    rate, periods, per_sale = (np.asarray(a, dtype=float) for a in own)
    prior = group_prior(y, fit_start, groups, season).per_sale(per_sale)
    z = prior.weight(periods)
    z = np.where(new & (1 - z >= MATERIAL_SHARE), z, 1.0)
    rows = np.flatnonzero(z < 1)
    zr = z[rows]
    level = zr * rate[rows] + (1 - zr) * prior.rate[rows]
    horizon = mean.shape[1]
    mean[rows] = level[:, None]
    # variance of a j-period total: the process variance of its rate in sales of its
    # units per sale, plus the uncertainty of the rate, (1 - Z) x VHM per j^2
    s2 = prior.sale_size()[rows] * level
    j = np.arange(1, horizon + 1)[None, :]
    var = j * s2[:, None] + j**2 * ((1 - zr) * prior.rate_var[rows])[:, None]
    var = np.maximum.accumulate(np.maximum(var, level[:, None] * j), axis=1)
    cum_var[rows, 1:] = var
    pooled = np.zeros(n, dtype=bool) if prior.pooled is None else prior.pooled
    return z, np.where(new, periods, np.nan), pooled


def _fit_smooth_models(
    y: np.ndarray,
    rows: np.ndarray,
    start: np.ndarray,
    cuts: list[int],
    origins: list[int],
    length: int,
    horizon: int,
    season: int,
    workers: int,
    validation: np.ndarray,
    final: np.ndarray,
    states: SmoothStates,
    models: SmoothModels,
) -> None:
    """Fill the ETS and Theta forecasts and states of the series ``rows`` (boolean)
    in place.

    ``validation`` (models, n, origins, hv) gets the first ``length`` periods from
    each of the design's ``cuts`` (at their place among all ``origins``), ``final``
    (models, n, horizon) the forecast from the end, ``states`` the fits at the
    design's cuts and the end.
    """
    smooth = np.flatnonzero(rows)
    if not len(smooth):
        return
    width = max(horizon, length)
    fitted, ended = models(y, smooth, start, [*cuts, y.shape[1]], width, season, workers)
    where = [origins.index(o) for o in cuts]
    validation[:, smooth[:, None], where, :length] = fitted[:, :, :-1, :length]
    final[:, smooth] = fitted[:, :, -1, :horizon]
    kept = ended.at.shape[1]
    states.ets[smooth, :kept] = ended.ets
    states.theta[smooth, :kept] = ended.theta
    states.at[smooth, :kept] = ended.at


@dataclass(frozen=True)
class Seasons:
    """What :func:`_choose` needs to keep a season the validation cannot judge.

    ``error2`` is each candidate's squared error per series, origin and held-out
    period (C, n, origins, hv), ``cells`` the held-out periods of each series' window
    (n, hv) and ``seasonal`` which candidates carry the season (C,).
    """

    error2: np.ndarray
    cells: np.ndarray
    seasonal: np.ndarray


def _choose(
    squared: np.ndarray,
    origins: np.ndarray,
    failed: np.ndarray,
    combine: int,
    fallback: int,
    seasons: Seasons | None = None,
) -> np.ndarray:
    """The candidates to average per series, a boolean mask (C, n).

    Each candidate's mean squared error over the series' ``origins`` (boolean
    (n, origins)); a candidate without a forecast at one of them, or whose final
    forecast ``failed``, is out. The ``combine`` best are chosen; a series
    without any origin, or whose candidates all score the same (no evidence,
    e.g. nothing sold before the last origin), takes the ``fallback`` alone.
    With ``seasons`` and ``combine`` above 1, a season the validation does not reject
    is kept (:func:`_keep_season`).
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
    if seasons is not None and combine > 1:  # a hedge in a combination, not a single pick
        _keep_season(chosen, mse, origins, informative, seasons)
    chosen[:, ~informative] = False
    chosen[fallback, ~informative] = True
    return chosen


def _keep_season(
    chosen: np.ndarray,
    mse: np.ndarray,
    origins: np.ndarray,
    informative: np.ndarray,
    seasons: Seasons,
) -> None:
    """Put the best seasonal candidate in the last place of ``chosen`` (in place: a
    combination of two or more) where none was chosen and the validation does not reject
    it.

    Two origins of 13 held-out periods see half a year: a yearly peak outside them
    (a Christmas for a forecast made in October) cannot tell a flat model from a
    seasonal one there, and the flat one then misses the peak. So a series whose
    seasonal candidates have forecasts at its origins keeps its best one unless it
    did significantly worse than the best candidate over the same held-out periods: a
    one-sided paired test of their squared errors at 5% (:data:`REJECT_SEASON`
    standard errors of the mean difference). On Walmart's weekly departments this
    took the mean RMSSE from 0.868 to 0.839 (bias -2.3% -> -1.9%) and the replay's
    class A from 96.99% to 97.24% fill with 5% less stock; series with less than a year
    of history (no seasonal forecast) and the intermittent-demand classes (no seasonal
    candidate) are not touched. The same rule applies to the choices of the error model
    (each origin judged by the candidates chosen on the others).
    """
    n = mse.shape[1]
    rows = np.arange(n)
    seasonal = seasons.seasonal[:, None]
    seasonal_mse = np.where(seasonal, mse, np.inf)
    best_seasonal = np.argmin(seasonal_mse, axis=0)
    best = np.argmin(mse, axis=0)
    open_ = (
        informative
        & ~(chosen & seasonal).any(axis=0)
        & np.isfinite(seasonal_mse[best_seasonal, rows])
        & np.isfinite(mse[best, rows])
    )
    at = np.flatnonzero(open_)
    if not len(at):
        return
    counted = origins[at][:, :, None] & seasons.cells[at][:, None, :]  # (m, origins, hv)
    diff = seasons.error2[best_seasonal[at], at] - seasons.error2[best[at], at]
    diff = np.where(counted, diff, 0.0).reshape(len(at), -1)
    cells = counted.reshape(len(at), -1).sum(axis=1)
    mean = diff.sum(axis=1) / np.maximum(cells, 1)
    squares = (np.where(counted.reshape(len(at), -1), diff - mean[:, None], 0.0) ** 2).sum(axis=1)
    se = np.sqrt(squares / np.maximum(cells - 1, 1) / np.maximum(cells, 1))
    kept = at[(cells >= 2) & (mean <= REJECT_SEASON * se)]
    picked = np.where(chosen[:, kept], mse[:, kept], -np.inf)
    chosen[np.argmax(picked, axis=0), kept] = False  # the weakest chosen makes room
    chosen[best_seasonal[kept], kept] = True


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


def _error_parts(
    errors: np.ndarray, y: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each series' part of the error model, from its own errors alone.

    ``errors`` are the chosen forecast's validation errors (n, origins, hv), NaN
    where an origin does not count and past the end of a series' window (its
    validation design may hold out fewer than ``hv`` periods). Returns the
    variance of one period's error ``s2`` (n,) -- the variance of its periods so
    far for a series without validation --, the growth of the variance of the
    first ``j`` periods' total against ``j x s2`` (n, hv; NaN without errors)
    and the steps its windows reach (n,; ``hv`` without validation).
    """
    n, hv = len(errors), errors.shape[2]
    cells = ~np.isnan(errors)
    has = cells[:, :, 0].any(axis=1)
    filled = np.where(cells, errors, 0.0)
    s2 = np.divide((filled**2).sum(axis=(1, 2)), cells.sum(axis=(1, 2)), out=np.zeros(n), where=has)
    reach = cells.sum(axis=1)  # origins whose window holds step j, (n, hv)
    summed = np.where(cells, np.cumsum(filled, axis=2) ** 2, 0.0).sum(axis=1)
    steps_s2 = np.arange(1, hv + 1)[None, :] * s2[:, None] * reach
    ratio = np.divide(
        summed, steps_s2, out=np.full((n, hv), np.nan), where=(s2[:, None] > 0) & (reach > 0)
    )
    # Series without validation: the variance of their periods so far.
    on = np.arange(y.shape[1])[None, :] >= start[:, None]
    count = on.sum(axis=1)
    level = np.divide(np.where(on, y, 0).sum(axis=1), count, out=np.zeros(n), where=count > 0)
    spread = np.where(on, (y - level[:, None]) ** 2, 0).sum(axis=1)
    sample = np.divide(spread, count - 1, out=np.zeros(n), where=count > 1)
    steps = np.where(has, (reach > 0).sum(axis=1), hv)  # past a series' window: its last step
    return np.where(has, s2, sample), np.where(has[:, None], ratio, np.nan), steps


def _error_variance(
    mean: np.ndarray, classes: np.ndarray, s2: np.ndarray, ratio: np.ndarray, steps: np.ndarray
) -> np.ndarray:
    """Variance of the total demand over the first ``j`` periods, shape (n, horizon + 1),
    from the series' :func:`_error_parts`: ``s2 x j x g(j)``, ``g`` the growth curve of
    its demand class (one series' few origins are too noisy for a curve of its own),
    never below the mean."""
    n, horizon = mean.shape
    hv = ratio.shape[1]
    growth = np.ones((n, hv))
    usable = ~np.isnan(ratio).all(axis=1) & (s2 > 0)
    overall = _growth_curve(ratio[usable], np.ones(hv))
    for cls in CLASSES:
        members = usable & (classes == cls)
        curve = overall
        if members.sum() >= MIN_CLASS_SERIES:
            curve = _growth_curve(ratio[members], overall)
        growth[classes == cls] = curve
    j = np.arange(1, horizon + 1)
    g = np.take_along_axis(growth, np.minimum(j[None, :], steps[:, None]) - 1, axis=1)
    cum_mean = np.cumsum(mean, axis=1)
    cum = np.maximum(s2[:, None] * j[None, :] * g, cum_mean)
    cum = np.maximum.accumulate(cum, axis=1)
    return np.concatenate([np.zeros((n, 1)), cum], axis=1)


def _growth_curve(ratios: np.ndarray, default: np.ndarray) -> np.ndarray:
    """Mean growth per step over series, at least 0.25; ``default`` without series.

    Each ratio is a squared error over a few origins, heavily skewed: its median
    would understate the typical growth, so the mean is taken, with ratios above
    the 95th percentile clipped to it so one wild series cannot set the curve.
    Steps no series reaches (NaN throughout: shorter validation windows) take
    ``default``.
    """
    seen = ~np.isnan(ratios).all(axis=0) if len(ratios) else np.zeros(len(default), bool)
    if not seen.any():
        return default
    top = np.nanquantile(ratios[:, seen], 0.95, axis=0)
    curve = np.array(default, dtype=float)
    curve[seen] = np.maximum(np.nanmean(np.minimum(ratios[:, seen], top), axis=0), 0.25)
    return curve
