"""Promotion uplift learned from past promotions of the same name.

The uplift of a promotion is the multiplier of normal daily demand during it
(3.0: three times normal). For each past occurrence that ended by the as-of
date and each unit in its scope:

* **normal demand** is the unit's mean daily demand on the *normal* days
  around the promotion: ``baseline_days`` each side, leaving out days within
  ``guard_days`` of any promotion (the pre-sale lull before a big promotion and
  the hangover after it are not normal), days before the unit went on sale and
  days after the as-of date. Taking both sides cancels a steady trend.
* the unit counts when it was on sale on the promotion's first day and has at
  least :data:`MIN_NORMAL_SHARE` x ``baseline_days`` normal days (a week by
  default); then ``sold`` adds its units during the promotion and
  ``expected`` adds normal demand x the promotion's length.
* a unit known only from its first sale (no earlier launch date) counts from
  the day after that sale (:func:`evidence_start`): the first sale is a sale by
  construction, and counting it lifts whichever side it falls in -- the
  baseline (uplift too low) or the promotion (too high) -- most of all for slow
  movers.

The estimate pools this evidence up a hierarchy -- the shop, each category,
each SKU (all its warehouses) -- and shrinks every level towards the one above
it (:func:`shrink`), so a SKU with thin history borrows its category's uplift
and a SKU with plenty keeps its own. Evidence is counted in *effective* units:
units come in orders, and a unit whose normal days vary ``d`` times as much as
a Poisson count (``d`` = variance / mean of its normal days, at least 1) weighs
``1 / d`` -- ten orders of 50 units say as much about an uplift as ten units
sold one by one, not 500. Sales during a past promotion that sold
out understate its demand; the uplift learned from it is then too low.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecaster.config import PromotionSettings
from forecaster.models.promotions import promotion_days
from forecaster.units import demand_matrix, first_available

#: Fewest normal days around a past promotion for a unit's evidence to count, as a share
#: of ``baseline_days``.
MIN_NORMAL_SHARE = 0.25


@dataclass(frozen=True)
class Evidence:
    """What past promotions of one name say about each unit.

    Attributes
    ----------
    sold
        Units sold during those promotions, shape (n_units,).
    expected
        Units normal demand would have sold on those days, shape (n_units,).
    occurrences
        Past promotions of the name (ended by the as-of date).
    dispersion
        Variance over mean of each unit's normal days around them, at least 1
        (1 without normal days), shape (n_units,): units per independent sale.
    """

    sold: np.ndarray
    expected: np.ndarray
    occurrences: int
    dispersion: np.ndarray | None = None

    @property
    def effective(self) -> tuple[np.ndarray, np.ndarray]:
        """``sold`` and ``expected`` in effective units (divided by :attr:`dispersion`)."""
        d = np.ones(len(self.sold)) if self.dispersion is None else self.dispersion
        return self.sold / d, self.expected / d


@dataclass(frozen=True)
class Uplift:
    """Estimated uplift per unit and how it was reached.

    Attributes
    ----------
    uplift
        The estimate: ``own`` shrunk towards ``category`` (1.0 without any evidence).
    own
        The SKU's own ratio sold / expected (NaN when it has no evidence).
    weight
        Weight of ``own`` in the estimate, in [0, 1].
    category
        The category's uplift, itself shrunk towards the shop's (NaN without evidence).
    occurrences
        Past promotions the estimate learned from.
    shop
        The shop's uplift, the top of the hierarchy (NaN without evidence).
    """

    uplift: np.ndarray
    own: np.ndarray
    weight: np.ndarray
    category: np.ndarray
    occurrences: int
    shop: float = float("nan")


def evidence_start(units: pd.DataFrame) -> np.ndarray:
    """The first day whose demand tells each unit's rate, ``datetime64[ns]`` (NaT: never on sale).

    The launch date when one is given on or before the first sale; otherwise the
    day after the first sale, whose day is a sale by construction.

    >>> units = pd.DataFrame({
    ...     "launch_date": pd.to_datetime(["2026-01-01", None, "2026-03-01"]),
    ...     "first_sale": pd.to_datetime(["2026-01-05", "2026-02-01", "2026-02-10"])})
    >>> [str(d)[:10] for d in evidence_start(units)]
    ['2026-01-01', '2026-02-02', '2026-02-11']
    """
    launched = first_available(units).to_numpy(dtype="datetime64[ns]")
    launch = units["launch_date"].to_numpy(dtype="datetime64[ns]")
    from_sale = ~(launch <= launched)  # no launch date, or the first sale came before it
    return np.asarray(np.where(from_sale, launched + np.timedelta64(1, "D"), launched))


def past_evidence(
    sales: pd.DataFrame,
    units: pd.DataFrame,
    promotions: pd.DataFrame,
    name: str,
    as_of: pd.Timestamp,
    settings: PromotionSettings,
) -> Evidence:
    """Sum the evidence of every past promotion named ``name`` (see the module docstring)."""
    past = promotions[(promotions["name"] == name) & (promotions["end"] <= as_of)]
    guard = pd.Timedelta(days=settings.guard_days)
    reach = guard + pd.Timedelta(days=settings.baseline_days)
    near_any = promotions.assign(start=promotions["start"] - guard, end=promotions["end"] + guard)
    launched = evidence_start(units)
    sold = np.zeros(len(units))
    expected = np.zeros(len(units))
    moments = np.zeros((3, len(units)))  # normal days: count, sum, sum of squares
    for promo in past.itertuples(index=False):
        first = promo.start - reach
        last = min(promo.end + reach, as_of)
        days = int((last - first).days) + 1
        history = demand_matrix(sales, units, last, days)
        dates = pd.date_range(first, periods=days).to_numpy()
        normal = (dates[None, :] >= launched[:, None]) & ~promotion_days(
            near_any, units, first, days
        )
        normal_days = normal.sum(axis=1)
        level = np.divide(
            np.where(normal, history, 0.0).sum(axis=1),
            normal_days,
            out=np.zeros(len(units)),
            where=normal_days > 0,
        )
        lo = int((promo.start - first).days)
        length = int((promo.end - promo.start).days) + 1
        in_scope = promotion_days(pd.DataFrame([promo._asdict()]), units, promo.start, 1)[:, 0]
        counts = in_scope & (launched <= promo.start.to_datetime64())
        counts &= normal_days >= MIN_NORMAL_SHARE * settings.baseline_days
        sold += np.where(counts, history[:, lo : lo + length].sum(axis=1), 0.0)
        expected += np.where(counts, level * length, 0.0)
        seen = normal & counts[:, None]
        moments += [seen.sum(axis=1), (history * seen).sum(axis=1), (history**2 * seen).sum(axis=1)]
    return Evidence(sold, expected, len(past), dispersion(*moments))


def dispersion(count: np.ndarray, total: np.ndarray, squares: np.ndarray) -> np.ndarray:
    """Variance over mean of daily demand from its moments, at least 1 (1 with < 2 days or none).

    One order of 40 in four days: mean 10, variance (1600 - 4 x 100) / 3 = 400, ratio 40.

    >>> dispersion(np.array([4.0, 4, 1]), np.array([8.0, 40, 3]), np.array([16.0, 1600, 9]))
    array([ 1., 40.,  1.])
    """
    mean = np.divide(total, count, out=np.zeros(len(count)), where=count > 0)
    var = np.divide(squares - count * mean**2, count - 1, out=np.zeros(len(count)), where=count > 1)
    ratio = np.divide(var, mean, out=np.ones(len(count)), where=mean > 0)
    return np.asarray(np.maximum(ratio, 1.0))


def shrink(
    sold: np.ndarray,
    expected: np.ndarray,
    levels: Sequence[np.ndarray],
    prior_units: float,
    top_prior: float | None = None,
) -> list[np.ndarray]:
    """Pooled ratios ``sold / expected`` down a hierarchy, each shrunk towards its parent.

    The top level is the pooled ratio of all units, itself shrunk the same way
    towards ``top_prior`` when one is given. At each level below, a group's
    ratio is ``(sold_g + k x parent) / (expected_g + k)`` with
    ``k = prior_units``: the posterior mean of a Poisson rate under a gamma
    prior centred on the parent with the weight of ``k`` expected units. A
    group with no evidence gets its parent's ratio; with much evidence, its own.

    Parameters
    ----------
    sold, expected
        Per unit, shape (n,).
    levels
        Group keys per unit, coarsest first; each level must nest in the one
        before (every SKU in one category).
    prior_units
        ``k`` above.

    Returns
    -------
    list of ndarray
        The ratio per unit at the top and at each level (``len(levels) + 1``
        arrays); NaN everywhere when nothing was expected.

    Examples
    --------
    >>> top, sku = shrink(np.array([90.0, 0.0]), np.array([30.0, 10.0]),
    ...                   [np.array(["a", "b"])], prior_units=10)
    >>> float(top[0]), sku.round(2).tolist()
    (2.25, [2.81, 1.12])
    """
    total, pooled = float(expected.sum()), float(sold.sum())
    if top_prior is not None and total > 0:
        pooled, total = pooled + prior_units * top_prior, total + prior_units
    parent = np.full(len(sold), pooled / total if total > 0 else np.nan)
    out = [parent]
    for keys in levels:
        frame = pd.DataFrame({"key": keys, "sold": sold, "expected": expected})
        pooled = frame.groupby("key", sort=False)[["sold", "expected"]].transform("sum")
        prior_sold = prior_units * np.nan_to_num(parent, nan=0.0)
        denominator = pooled["expected"].to_numpy() + prior_units
        parent = np.divide(
            pooled["sold"].to_numpy() + prior_sold,
            denominator,
            out=parent.copy(),
            where=denominator > 0,
        )
        parent = np.where(np.isnan(out[-1]), np.nan, parent)
        out.append(parent)
    return out


def estimate_uplift(
    evidence: Evidence, units: pd.DataFrame, prior_units: float, shop_prior: float | None = None
) -> Uplift:
    """Each unit's uplift from the ``evidence`` of :func:`past_evidence`.

    Evidence is pooled per SKU (across warehouses), shrunk towards the SKU's
    category, which is shrunk towards the shop, with ``k = prior_units``
    (:func:`shrink`). With ``shop_prior`` the shop's ratio is itself shrunk
    towards it by ``k``: the forecast passes 1.0 (no uplift), so a shop whose
    past promotions expected only a few units (slow movers, or few of them on
    sale then) does not get an uplift of, say, 0 because one of them did not sell.
    """
    sku = units["sku"].to_numpy()
    sold, expected = evidence.effective
    shop, category, own_sku = shrink(
        sold,
        expected,
        [units["category"].to_numpy(), sku],
        prior_units,
        top_prior=shop_prior,
    )
    frame = pd.DataFrame(
        {"sku": sku, "sold": evidence.sold, "expected": evidence.expected, "effective": expected}
    )
    per_sku = frame.groupby("sku", sort=False)[["sold", "expected", "effective"]].transform("sum")
    own = np.divide(
        per_sku["sold"].to_numpy(),
        per_sku["expected"].to_numpy(),
        out=np.full(len(units), np.nan),
        where=per_sku["expected"].to_numpy() > 0,
    )
    sku_expected = per_sku["effective"].to_numpy()
    weight = np.divide(
        sku_expected,
        sku_expected + prior_units,
        out=np.zeros(len(units)),
        where=sku_expected > 0,
    )
    return Uplift(
        uplift=np.nan_to_num(own_sku, nan=1.0),
        own=own,
        weight=weight,
        category=category,
        occurrences=evidence.occurrences,
        shop=float(shop[0]) if len(shop) else float("nan"),
    )
