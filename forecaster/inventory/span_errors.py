"""Demand over the protection period from each unit's own forecast errors over that span.

A normal curve or a negative binomial with the fitted variance misjudges lumpy
demand over a protection period badly: wholesale orders come in lumps, busy
weeks cluster, and the level moves. What the order-up-to level must cover is
the error of *the forecast* over the span the order has to last. For erratic,
intermittent and lumpy units forecast as a flat level that error is measured on
the unit's own history, the way a planner would check a forecast, by rolling
origins:

1. **Origins.** Every day ``o`` of the last ``window`` days whose span
   ``o+1 .. o+m`` ended by the as-of date, and before which the unit had been
   on sale for :data:`LEVEL_DAYS` days.
2. **Forecast at the origin.** The level a forecast would have had then: the
   mean daily demand of the :data:`LEVEL_DAYS` days up to ``o`` (promotion
   days cleaned) times ``m`` -- what the engine's models for sparse demand
   (moving averages, SES, Croston, ADIDA) reduce to.
3. **Error.** ``e_o`` = actual total over the span - that forecast, in units,
   divided by the unit's mean daily demand x ``m`` to pool it (a
   standardised error). Today's total is ``level + e``, never below 0: the
   forecast the errors were measured on (the mean of the last
   :data:`LEVEL_DAYS` days x ``m``, :func:`recent_level`) carrying the unit's
   own errors -- their spread, their skew, and any under- or
   over-forecasting the history shows. Adding them to another forecast would
   mix two models: where demand ramps up, the engine's longer means lag the
   recent level, and their lag would come on top of the lag the errors
   already hold (on the Online Retail replay: fill 87.7% -> 88.3%, 0.81 ->
   0.80x the rule's stock at the same fill; Walmart unchanged). A unit on
   sale for fewer days has no such level and centres on the engine's
   forecast ``mu``; a promotion inside the span lifts the level as much as it
   lifts the forecast (the history's promotion days are cleaned).
4. **Shrinkage.** Overlapping spans of one year hold few independent totals
   (``origins / m``). A unit's own errors get the weight
   ``n / (n + PRIOR_SPANS)``, ``n`` its independent spans; the standardised
   errors pooled over every unit of its demand class, scaled by its forecast
   (``mu / m`` a day), get the rest. A new unit takes its class's alone.
5. **Shortage.** At order-up-to level ``S`` the expected units short per
   review cycle are ``E(D_P - S)+ - E(D_L - S)+`` (Hadley & Whitin), with
   ``D_P`` the total over the protection period and ``D_L`` over the lead
   time from the same origins. A lead-time spread ``sigma_L`` enters as the
   spans ``P - d, P, P + d`` (and ``L - d, L, L + d``), ``d = sqrt(3) sigma_L``,
   weighted 1/6, 2/3, 1/6 (three-point Gauss-Hermite).

Units of the other demand classes keep the engine's error model (a normal
total, :mod:`forecaster.inventory.protection_demand`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: Days of history whose mean is the forecast level at an origin.
LEVEL_DAYS = 56
#: Independent spans of its own that a unit needs to weigh as much as its class's errors.
PRIOR_SPANS = 4.0
#: Pooled errors kept per demand class (an even subsample of all of them).
POOL_SIZE = 512
#: Units whose shortage is computed at a time (bounds the temporaries of a large shop).
_ROWS_AT_A_TIME = 1_024
#: The three lead-time offsets as multiples of ``d``, with their weights.
_SPREAD = ((-1, 1 / 6), (0, 2 / 3), (1, 1 / 6))


@dataclass(frozen=True)
class DemandSample:
    """Weighted samples of each unit's demand over the protection period and the lead time.

    ``p_values`` / ``l_values`` are units of demand (float32 from :func:`span_errors`:
    the largest arrays of the replenishment), shape (n, m), paired by
    column (the same origin); ``weights`` (n, m) sum to
    1 per unit (0 where a column is padding). ``spans`` is the number of
    independent spans of its own history behind each unit (0: its class's
    errors alone). ``recent`` is the total over the protection period at the
    recent level the sample centres on, NaN where it centres on the engine's
    forecast (:func:`recent_level`). A unit without any sample (its class had
    no usable origin) has all-zero weights.
    """

    p_values: np.ndarray
    l_values: np.ndarray
    weights: np.ndarray
    spans: np.ndarray
    recent: np.ndarray

    def rows(self, index: np.ndarray) -> DemandSample:
        """The sample of the units at ``index``."""
        return DemandSample(
            self.p_values[index],
            self.l_values[index],
            self.weights[index],
            self.spans[index],
            self.recent[index],
        )

    @property
    def usable(self) -> np.ndarray:
        """Units with a distribution (their class had some ratio)."""
        return np.asarray(self.weights.sum(axis=1) > 0)

    def shortage(self, level: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Expected units short per review cycle at order-up-to ``level`` (n,), never below 0;
        of the units at ``rows`` only (``level`` then aligned with ``rows``), if given.

        ``level`` must not be negative (a missing total, weight 0, then adds nothing).
        """
        index = np.arange(len(self.weights)) if rows is None else rows
        out = np.empty(len(level))
        for start in range(0, len(level), _ROWS_AT_A_TIME):  # bounded temporaries
            at = slice(start, start + _ROWS_AT_A_TIME)
            chosen = index[at]
            s = level[at, None]
            # fmax: a NaN total (padding, weight 0) is no shortage, without a NaN-free copy
            over_p = np.subtract(self.p_values[chosen], s)
            np.fmax(over_p, 0.0, out=over_p)
            over_l = np.subtract(self.l_values[chosen], s)
            np.fmax(over_l, 0.0, out=over_l)
            np.subtract(over_p, over_l, out=over_p)
            np.multiply(over_p, self.weights[chosen], out=over_p)
            out[at] = np.maximum(over_p.sum(axis=1), 0.0)
        return out

    def quantile(self, q: np.ndarray) -> np.ndarray:
        """The smallest total per unit whose cumulative weight reaches ``q`` (n,)."""
        values, cum = self._sorted
        index = np.minimum(_count_below(cum, q - 1e-12), values.shape[1] - 1)
        return np.asarray(values[np.arange(len(values)), index])

    @cached_property
    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """The totals in ascending order per unit, and their cumulative weights relative to
        the unit's total weight, in float64 (the float32 weights of a unit can sum to a hair
        under 1, and a target near 1 must still end on its largest total); sorted
        :data:`_ROWS_AT_A_TIME` units at a time: the sort's temporaries stay small."""
        values = np.empty_like(self.p_values)
        cum = np.empty(self.weights.shape)
        for at in _row_slices(len(values)):
            p, w = self.p_values[at], self.weights[at]
            order = np.argsort(np.where(w > 0, p, np.inf), axis=1)
            values[at] = np.nan_to_num(np.take_along_axis(p, order, axis=1))
            run = np.cumsum(np.take_along_axis(w, order, axis=1), axis=1, dtype=float)
            total = run[:, -1:]
            cum[at] = np.divide(run, total, out=run, where=total > 0)
        return values, cum

    def sd(self) -> np.ndarray:
        """Standard deviation of the protection-period total per unit."""
        out = np.empty(len(self.weights))
        for at in _row_slices(len(out)):
            p, w = self.p_values[at].astype(float), self.weights[at].astype(float)
            mean = np.nansum(p * w, axis=1)
            out[at] = np.sqrt(np.nansum((p - mean[:, None]) ** 2 * w, axis=1))
        return out


def _row_slices(n: int) -> list[slice]:
    """Slices of :data:`_ROWS_AT_A_TIME` rows covering ``n`` rows."""
    return [slice(a, a + _ROWS_AT_A_TIME) for a in range(0, n, _ROWS_AT_A_TIME)]


def _count_below(ascending: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per row, how many entries of ``ascending`` (each row non-decreasing) are below ``x``:
    ``(ascending < x[:, None]).sum(axis=1)``, by a binary search per row.

    >>> _count_below(np.array([[0.1, 0.5, 0.5, 1.0], [0.0, 0.0, 0.2, 0.3]]), np.array([0.5, 1.0]))
    array([1, 4])
    """
    rows = np.arange(len(ascending))
    lo = np.zeros(len(ascending), dtype=int)  # entries before lo are below x
    hi = np.full(len(ascending), ascending.shape[1])  # entries from hi on are not
    while (lo < hi).any():
        mid = (lo + hi) // 2
        below = ascending[rows, np.minimum(mid, ascending.shape[1] - 1)] < x
        searching = lo < hi
        lo = np.where(searching & below, mid + 1, lo)
        hi = np.where(searching & ~below, mid, hi)
    return lo


def standardised_errors(history: np.ndarray, span: np.ndarray, window: int) -> np.ndarray:
    """Error of the level forecast over ``span`` days at each origin, standardised, (n, window).

    ``history`` is daily demand ending on the as-of date, NaN before a unit
    was on sale; ``span`` is whole days per unit (at least 1). Column
    ``window - 1`` is the last origin whose span ends by the as-of date;
    NaN where an origin does not count (see the module docstring). Errors
    are in units of the unit's mean daily demand x ``span``.

    >>> h = np.array([[1.0, 3.0] * 40])  # mean 2 a day; any 4 days sell 8
    >>> e = standardised_errors(h, np.array([4]), 10)
    >>> float(np.nanmin(e)), float(np.nanmax(e))
    (0.0, 0.0)
    """
    n, days = history.shape
    cum = np.zeros((n, days + 1))
    np.cumsum(np.nan_to_num(history), axis=1, out=cum[:, 1:])
    sold_days = np.zeros((n, days + 1))
    np.cumsum(~np.isnan(history), axis=1, out=sold_days[:, 1:])
    span = np.asarray(span, dtype=int)
    # origin o (a column of history) forecasts o+1 .. o+span; the last one is days-1-span
    origin = (days - 1 - span)[:, None] + np.arange(window)[None, :] - (window - 1)
    o = np.clip(origin, LEVEL_DAYS - 1, days - 1)
    rows = np.arange(n)[:, None]
    level_total = cum[rows, o + 1] - cum[rows, o + 1 - LEVEL_DAYS]
    level_days = sold_days[rows, o + 1] - sold_days[rows, o + 1 - LEVEL_DAYS]
    actual = cum[rows, np.minimum(o + 1 + span[:, None], days)] - cum[rows, o + 1]
    scale = mean_daily(history) * span
    valid = (origin >= LEVEL_DAYS - 1) & (level_days >= LEVEL_DAYS) & (scale[:, None] > 0)
    error = actual - level_total / LEVEL_DAYS * span[:, None]
    return np.where(valid, error / np.where(scale > 0, scale, 1.0)[:, None], np.nan)


def recent_level(history: np.ndarray) -> np.ndarray:
    """Mean daily demand of the last :data:`LEVEL_DAYS` days, NaN unless all were on sale.

    The level forecast of :func:`standardised_errors` made today.

    >>> recent_level(np.array([[9.0] * 10 + [1.0, 3.0] * 28, [2.0] * 10 + [np.nan] + [2.0] * 55]))
    array([ 2., nan])
    """
    last = history[:, -LEVEL_DAYS:]
    on_sale = last.shape[1] == LEVEL_DAYS and ~np.isnan(last).any(axis=1)
    return np.asarray(np.where(on_sale, np.nanmean(last, axis=1), np.nan))


def mean_daily(history: np.ndarray) -> np.ndarray:
    """Mean daily demand of each unit over its days on sale (0 when none)."""
    days = (~np.isnan(history)).sum(axis=1)
    total = np.nansum(history, axis=1)
    return np.asarray(np.divide(total, days, out=np.zeros(len(days)), where=days > 0))


def span_errors(
    history: np.ndarray,
    groups: np.ndarray,
    protection: np.ndarray,
    lead: np.ndarray,
    lead_sd: np.ndarray,
    mean_p: np.ndarray,
    mean_l: np.ndarray,
    window: int,
    lift_p: np.ndarray | None = None,
    lift_l: np.ndarray | None = None,
) -> DemandSample:
    """Each unit's weighted sample of demand over ``P`` and over ``L`` (see the module docstring).

    Parameters
    ----------
    history
        Daily demand ending on the as-of date (promotion days cleaned), NaN
        before a unit went on sale, shape (n, days).
    groups
        The pool of each unit (its demand class), shape (n,).
    protection, lead, lead_sd
        ``P`` and ``L`` (whole days) and the lead time's standard deviation (days).
    mean_p, mean_l
        The forecast of demand over ``P`` and over ``L``.
    window
        Days of origins.
    lift_p, lift_l
        How much the promotions inside ``P`` and ``L`` lift the forecast over its
        baseline (1: none); the recent level, measured on promotion-cleaned days, is
        lifted as much.
    """
    n = len(protection)
    d = np.rint(np.sqrt(3.0) * np.nan_to_num(lead_sd)).astype(int)
    spread = _SPREAD if d.any() else ((0, 1.0),)
    own_level = mean_daily(history)
    forecast_level = np.divide(mean_p, protection, out=np.zeros(n), where=protection > 0)
    lead_level = mean_l / np.maximum(lead, 1)
    level = recent_level(history)
    lift_p = np.ones(n) if lift_p is None else lift_p
    lift_l = np.ones(n) if lift_l is None else lift_l
    centre_p = np.where(np.isnan(level), forecast_level, level * lift_p)
    centre_l = np.where(np.isnan(level), lead_level, level * lift_l)
    # the three spans' samples side by side, filled in place (no concatenated copies)
    width = window + POOL_SIZE
    # float32: the largest arrays of the replenishment (sums over them run in float64)
    p_values = np.empty((n, width * len(spread)), dtype=np.float32)
    l_values = np.empty_like(p_values)
    weights = np.empty_like(p_values)
    spans = np.zeros(n)
    for part, (step, share) in enumerate(spread):
        own_cols = slice(part * width, part * width + window)
        pool_cols = slice(part * width + window, (part + 1) * width)
        p_span = np.maximum(protection + step * d, 1)
        l_span = np.maximum(lead + step * d, 0)
        e_p = standardised_errors(history, p_span, window)
        e_l = np.where(
            l_span[:, None] > 0, standardised_errors(history, np.maximum(l_span, 1), window), 0.0
        )
        own = ~np.isnan(e_p) & ~np.isnan(e_l)
        count = own.sum(axis=1)
        if step == 0:
            spans = count / p_span
        pool_p, pool_l = _pools(e_p, e_l, own, groups)
        pooled = ~np.isnan(pool_p)
        w_own = np.where(pooled.any(axis=1), count / p_span / (count / p_span + PRIOR_SPANS), 1.0)
        weights[:, own_cols] = np.where(own, (w_own / np.maximum(count, 1) * share)[:, None], 0.0)
        weights[:, pool_cols] = np.where(pooled, ((1 - w_own) / POOL_SIZE * share)[:, None], 0.0)
        mu_p, mu_l = (centre_p * p_span)[:, None], (centre_l * l_span)[:, None]
        own_p, pool_scale_p = (own_level * p_span)[:, None], (forecast_level * p_span)[:, None]
        own_l, pool_scale_l = (own_level * l_span)[:, None], (forecast_level * l_span)[:, None]
        np.maximum(mu_p + e_p * own_p, 0.0, out=p_values[:, own_cols])
        np.maximum(mu_p + pool_p * pool_scale_p, 0.0, out=p_values[:, pool_cols])
        np.maximum(mu_l + e_l * own_l, 0.0, out=l_values[:, own_cols])
        np.maximum(mu_l + pool_l * pool_scale_l, 0.0, out=l_values[:, pool_cols])
        del e_p, e_l, pool_p, pool_l, own, pooled
    total = weights.sum(axis=1, keepdims=True)
    np.divide(weights, total, out=weights, where=total > 0)  # a row of total 0 is all 0
    return DemandSample(p_values, l_values, weights, spans, level * lift_p * protection)


def _pools(
    e_p: np.ndarray, e_l: np.ndarray, own: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's class pool of paired errors, :data:`POOL_SIZE` columns (NaN where empty).

    The pool is an even subsample (by position, so deterministic) of every
    usable (P, L) error pair of the units of the class.
    """
    n = len(groups)
    pool_p = np.full((n, POOL_SIZE), np.nan)
    pool_l = np.full((n, POOL_SIZE), np.nan)
    for group in np.unique(groups):
        members = groups == group
        pairs_p, pairs_l = e_p[members][own[members]], e_l[members][own[members]]
        if len(pairs_p) == 0:
            continue
        pick = np.linspace(0, len(pairs_p) - 1, POOL_SIZE).round().astype(int)
        pool_p[members] = pairs_p[pick]
        pool_l[members] = pairs_l[pick]
    return pool_p, pool_l
