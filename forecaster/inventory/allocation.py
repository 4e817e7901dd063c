"""Safety stock where it buys the most fill per unit of money: marginal allocation across SKUs.

Meeting the fill-rate target SKU by SKU spends the same service on a cheap
fast mover and on an expensive lumpy one, though a unit of stock of the first
prevents many more lost sales per unit of money. The exchange curves of
Silver, Pyke & Peterson (*Inventory and Production Management in Supply
Chains*, 4th ed., 7.x) hold the target for a group of SKUs instead and
minimise the money tied up in stock:

    minimise  sum_i c_i S_i   subject to   sum_i ES_i(S_i) <= (1 - beta) sum_i mu_R,i

with ``c_i`` the unit cost, ``ES_i`` the expected units short per review cycle
at order-up-to level ``S_i`` (:class:`~forecaster.inventory.protection_demand.ProtectionDemand`)
and ``mu_R,i`` a cycle's demand. With a multiplier ``lambda`` the optimum sets
every SKU's marginal shortage saving to its cost: ``P(D_P,i > S_i) = c_i / lambda``,
so ``S_i`` is the ``1 - c_i / lambda`` quantile of its protection-period
demand (0 when ``c_i >= lambda``). One bisection on ``lambda`` per group meets
the group's target exactly. Each ABC class is one group, so the class
targets hold as stated while stock moves within a class to where it serves
most.
"""

from __future__ import annotations

import numpy as np

from forecaster.inventory.protection_demand import ProtectionDemand

#: Bisection steps on log(lambda).
_STEPS = 60


def allocate(
    demand: ProtectionDemand,
    cost: np.ndarray,
    groups: np.ndarray,
    allowed: np.ndarray,
    members: np.ndarray,
) -> np.ndarray:
    """Order-up-to levels meeting each group's allowed shortage at the least stock value.

    Parameters
    ----------
    demand
        Each unit's demand over the protection period.
    cost
        Unit cost (money per unit), shape (n,); a cost of 0 counts as the group's
        smallest positive cost.
    groups
        The group of each unit (its ABC class), shape (n,).
    allowed
        Units short per cycle each unit's own target allows, ``(1 - beta) mu_R``;
        a group may fall short by their sum.
    members
        Units taking part; the others get NaN.

    Returns
    -------
    ndarray
        ``S`` per unit, shape (n,).
    """
    level = np.full(len(cost), np.nan)
    for group in np.unique(groups[members]):
        rows = np.flatnonzero(members & (groups == group))
        level[rows] = _group_levels(demand.subset(rows), cost[rows], float(allowed[rows].sum()))
    return level


def _group_levels(demand: ProtectionDemand, cost: np.ndarray, allowed: float) -> np.ndarray:
    """The levels of one group: bisection on ``log lambda`` until the shortage fits ``allowed``."""
    positive = cost[cost > 0]
    c = np.where(cost > 0, cost, positive.min() if len(positive) else 1.0)

    def levels(log_lambda: float) -> np.ndarray:
        exceed = np.minimum(c / np.exp(log_lambda), 1.0)
        return np.where(exceed >= 1.0, 0.0, demand.quantile(1.0 - exceed))

    shortage = _Shortage(demand)
    lo = float(np.log(c.min()))  # every exceedance 1: every level 0
    hi = float(np.log(c.max())) + 30.0  # every exceedance < 1e-13: the largest totals
    if shortage.total(levels(hi)) > allowed:
        return levels(hi)
    for _ in range(_STEPS):
        mid = (lo + hi) / 2
        if shortage.total(levels(mid)) > allowed:
            lo = mid
        else:
            hi = mid
    return levels(hi)


class _Shortage:
    """The group's expected shortage at given levels, recomputed only for the units whose
    level changed since the last call (late bisection steps move few of them); the same
    numbers as ``demand.shortage(levels).sum()``."""

    def __init__(self, demand: ProtectionDemand) -> None:
        self._demand = demand
        self._levels = np.full(len(demand.mean), np.nan)
        self._short = np.zeros(len(demand.mean))

    def total(self, levels: np.ndarray) -> float:
        changed = np.flatnonzero(levels != self._levels)
        if len(changed) == len(levels):
            self._short = self._demand.shortage(levels)
        elif len(changed):
            self._short[changed] = self._demand.shortage_of(changed, levels[changed])
        self._levels = levels
        return float(self._short.sum())
