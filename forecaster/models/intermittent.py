"""Intermittent-demand models over a panel of series, vectorised across series.

Every model takes the same panel:

``y``
    Demand per period, float array of shape ``(n, T)``, oldest period first,
    values ``>= 0`` (units per period).
``start``
    Integer array of shape ``(n,)``: index of the first period of each series.
    Periods before it are ignored entirely, as if the series did not exist
    (their values are neither read nor validated); ``start == T`` is an empty
    series.

and returns a :class:`Fit`: ``fitted[i, t]`` is the one-step-ahead forecast of
period ``t`` made from periods ``start[i] .. t - 1`` only, so
``fitted[:, t] == model(y[:, :t], min(start, t)).forecast`` wherever ``fitted``
is defined, and ``forecast`` is the flat forecast of every period after ``T``.

``fitted`` is NaN where a model has nothing to forecast from: ``t <= start``
for every model, and also every period up to and including the first demand
for the Croston-type models (Croston, SBA, SY, TSB), whose state starts at the
first demand. ``forecast`` is never NaN: a series without any demand (all
zero, or empty) forecasts 0.0.

The recursions loop over time (or over aggregation levels), never over
series; the state is laid out ``(settings, series)`` so that every numpy
operation runs along the long series axis, and inside the loops selections
are arithmetic masks (``np.where`` on a random mask is several times slower).
The ``*_optimised`` functions choose smoothing constants per series from a
small grid by in-sample one-step mean squared error, running the whole grid
in one pass over time with a ``(grid, n)`` state, never a ``(grid, n, T)``
array. ADIDA and IMAPA loop over their aggregation levels, each a lag-``k``
recursion over time; for a series whose level changes over time, ``fitted``
takes at each origin the level of the data up to that origin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
LevelArray = npt.NDArray[np.int32]
#: How a Croston-type recursion turns size and interval into a forecast (:func:`_croston_guess`).
Variant = Literal["croston", "sba", "sy"]

#: Smoothing constants tried by :func:`ses_optimised`.
SES_ALPHAS: tuple[float, ...] = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
#: Smoothing constants tried by :func:`croston_optimised`, :func:`sba_optimised` and
#: :func:`sy_optimised`.
CROSTON_ALPHAS: tuple[float, ...] = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
#: Size smoothing constants tried by :func:`tsb_optimised`.
TSB_ALPHAS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3)
#: Probability smoothing constants tried by :func:`tsb_optimised` (every pair with TSB_ALPHAS).
TSB_BETAS: tuple[float, ...] = (0.02, 0.05, 0.1, 0.2, 0.3)
#: Highest aggregation level :func:`imapa` combines.
IMAPA_MAX_LEVEL = 12


@dataclass(frozen=True)
class Fit:
    """In-sample and out-of-sample forecasts of a panel of series.

    Attributes
    ----------
    fitted
        Shape ``(n, T)``, units per period: one-step-ahead forecast of period
        ``t`` from periods ``start .. t - 1`` only; NaN where undefined
        (``t <= start``, or up to the first demand for Croston-type models).
    forecast
        Shape ``(n,)``, units per period: flat forecast of every period after
        ``T``; 0.0 for a series without demand or without periods.
    """

    fitted: FloatArray
    forecast: FloatArray


@dataclass(frozen=True)
class Tuned:
    """A fit with smoothing constants chosen per series.

    Attributes
    ----------
    fit
        The fit of each series with its own chosen constants.
    alpha
        Shape ``(n,)``: the chosen level (SES) or size (Croston, SBA, SY, TSB)
        smoothing constant.
    beta
        Shape ``(n,)``: the chosen probability smoothing constant (TSB only,
        else None).
    """

    fit: Fit
    alpha: FloatArray
    beta: FloatArray | None = None


@dataclass(frozen=True)
class _Pass:
    """One pass of a recursion over time with several parameter settings side by side.

    Attributes
    ----------
    sse
        Shape ``(..., n)``: sum of squared one-step errors per setting, plus a
        term that is the same for every setting of a series (see :func:`_best`);
        zeros when the pass recorded ``fitted``.
    forecast
        Shape ``(..., n)``: forecast after the last period per setting.
    fitted
        Time-major ``(T, n)`` one-step forecasts of the single setting, NaN
        where undefined, if recorded.
    """

    sse: FloatArray
    forecast: FloatArray
    fitted: FloatArray | None


# --------------------------------------------------------------------------- inputs


def _panel(y: npt.ArrayLike, start: npt.ArrayLike) -> tuple[FloatArray, IntArray]:
    """Validate a panel; return it time-major ``(T, n)`` with pre-start periods set to 0.

    Zeroing the periods before ``start`` makes every later step blind to them.

    Raises
    ------
    ValueError
        If ``y`` is not 2-D, ``start`` is not an integer array of shape
        ``(n,)`` within ``[0, T]``, or a value from ``start`` on is negative
        or not finite.
    """
    values = np.asarray(y, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"y must have shape (n, T); found {values.ndim} dimension(s)")
    n, periods = values.shape
    first = np.asarray(start)
    if first.shape != (n,) or not (first.size == 0 or np.issubdtype(first.dtype, np.integer)):
        raise ValueError(
            f"start must be an integer array of shape ({n},); "
            f"found dtype {first.dtype} and shape {first.shape}"
        )
    first = first.astype(np.int64)
    if n and (first.min() < 0 or first.max() > periods):
        raise ValueError(f"start must lie in [0, {periods}]; found {first.min()} .. {first.max()}")
    used = np.arange(periods)[None, :] >= first[:, None]
    clean = values if used.all() else np.where(used, values, 0.0)
    if clean.size and not (clean.min() >= 0 and clean.max() < np.inf):  # False for NaN too
        i, t = np.argwhere(~((clean >= 0) & (clean < np.inf)))[0]
        raise ValueError(
            "y must be finite and >= 0 from each series' start; "
            f"found {values[i, t]} in series {i} at period {t}"
        )
    return np.ascontiguousarray(clean.T), first


def _rate(value: npt.ArrayLike, n: int, name: str) -> FloatArray:
    """A smoothing constant, scalar or one per series, as a ``(1, 1)`` or ``(1, n)`` row.

    Raises
    ------
    ValueError
        If the shape is neither ``()`` nor ``(n,)`` or a value is outside ``(0, 1]``.
    """
    rate = np.asarray(value, dtype=np.float64)
    if rate.shape not in ((), (n,)):
        raise ValueError(f"{name} must be a scalar or of shape ({n},); found shape {rate.shape}")
    if not np.all((rate > 0) & (rate <= 1)):
        raise ValueError(f"{name} must lie in (0, 1]; found {rate.min()} .. {rate.max()}")
    return rate.reshape(1, -1)


def _grid(values: Sequence[float], name: str) -> FloatArray:
    """A non-empty grid of smoothing constants in ``(0, 1]`` as a ``(G, 1)`` column."""
    if len(values) == 0:
        raise ValueError(f"{name} must hold at least one value; found none")
    grid = _rate(values, len(values), name)
    return grid.reshape(-1, 1)


def _fit(run: _Pass) -> Fit:
    """The :class:`Fit` of a pass that recorded ``fitted`` for a single setting."""
    assert run.fitted is not None
    forecast = run.forecast[(0,) * (run.forecast.ndim - 1)].copy()
    return Fit(fitted=np.ascontiguousarray(run.fitted.T), forecast=forecast)


# --------------------------------------------------------------------------- recursions over time


def _ses_pass(y: FloatArray, start: IntArray, alpha: FloatArray, record: bool) -> _Pass:
    """Simple exponential smoothing of time-major ``y``; ``alpha`` is ``(G, 1)`` or ``(1, 1|n)``.

    ``l_start = y_start`` and ``l_t = l_{t-1} + alpha (y_t - l_{t-1})``; the
    forecast of ``t`` is ``l_{t-1}``, defined for ``t > start``. The ``sse``
    includes ``y_start^2`` (the error of the undefined forecast 0 at ``start``).
    """
    periods, n = y.shape
    level = np.zeros((alpha.shape[0], n))
    err = np.empty_like(level)
    sse = np.zeros_like(level)
    fitted = np.empty((periods, n)) if record else None
    pad = np.full(n, np.nan)  # added to a recorded forecast: NaN while undefined, then 0
    for t in range(periods):
        if fitted is not None:
            pad[start == t - 1] = 0.0
            np.add(level[0], pad, out=fitted[t])
        np.subtract(y[t], level, out=err)
        if fitted is None:
            sse += err * err
        # weight 1 at the start sets l = 0 + (y - 0) = y exactly; 0 before the start
        weight = alpha * (start < t)
        weight += start == t
        err *= weight
        level += err
    return _Pass(sse=sse, forecast=level, fitted=fitted)


def _croston_guess(
    size: FloatArray, interval: FloatArray, alpha: FloatArray, variant: Variant, out: FloatArray
) -> FloatArray:
    """The Croston-type forecast from size ``z`` and interval ``p`` into ``out``.

    ``croston``: ``z / p``; ``sba``: ``(1 - alpha / 2) z / p``; ``sy``:
    ``(1 - alpha / 2) z / (p - alpha / 2)`` (``p >= 1``, so the divisor is positive).
    """
    if variant == "sy":
        np.subtract(interval, alpha / 2.0, out=out)
        np.divide(size, out, out=out)
    else:
        np.divide(size, interval, out=out)
    if variant != "croston":
        out *= 1.0 - alpha / 2.0
    return out


def _croston_pass(
    y: FloatArray, start: IntArray, alpha: FloatArray, variant: Variant, record: bool
) -> _Pass:
    """Croston's recursion of time-major ``y``, forecast as ``variant`` (:func:`_croston_guess`).

    At the first demand (period ``f``) ``z = y_f`` and ``p = f - start + 1``;
    at every later demand ``t`` (previous demand at ``s``)
    ``z += alpha (y_t - z)`` and ``p += alpha ((t - s) - p)``. ``alpha`` is
    ``(G, 1)`` or ``(1, 1|n)``. The ``sse`` includes ``y_f^2`` (the error of
    the undefined forecast 0 at the first demand).
    """
    periods, n = y.shape
    size = np.zeros((alpha.shape[0], n))
    interval = np.ones_like(size)
    guess = np.empty_like(size)
    work = np.empty_like(size)
    sse = np.zeros_like(size)
    seen = np.zeros(n, dtype=bool)
    last = start - 1  # so that the first interval t - last is t - start + 1
    fitted = np.empty((periods, n)) if record else None
    pad = np.full(n, np.nan)
    for t in range(periods):
        yt = y[t]
        _croston_guess(size, interval, alpha, variant, guess)
        if fitted is not None:
            np.add(guess[0], pad, out=fitted[t])
        else:
            np.subtract(yt, guess, out=work)
            work *= work
            sse += work
        demand = yt > 0
        if not demand.any():
            continue
        first = demand & ~seen
        # weight 1 at the first demand sets z = y and p = gap exactly (from z = 0, p = 1)
        weight = alpha * (demand & seen)
        weight += first
        np.subtract(yt, size, out=work)
        work *= weight
        size += work
        np.subtract(t - last, interval, out=work)
        work *= weight
        interval += work
        last[demand] = t
        seen |= demand
        pad[first] = 0.0
    _croston_guess(size, interval, alpha, variant, guess)  # 0 for a series without demand
    return _Pass(sse=sse, forecast=guess, fitted=fitted)


def _tsb_pass(
    y: FloatArray, start: IntArray, alpha: FloatArray, beta: FloatArray, record: bool
) -> _Pass:
    """The TSB recursion of time-major ``y``; forecasts ``pi x z`` for every (alpha, beta) pair.

    At the first demand (period ``f``) ``z = y_f`` and ``pi = 1 / (f - start + 1)``;
    in every later period ``pi += beta (1[y_t > 0] - pi)`` and, if ``y_t > 0``,
    ``z += alpha (y_t - z)``. ``alpha`` is ``(Ga, 1)`` or ``(1, 1|n)``, ``beta``
    likewise; the size and probability recursions are separate, only their
    product is formed per pair, giving ``sse`` and ``forecast`` of shape
    ``(Ga, Gb, n)``. The ``sse`` includes ``y_f^2``.
    """
    periods, n = y.shape
    size = np.zeros((alpha.shape[0], n))
    prob = np.zeros((beta.shape[0], n))
    size_step = np.empty_like(size)
    prob_step = np.empty_like(prob)
    guess = np.empty((size.shape[0], prob.shape[0], n))
    sse = np.zeros_like(guess)
    seen = np.zeros(n, dtype=bool)
    fitted = np.empty((periods, n)) if record else None
    pad = np.full(n, np.nan)
    for t in range(periods):
        yt = y[t]
        np.multiply(size[:, None, :], prob[None, :, :], out=guess)
        if fitted is not None:
            np.add(guess[0, 0], pad, out=fitted[t])
        else:
            np.subtract(yt, guess, out=guess)
            guess *= guess
            sse += guess
        demand = yt > 0
        # before the first demand pi = 0 and 1[y > 0] = 0, so pi stays 0; at it, pi is set below
        np.subtract(demand, prob, out=prob_step)
        prob_step *= beta
        prob += prob_step
        if not demand.any():
            continue
        first = demand & ~seen
        weight = alpha * (demand & seen)
        weight += first  # weight 1 sets z = 0 + (y - 0) = y exactly
        np.subtract(yt, size, out=size_step)
        size_step *= weight
        size += size_step
        prob[:, first] = 1.0 / (t - start[first] + 1)
        seen |= demand
        pad[first] = 0.0
    np.multiply(size[:, None, :], prob[None, :, :], out=guess)  # 0 without demand
    return _Pass(sse=sse, forecast=guess, fitted=fitted)


# --------------------------------------------------------------------------- public models


def ses(y: npt.ArrayLike, start: npt.ArrayLike, alpha: npt.ArrayLike = 0.1) -> Fit:
    """Simple exponential smoothing (Brown 1959; Hyndman & Athanasopoulos, FPP3 8.1).

    ``l_start = y_start``, ``l_t = l_{t-1} + alpha (y_t - l_{t-1})``; the
    forecast of period ``t`` is ``l_{t-1}`` and of every period after ``T`` is
    ``l_{T-1}`` (units per period).

    Parameters
    ----------
    y, start
        The panel (see the module docstring).
    alpha
        Smoothing constant in ``(0, 1]``, scalar or one per series ``(n,)``.

    Returns
    -------
    Fit
        ``fitted`` defined for ``t > start``; ``forecast`` 0.0 for an empty series.

    Examples
    --------
    >>> ses([[0.0, 3, 0, 0, 6]], [0], alpha=0.5).forecast  # 0, 1.5, .75, .375, 3.1875
    array([3.1875])
    """
    values, first = _panel(y, start)
    return _fit(_ses_pass(values, first, _rate(alpha, len(first), "alpha"), record=True))


def croston(y: npt.ArrayLike, start: npt.ArrayLike, alpha: npt.ArrayLike = 0.1) -> Fit:
    """Croston's method (Croston 1972, Operational Research Quarterly 23(3), 289-303).

    Demand size ``z`` and inter-demand interval ``p`` (periods) are smoothed with
    the same ``alpha``, updated only in periods with demand:

    * first demand, in period ``f``: ``z = y_f``, ``p = f - start + 1``
      (periods since the start, inclusive);
    * later demand in period ``t``, previous demand in ``s``:
      ``z += alpha (y_t - z)``, ``p += alpha ((t - s) - p)``.

    The forecast is ``z / p`` units per period; it stays flat when a series
    stops selling.

    Parameters
    ----------
    y, start
        The panel (see the module docstring).
    alpha
        Smoothing constant in ``(0, 1]``, scalar or one per series ``(n,)``.

    Returns
    -------
    Fit
        ``fitted`` NaN up to and including the first demand; ``forecast`` 0.0
        for a series without demand.

    Examples
    --------
    >>> croston([[0.0, 3, 0, 0, 6]], [0], alpha=0.5).forecast  # z 4.5, p 2.5
    array([1.8])
    """
    values, first = _panel(y, start)
    rate = _rate(alpha, len(first), "alpha")
    return _fit(_croston_pass(values, first, rate, "croston", record=True))


def sba(y: npt.ArrayLike, start: npt.ArrayLike, alpha: npt.ArrayLike = 0.1) -> Fit:
    """Syntetos-Boylan approximation: Croston's forecast times ``1 - alpha / 2``.

    Removes the bias of Croston's ``z / p`` (Syntetos & Boylan 2005,
    International Journal of Forecasting 21(2), 303-314). Note that a series
    selling ``c`` every period forecasts ``c (1 - alpha / 2)``, not ``c``.

    Parameters
    ----------
    y, start
        The panel (see the module docstring).
    alpha
        Smoothing constant in ``(0, 1]``, scalar or one per series ``(n,)``.

    Examples
    --------
    >>> sba([[0.0, 3, 0, 0, 6]], [0], alpha=0.5).forecast  # 1.8 x 0.75
    array([1.35])
    """
    values, first = _panel(y, start)
    rate = _rate(alpha, len(first), "alpha")
    return _fit(_croston_pass(values, first, rate, "sba", record=True))


def sy(y: npt.ArrayLike, start: npt.ArrayLike, alpha: npt.ArrayLike = 0.1) -> Fit:
    """Syntetos' (2001) correction of Croston: ``(1 - alpha / 2) z / (p - alpha / 2)``.

    Croston's ``z / p`` overstates demand by a factor of about
    ``1 + alpha / (2 - alpha) x (p - 1) / p`` (Syntetos & Boylan 2005); dividing
    it out gives this forecast. SBA's ``1 - alpha / 2`` is its limit for long
    intervals and over-corrects short ones -- a series selling every period
    (``p = 1``) would get ``1 - alpha / 2`` of its demand, here all of it. Teunter
    & Sani (2009, EJOR 194(1), 177-183) find SBA biased low by more than
    Croston is biased high at low intermittence, and this correction far less
    biased over the whole range.

    Parameters
    ----------
    y, start
        The panel (see the module docstring).
    alpha
        Smoothing constant in ``(0, 1]``, scalar or one per series ``(n,)``.

    Examples
    --------
    >>> sy([[0.0, 3, 0, 0, 6]], [0], alpha=0.5).forecast  # 4.5 x 0.75 / (2.5 - 0.25)
    array([1.5])
    >>> sy([[2.0, 2, 2, 2]], [0], alpha=0.5).forecast  # a sale every period: all of it
    array([2.])
    """
    values, first = _panel(y, start)
    rate = _rate(alpha, len(first), "alpha")
    return _fit(_croston_pass(values, first, rate, "sy", record=True))


def tsb(
    y: npt.ArrayLike, start: npt.ArrayLike, alpha: npt.ArrayLike = 0.1, beta: npt.ArrayLike = 0.1
) -> Fit:
    """Teunter-Syntetos-Babai (2011, EJOR 214(3), 606-615): demand probability x size.

    * first demand, in period ``f``: size ``z = y_f`` and probability
      ``pi = 1 / (f - start + 1)``, the rate of the first interval (the
      Croston ``1 / p``; it is 1 for a series that sells from its start);
    * every later period ``t``: ``pi += beta (1[y_t > 0] - pi)``, and in
      periods with demand ``z += alpha (y_t - z)``.

    The forecast is ``pi x z`` units per period. Unlike Croston it decays
    geometrically (by ``1 - beta`` per period) once a series stops selling.

    Parameters
    ----------
    y, start
        The panel (see the module docstring).
    alpha, beta
        Size and probability smoothing constants in ``(0, 1]``, scalars or one
        per series ``(n,)``.

    Returns
    -------
    Fit
        ``fitted`` NaN up to and including the first demand; ``forecast`` 0.0
        for a series without demand.

    Examples
    --------
    >>> tsb([[0.0, 3, 0, 0, 6]], [0], alpha=0.5, beta=0.5).forecast  # pi .5625, z 4.5
    array([2.53125])
    """
    values, first = _panel(y, start)
    n = len(first)
    run = _tsb_pass(values, first, _rate(alpha, n, "alpha"), _rate(beta, n, "beta"), True)
    return _fit(run)


# --------------------------------------------------------------------------- temporal aggregation


def _aggregation_levels(y: FloatArray, start: IntArray) -> LevelArray:
    """ADIDA's aggregation level at every forecast origin, shape ``(T + 1, n)``.

    Row ``t`` uses periods ``start .. t - 1`` of time-major ``y`` (zero before
    ``start``): ``k = round(mean interval between consecutive demands)``,
    halves rounded up, computed exactly in integers as
    ``floor((2 (last - first) + m - 1) / (2 (m - 1)))`` for ``m >= 2``
    demands; ``k = 1`` with fewer than two demands; ``k = 0`` (no forecast)
    where ``t <= start``.
    """
    periods, n = y.shape
    demand = y > 0
    count = np.zeros((periods + 1, n), dtype=np.int32)
    np.cumsum(demand, axis=0, dtype=np.int32, out=count[1:])
    level = np.zeros((periods + 1, n), dtype=np.int32)  # built in place: the panel may be big
    np.multiply(demand, np.arange(1, periods + 1, dtype=np.int32)[:, None], out=level[1:])
    np.maximum.accumulate(level[1:], axis=0, out=level[1:])  # last demand + 1, 0 if none
    earliest = np.argmax(demand, axis=0).astype(np.int32) if periods else np.zeros(n, np.int32)
    level -= earliest + 1  # last - first; negative without demand
    level *= 2
    count -= 1  # m - 1
    level += count
    np.maximum(count, 1, out=count)
    count *= 2
    np.floor_divide(level, count, out=level)
    np.maximum(level, 1, out=level)  # m = 1: 0 -> 1; m = 0: negative -> 1
    level *= np.arange(periods + 1)[:, None] > start
    return level


def _aggregate_ses(
    y: FloatArray | None, totals: FloatArray, start: IntArray, k: int, alpha: FloatArray
) -> FloatArray:
    """Per-period SES forecast of ``k``-period bucket totals at every origin, ``(T + 1, r)``.

    For origin ``t`` the buckets end at ``t - 1`` and step back ``k`` periods,
    the oldest incomplete one dropped; ``S`` is SES (``alpha``, shape ``(r,)``)
    over their totals from the oldest complete bucket, and the value is
    ``S / k``. So ``S(e) = S(e - k) + alpha (B(e) - S(e - k))`` with ``B(e)``
    the total of periods ``e - k + 1 .. e``: a lag-``k`` recursion, run ``k``
    periods (all phases) at a time. The value is 0 at origin 0 and meaningless
    (finite) where no bucket is complete (``t - k < start``).

    ``y`` is time-major with pre-start periods 0 (needed for ``k = 1``, where
    ``B = y`` exactly), ``totals`` its cumulative sums with a leading 0 row.
    """
    periods, width = totals.shape[0] - 1, totals.shape[1]
    oldest = start + k - 1  # end of the oldest complete bucket
    value = np.zeros((periods + 1, width))
    previous = np.zeros((k, width))
    for b in range(0, periods, k):
        m = min(k, periods - b)
        if k == 1:
            assert y is not None
            bucket = y[b : b + 1]
        elif b == 0:  # partial sums; only e = k - 1 can be complete and used
            bucket = totals[1 : m + 1]
        else:
            bucket = totals[b + 1 : b + m + 1] - totals[b + 1 - k : b + m + 1 - k]
        age = np.arange(b, b + m)[:, None] - oldest
        weight = (age >= k) * alpha  # 0 before the oldest complete bucket ...
        weight += (age >= 0) & (age < k)  # ... 1 at it: S = 0 + (B - 0) = B exactly
        out = value[b + 1 : b + m + 1]
        prev = previous[:m]
        np.subtract(bucket, prev, out=out)
        out *= weight
        out += prev
        previous = out
    if k > 1:
        value /= k
    return value


def _aggregate_fit(origins: FloatArray, start: IntArray) -> Fit:
    """The :class:`Fit` from per-origin forecasts ``(T + 1, n)`` (row ``T`` is the forecast).

    ``fitted`` is set to NaN where ``t <= start``; the forecast row is already
    0 for a series without periods.
    """
    periods = origins.shape[0] - 1
    fitted = np.ascontiguousarray(origins[:-1].T)
    fitted[np.arange(periods)[None, :] <= start[:, None]] = np.nan
    return Fit(fitted=fitted, forecast=origins[-1].copy())


def adida(y: npt.ArrayLike, start: npt.ArrayLike, alpha: npt.ArrayLike = 0.1) -> Fit:
    """ADIDA: aggregate, forecast, disaggregate (Nikolopoulos et al. 2011, JORS 62(3), 544-554).

    For each series the aggregation level is
    ``k = max(1, round(ADI))`` with ``ADI`` the mean interval between
    consecutive demands in periods ``start .. T - 1`` (halves rounded up;
    ``k = 1`` with fewer than two demands). The periods are cut into
    non-overlapping buckets of ``k`` ending at ``T - 1`` (an incomplete oldest
    bucket is dropped), SES with a fixed ``alpha`` (0.1 by default, not
    optimised), initialised with the oldest bucket, forecasts the bucket
    totals, and the forecast per period is the bucket forecast ``/ k``.

    ``fitted[:, t]`` is the same procedure applied to periods ``start .. t - 1``
    (level and buckets recomputed at each origin), i.e. a true rolling
    one-step forecast. Series are grouped by level; each level runs a lag-``k``
    recursion over time for the series that take that level at some origin.

    Parameters
    ----------
    y, start
        The panel (see the module docstring).
    alpha
        SES constant of the bucket totals in ``(0, 1]``, scalar or ``(n,)``.

    Returns
    -------
    Fit
        ``fitted`` defined for ``t > start`` (0 before the first demand);
        ``forecast`` 0.0 for an empty or all-zero series.

    Examples
    --------
    >>> adida([[0.0, 3, 0, 0, 6]], [0]).forecast  # ADI 3: one bucket (0 + 0 + 6) / 3
    array([2.])
    """
    values, first = _panel(y, start)
    periods, n = values.shape
    rate = np.broadcast_to(_rate(alpha, n, "alpha")[0], (n,))
    levels = _aggregation_levels(values, first).ravel()
    # origins (flat t * n + i) grouped by level: a linear-time radix sort on 16-bit keys
    keys = levels.astype(np.int16) if periods < 2**15 else levels
    by_level = np.argsort(keys, kind="stable")
    bounds = np.cumsum(np.bincount(levels))
    totals = np.zeros((periods + 1, n))
    np.cumsum(values, axis=0, out=totals[1:])
    origins = np.zeros(levels.shape)
    local = np.arange(n)  # column of each series among those computed for a level
    for k in np.flatnonzero(np.diff(bounds)) + 1:
        where = by_level[bounds[k - 1] : bounds[k]]
        t, i = np.divmod(where, n)
        used = np.zeros(n, dtype=bool)
        used[i] = True
        cols = np.flatnonzero(used)
        if 2 * len(cols) > n:  # cheaper to run every series than to gather these
            value = _aggregate_ses(values, totals, first, int(k), rate)
            origins[where] = value.ravel()[t * n + i]
            continue
        own = values[:, cols] if k == 1 else None
        value = _aggregate_ses(own, totals[:, cols], first[cols], int(k), rate[cols])
        local[cols] = np.arange(len(cols))
        origins[where] = value.ravel()[t * len(cols) + local[i]]
    return _aggregate_fit(origins.reshape(periods + 1, n), first)


def imapa(
    y: npt.ArrayLike,
    start: npt.ArrayLike,
    alpha: npt.ArrayLike = 0.1,
    max_level: int = IMAPA_MAX_LEVEL,
) -> Fit:
    """IMAPA: the mean of ADIDA forecasts over levels ``1 .. K`` (Petropoulos & Kourentzes 2015).

    Petropoulos & Kourentzes (2015), *Forecast combinations for intermittent
    demand*, JORS 66(6), 914-924. With ``k`` the ADIDA level of a series
    (rounded mean inter-demand interval) and ``K = min(k, max_level)``, the
    forecast per period is ``(1/K) sum_{j=1..K} S_j / j`` where ``S_j`` is the
    SES (fixed ``alpha``, not optimised) forecast of the ``j``-period bucket
    totals, buckets ending at the last period, the incomplete oldest dropped.
    A smooth series (``K = 1``) gets plain SES. ``fitted`` is the rolling
    one-step forecast, ``K`` and the buckets recomputed at each origin.

    Parameters
    ----------
    y, start
        The panel (see the module docstring).
    alpha
        SES constant at every level in ``(0, 1]``, scalar or ``(n,)``.
    max_level
        Highest level combined (default 12).

    Returns
    -------
    Fit
        ``fitted`` defined for ``t > start``; ``forecast`` 0.0 for an empty
        or all-zero series.

    Examples
    --------
    >>> float(imapa([[0.0, 3, 0, 0, 6]], [0]).forecast[0])  # (0.8187 + 3.3 / 2 + 6 / 3) / 3
    1.4895666666666667
    """
    if max_level < 1:
        raise ValueError(f"max_level must be at least 1; found {max_level}")
    values, first = _panel(y, start)
    n = len(first)
    rate = np.broadcast_to(_rate(alpha, n, "alpha")[0], (n,))
    levels = np.minimum(_aggregation_levels(values, first), max_level)
    top = levels.max(axis=0, initial=0)
    # series sorted by their highest level, so those using level j are a leading block
    order = np.argsort(-top, kind="stable")
    ranked_values, ranked_levels = values[:, order], levels[:, order]
    totals = np.zeros((values.shape[0] + 1, n))
    np.cumsum(ranked_values, axis=0, out=totals[1:])
    total = np.zeros(levels.shape)
    for j in range(1, max_level + 1):
        r = int(np.count_nonzero(top >= j))
        if r == 0:
            break
        own = ranked_values[:, :r] if j == 1 else None
        value = _aggregate_ses(own, totals[:, :r], first[order[:r]], j, rate[order[:r]])
        value *= ranked_levels[:, :r] >= j
        total[:, :r] += value
    total /= np.maximum(ranked_levels, 1)
    origins = np.empty_like(total)
    origins[:, order] = total
    return _aggregate_fit(origins, first)


# --------------------------------------------------------------------------- optimisation


def _best(sse: FloatArray) -> IntArray:
    """Per series (last axis), the first setting (flattened leading axes) of least error.

    Every setting of a model has the same defined fitted periods, so the least
    sum is the least mean. The passes add to every setting of a series the
    same term (the squared demand of the first period they cannot forecast),
    which changes no choice. A series without any defined period takes the
    first setting.
    """
    settings = int(np.prod(sse.shape[:-1]))
    return np.asarray(np.argmin(sse.reshape(settings, sse.shape[-1]), axis=0), dtype=np.int64)


def ses_optimised(
    y: npt.ArrayLike, start: npt.ArrayLike, alphas: Sequence[float] = SES_ALPHAS
) -> Tuned:
    """:func:`ses` with ``alpha`` chosen per series from ``alphas``.

    The choice minimises the series' in-sample one-step mean squared error
    ``mean_t (y_t - fitted_t)^2`` over its defined fitted periods (``t > start``);
    ties go to the earlier grid value.
    """
    values, first = _panel(y, start)
    grid = _grid(alphas, "alphas")
    best = grid[_best(_ses_pass(values, first, grid, record=False).sse), 0]
    return Tuned(fit=_fit(_ses_pass(values, first, best[None, :], record=True)), alpha=best)


def _croston_optimised(
    y: npt.ArrayLike, start: npt.ArrayLike, alphas: Sequence[float], variant: Variant
) -> Tuned:
    """A Croston-type ``variant`` with ``alpha`` chosen per series by in-sample MSE."""
    values, first = _panel(y, start)
    grid = _grid(alphas, "alphas")
    best = grid[_best(_croston_pass(values, first, grid, variant, record=False).sse), 0]
    run = _croston_pass(values, first, best[None, :], variant, record=True)
    return Tuned(fit=_fit(run), alpha=best)


def croston_optimised(
    y: npt.ArrayLike, start: npt.ArrayLike, alphas: Sequence[float] = CROSTON_ALPHAS
) -> Tuned:
    """:func:`croston` with ``alpha`` chosen per series from ``alphas``.

    The choice minimises the in-sample one-step mean squared error over the
    periods after the first demand (where ``fitted`` is defined); ties, and
    series with at most one demand (every ``alpha`` fits alike), go to the
    earlier grid value.
    """
    return _croston_optimised(y, start, alphas, "croston")


def sba_optimised(
    y: npt.ArrayLike, start: npt.ArrayLike, alphas: Sequence[float] = CROSTON_ALPHAS
) -> Tuned:
    """:func:`sba` with ``alpha`` chosen per series from ``alphas`` (as :func:`croston_optimised`).

    The debiasing factor ``1 - alpha / 2`` follows the chosen ``alpha`` (so,
    unlike Croston, a series with one demand is not indifferent: it takes the
    ``alpha`` whose factor best fits the periods after that demand).
    """
    return _croston_optimised(y, start, alphas, "sba")


def sy_optimised(
    y: npt.ArrayLike, start: npt.ArrayLike, alphas: Sequence[float] = CROSTON_ALPHAS
) -> Tuned:
    """:func:`sy` with ``alpha`` chosen per series from ``alphas`` (as :func:`croston_optimised`).

    As with SBA the correction follows the chosen ``alpha``; a series with one
    demand takes the ``alpha`` that best fits the periods after it.
    """
    return _croston_optimised(y, start, alphas, "sy")


def tsb_optimised(
    y: npt.ArrayLike,
    start: npt.ArrayLike,
    alphas: Sequence[float] = TSB_ALPHAS,
    betas: Sequence[float] = TSB_BETAS,
) -> Tuned:
    """:func:`tsb` with ``(alpha, beta)`` chosen per series from every pair of the grids.

    The choice minimises the in-sample one-step mean squared error over the
    periods after the first demand; ties go to the earlier pair in the order
    ``(alphas[0], betas[0]), (alphas[0], betas[1]), ...``.
    """
    values, first = _panel(y, start)
    size_grid, prob_grid = _grid(alphas, "alphas"), _grid(betas, "betas")
    pick = _best(_tsb_pass(values, first, size_grid, prob_grid, record=False).sse)
    alpha, beta = size_grid[pick // len(prob_grid), 0], prob_grid[pick % len(prob_grid), 0]
    run = _tsb_pass(values, first, alpha[None, :], beta[None, :], record=True)
    return Tuned(fit=_fit(run), alpha=alpha, beta=beta)


# --------------------------------------------------------------------------- forecasts alone
#
# The validation candidates need only each model's flat forecast from the end of the data
# they are given, not the fitted path. These give the ``forecast`` of the fits above for a
# fraction of the time, with the same arithmetic on every number they keep, so the same
# numbers bit for bit (tested against the full fits).

#: The models :func:`optimised_forecast` knows.
Optimised = Literal["ses", "croston", "sba", "sy", "tsb"]


def optimised_forecast(model: Optimised, y: npt.ArrayLike, start: npt.ArrayLike) -> FloatArray:
    """``forecast`` of ``{model}_optimised(y, start)`` with the default grids, shape ``(n,)``.

    Read off the grid's pass at each series' chosen setting: the refit with that
    setting alone repeats, element by element, what the grid's pass computed for it.
    """
    values, first = _panel(y, start)
    n = len(first)
    if model == "tsb":
        run = _tsb_pass(
            values, first, _grid(TSB_ALPHAS, "alphas"), _grid(TSB_BETAS, "betas"), False
        )
    elif model == "ses":
        run = _ses_pass(values, first, _grid(SES_ALPHAS, "alphas"), False)
    else:
        run = _croston_pass(values, first, _grid(CROSTON_ALPHAS, "alphas"), model, False)
    return np.asarray(run.forecast.reshape(-1, n)[_best(run.sse), np.arange(n)])


def adida_forecast(y: npt.ArrayLike, start: npt.ArrayLike, alpha: float = 0.1) -> FloatArray:
    """``adida(y, start, alpha).forecast``: each series' level at the end only, and each
    level's recursion only for the series that end at it."""
    values, first = _panel(y, start)
    periods, n = values.shape
    rate = np.broadcast_to(_rate(alpha, n, "alpha")[0], (n,))
    level = _aggregation_levels(values, first)[-1]
    totals = np.zeros((periods + 1, n))
    np.cumsum(values, axis=0, out=totals[1:])
    out = np.zeros(n)
    for k in np.unique(level[level > 0]):
        cols = np.flatnonzero(level == k)
        own = values[:, cols] if k == 1 else None
        out[cols] = _aggregate_ses(own, totals[:, cols], first[cols], int(k), rate[cols])[-1]
    return out


def imapa_forecast(
    y: npt.ArrayLike, start: npt.ArrayLike, alpha: float = 0.1, max_level: int = IMAPA_MAX_LEVEL
) -> FloatArray:
    """``imapa(y, start, alpha, max_level).forecast``: the levels ``1 .. K`` of each series'
    ``K`` at the end only, each for the series that use it."""
    values, first = _panel(y, start)
    periods, n = values.shape
    rate = np.broadcast_to(_rate(alpha, n, "alpha")[0], (n,))
    top = np.minimum(_aggregation_levels(values, first)[-1], max_level)
    totals = np.zeros((periods + 1, n))
    np.cumsum(values, axis=0, out=totals[1:])
    total = np.zeros(n)
    for j in range(1, int(top.max(initial=0)) + 1):
        cols = np.flatnonzero(top >= j)
        own = values[:, cols] if j == 1 else None
        total[cols] += _aggregate_ses(own, totals[:, cols], first[cols], j, rate[cols])[-1]
    return np.asarray(total / np.maximum(top, 1))
