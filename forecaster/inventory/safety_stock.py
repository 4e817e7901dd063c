"""Safety stock for a fill-rate target (periodic review, order-up-to policy).

With demand over the protection period ``P = L + R`` approximately normal with
standard deviation ``sigma_P``, a safety factor ``k`` leaves an expected
shortage per review cycle of ``sigma_P x G(k)``, where ``G`` is the standard
normal loss function. The fill rate (share of demand served from stock) is
``1 - sigma_P x G(k) / mu_R`` with ``mu_R`` the demand of one review period.
So the target fill rate ``beta`` needs ``G(k) = (1 - beta) x mu_R / sigma_P``
(Silver, Pyke & Peterson, *Inventory Management and Production Planning and
Scheduling*, 3rd ed., section 7.x; Axsäter, *Inventory Control*, 5.3).

The policy itself (:mod:`forecaster.inventory.protection_demand`) takes a gamma
total of the same mean and spread where it has no sample of its own errors:
:func:`gamma_excess` is the expected shortage ``E(D - S)+`` of a gamma ``D``,
which, unlike the normal's, never exceeds the mean demand.
"""

from __future__ import annotations

import numpy as np
from scipy import special

_K_LOW, _K_HIGH = -4.0, 8.0
_SQRT_2PI = np.sqrt(2 * np.pi)


def normal_loss(k: np.ndarray | float) -> np.ndarray:
    """Standard normal loss ``G(k) = phi(k) - k (1 - Phi(k))``: expected units short per unit sigma.

    >>> round(float(normal_loss(0.0)), 4), round(float(normal_loss(1.5)), 4)
    (0.3989, 0.0293)
    """
    k = np.asarray(k, dtype=float)
    # scipy.stats.norm's own formulas (pdf and sf), without its per-call argument handling;
    # k^2 overflows to inf for |k| > 1e154, where the density is 0 as it should be
    with np.errstate(over="ignore"):
        density = np.exp(-(k**2) / 2.0) / _SQRT_2PI
    return np.asarray(density - k * special.ndtr(-k))


def fill_rate_factor(
    target: float | np.ndarray, cycle_demand: np.ndarray, sigma: np.ndarray
) -> np.ndarray:
    """Safety factor ``k`` meeting fill rate ``target`` (vectorised bisection on ``G``).

    Parameters
    ----------
    target
        Fill rate in (0, 1), e.g. 0.98; one for all or one per element.
    cycle_demand
        Expected demand of one review period ``mu_R``, units.
    sigma
        Standard deviation of demand over the protection period ``sigma_P``, units.

    Returns
    -------
    ndarray
        ``k`` in [-4, 8]; 0 where ``sigma`` is 0 (no uncertainty, no safety stock).

    Examples
    --------
    >>> round(float(fill_rate_factor(0.98, np.array([73.25]), np.array([50.0]))[0]), 2)
    1.5
    """
    cycle_demand = np.asarray(cycle_demand, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        goal = np.where(sigma > 0, (1.0 - target) * cycle_demand / sigma, np.inf)
    lo = np.full(goal.shape, _K_LOW)
    hi = np.full(goal.shape, _K_HIGH)
    for _ in range(60):  # G is decreasing: halve the bracket until it is ~1e-17 wide
        mid = (lo + hi) / 2
        above = normal_loss(mid) > goal
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.where(sigma > 0, (lo + hi) / 2, 0.0)


def _gamma_shape(mean: np.ndarray, sd: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shape ``k`` and scale ``theta`` of the gamma with ``mean`` and ``sd``, and where one
    exists (both positive; elsewhere ``k = 1``, ``theta = 1`` as placeholders)."""
    has = (sd > 0) & (mean > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(has, (mean / sd) ** 2, 1.0)
        theta = np.where(has, sd**2 / mean, 1.0)
    return k, theta, has


def gamma_excess(level: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """``E(D - level)+`` for a gamma ``D`` of ``mean`` and ``sd`` (``mean - level`` for a
    level below 0); ``(mean - level)+`` where ``sd`` or ``mean`` is 0.

    With shape ``k`` and scale ``theta``, ``E(D - S)+ = mean Q(k + 1, S / theta) -
    S Q(k, S / theta)``, ``Q`` the regularised upper incomplete gamma function.
    """
    k, theta, has = _gamma_shape(mean, sd)
    at = np.maximum(level, 0.0)  # below 0 every unit of demand is short, and -level more
    x = at / theta
    excess = mean * special.gammaincc(k + 1.0, x) - at * special.gammaincc(k, x) + (at - level)
    return np.asarray(np.where(has, np.maximum(excess, 0.0), np.maximum(mean - level, 0.0)))


def gamma_quantile(q: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """The ``q`` quantile of the gamma of ``mean`` and ``sd`` (``mean`` where ``sd`` is 0)."""
    k, theta, has = _gamma_shape(mean, sd)
    x = special.gammaincinv(k, np.clip(q, 1e-12, 1.0 - 1e-12)) * theta
    return np.asarray(np.where(has, x, np.maximum(mean, 0.0)))
