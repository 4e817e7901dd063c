"""Order-up-to levels for intermittent demand from its own history: the empirical loss function.

The normal loss function suits demand that sells most days. A SKU that sells
one day in ten, in lumps, has a total over the protection period that is
often 0 and sometimes several times its mean; a normal curve with the same
mean and spread misplaces both. For such units the expected shortage is read
from the distribution of the unit's own daily demand instead (the empirical
equivalent of the loss function):

1. The daily demand of the last ``window`` days on sale (promotion days
   replaced by normal demand) gives the distribution of one day's demand:
   how often nothing sells and how big the lumps are. A fractional day is
   split between the two nearest whole units, which keeps its mean.
2. The total over ``m`` days is the ``m``-fold convolution of that
   distribution (days taken as independent), computed exactly with one FFT.
   Overlapping ``P``-day windows of one year would hold only ~17 independent
   totals, too few for the tail a 98% target lives in.
3. Totals are scaled by ``mu_P / (P x mean day)``: the forecast sets the
   level, the history only the shape. The level is taken as known; its own
   error is not in the spread.
4. The lead-time spread ``sigma_L`` enters as three lead times ``L - d``,
   ``L``, ``L + d`` with ``d = sqrt(3) sigma_L`` (rounded to days) and weights
   1/6, 2/3, 1/6: the three-point Gauss-Hermite rule, which keeps the mean and
   the variance of the lead time.
5. With order-up-to level ``S``, the expected units short per review cycle are
   ``ES(S) = E(X_P - S)+ - E(X_L - S)+`` (Hadley & Whitin: demand left short
   before the order arrives is not charged to this cycle).
6. ``S`` is the smallest level with ``ES(S) <= (1 - beta) mu_R``; between
   whole units ``ES`` is linear, so ``S`` is exact, not rounded.

Units with fewer than ``min_demand_days`` days of sale in the window, or fewer
than :data:`MIN_DAYS` days on sale, get no empirical level (NaN): the caller
keeps the normal one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Fewest days on sale in the window for the history to stand for the daily distribution.
MIN_DAYS = 28
#: The three lead times, as multiples of ``d``, with their weights.
_SPREAD = ((-1, 1 / 6), (0, 2 / 3), (1, 1 / 6))
#: Most points of the grid a total is computed on; coarser steps beyond it.
_GRID = 1 << 14
#: Most grid cells (units x points) per block of work.
_CELLS = 1 << 22


@dataclass(frozen=True)
class EmpiricalLevels:
    """Order-up-to levels from the history, per unit (NaN where it is too short)."""

    order_up_to: np.ndarray
    sd: np.ndarray  # standard deviation of the scaled P-day total, units
    days: np.ndarray  # days of history the level rests on (0 where unused)


def empirical_order_up_to(
    history: np.ndarray,
    protection: np.ndarray,
    lead: np.ndarray,
    lead_sd: np.ndarray,
    mean_p: np.ndarray,
    allowed_short: np.ndarray,
    window: int,
    min_demand_days: int,
) -> EmpiricalLevels:
    """The smallest order-up-to level whose expected shortage per cycle is ``allowed_short``.

    Parameters
    ----------
    history
        Daily demand ending on the as-of date, NaN before a unit went on sale,
        shape (n_units, days).
    protection, lead
        ``P = L + R`` and ``L`` per unit, whole days.
    lead_sd
        Standard deviation of the lead time per unit, days.
    mean_p
        Forecast demand over the protection period ``mu_P`` per unit; units
        with 0 get no level.
    allowed_short
        Units short per review cycle that the fill-rate target allows,
        ``(1 - beta) mu_R`` per unit.
    window
        Days of history to read, counted back from the as-of date.
    min_demand_days
        Fewest days with a sale in the window for the history to be used.

    Examples
    --------
    A day sells 2 units with probability 1/2, else nothing; 2 days of
    protection (1 lead + 1 review) sell 0, 2 or 4 with probabilities 1/4, 1/2,
    1/4, and the lead day 0 or 2. A level ``S`` in [2, 4] leaves
    ``(4 - S)/4`` units short a cycle; 0.1 allowed gives ``S = 3.6``:

    >>> h = np.array([[2.0, 0.0] * 20])
    >>> lv = empirical_order_up_to(h, np.array([2]), np.array([1]), np.array([0.0]),
    ...                            np.array([2.0]), np.array([0.1]), 40, 4)
    >>> round(float(lv.order_up_to[0]), 6), round(float(lv.sd[0]), 6), int(lv.days[0])
    (3.6, 1.414214, 40)
    """
    n = len(history)
    out = EmpiricalLevels(np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=int))
    if window <= 0 or history.shape[1] == 0:
        return out
    history = history[:, -window:]
    on_sale = ~np.isnan(history)
    days = on_sale.sum(axis=1)
    demand_days = (np.nan_to_num(history) > 0).sum(axis=1)
    mean_p = np.asarray(mean_p, dtype=float)
    protection = np.asarray(protection, dtype=int)
    lead = np.asarray(lead, dtype=int)
    allowed_short = np.asarray(allowed_short, dtype=float)
    eligible = np.flatnonzero((days >= MIN_DAYS) & (demand_days >= min_demand_days) & (mean_p > 0))
    if len(eligible) == 0:
        return out

    shift = np.rint(np.sqrt(3.0) * np.asarray(lead_sd, dtype=float)).astype(int)
    longest = protection + shift
    biggest = np.nanmax(history[eligible], axis=1)
    step = np.maximum(np.ceil(longest[eligible] * biggest / (_GRID - 1)), 1.0)
    points = longest[eligible] * np.ceil(biggest / step).astype(int) + 1  # a day rounds up
    size = 1 << np.ceil(np.log2(np.maximum(points, 2))).astype(int)  # FFT length per unit
    for n_fft in np.unique(size):
        rows = eligible[size == n_fft]
        per_block = max(_CELLS // int(n_fft), 1)
        for start in range(0, len(rows), per_block):
            block = rows[start : start + per_block]
            unit_step = step[np.searchsorted(eligible, block)]
            level, sd = _solve(
                history[block],
                unit_step,
                int(n_fft),
                protection[block],
                lead[block],
                shift[block],
                mean_p[block],
                allowed_short[block],
            )
            out.order_up_to[block] = level
            out.sd[block] = sd
            out.days[block] = days[block]
    return out


def _solve(
    history: np.ndarray,
    step: np.ndarray,
    n_fft: int,
    protection: np.ndarray,
    lead: np.ndarray,
    shift: np.ndarray,
    mean_p: np.ndarray,
    allowed_short: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Levels and spreads of one block of units whose totals fit an FFT of ``n_fft`` points."""
    day = _daily_distribution(history / step[:, None], n_fft)
    grid = np.arange(n_fft)
    mean_day = day @ grid
    spectrum = np.fft.rfft(day, axis=1)
    short = np.zeros((len(day), n_fft))
    for side, weight in _SPREAD:
        for days, sign in ((protection + side * shift, 1.0), (lead + side * shift, -1.0)):
            short += sign * weight * _expected_excess(_convolved(spectrum, days, n_fft))
    scale = mean_p / (protection * mean_day)  # grid points of the history -> units of the forecast
    goal = allowed_short / scale
    # the first grid point where the shortage is within the goal; the level lies on the
    # straight piece before it
    first = np.argmax(short <= goal[:, None] + 1e-12, axis=1)
    rows = np.arange(len(day))
    before = short[rows, np.maximum(first - 1, 0)]
    after = short[rows, first]
    with np.errstate(invalid="ignore", divide="ignore"):
        back = np.where(before > after, (goal - after) / (before - after), 0.0)
    level = np.where(first > 0, first - np.clip(back, 0.0, 1.0), 0.0)
    total = _convolved(spectrum, protection, n_fft)
    variance = total @ grid**2 - (total @ grid) ** 2
    return level * scale, np.sqrt(np.maximum(variance, 0.0)) * scale


def _daily_distribution(history: np.ndarray, n_fft: int) -> np.ndarray:
    """Share of days at each grid point, a fractional day split between its two neighbours."""
    on_sale = ~np.isnan(history)
    values = np.where(on_sale, history, 0.0)
    low = np.floor(values).astype(int)
    upper = values - low
    rows = np.broadcast_to(np.arange(len(history))[:, None], values.shape)
    counts = np.zeros((len(history), n_fft))
    np.add.at(counts, (rows[on_sale], low[on_sale]), 1.0 - upper[on_sale])
    high = on_sale & (upper > 0)
    np.add.at(counts, (rows[high], low[high] + 1), upper[high])
    counts /= on_sale.sum(axis=1, keepdims=True)
    return counts


def _convolved(spectrum: np.ndarray, days: np.ndarray, n_fft: int) -> np.ndarray:
    """Distribution of the total of ``days`` independent days per unit (``days`` >= 0)."""
    power = spectrum ** np.maximum(days, 0)[:, None]
    return np.clip(np.fft.irfft(power, n=n_fft, axis=1), 0.0, None)


def _expected_excess(pmf: np.ndarray) -> np.ndarray:
    """``E(X - s)+`` at every grid point ``s``: the sum of ``P(X > t)`` for ``t >= s``."""
    survival = 1.0 - np.cumsum(pmf, axis=1)
    survival = np.clip(survival, 0.0, None)
    return np.cumsum(survival[:, ::-1], axis=1)[:, ::-1]
