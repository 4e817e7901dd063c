"""Count distributions for demand: quantiles from a mean and a variance.

Demand of one unit over one period is modelled as negative binomial with the
given mean and variance (gamma-Poisson: the usual model of overdispersed retail
counts); when the variance does not exceed the mean it is Poisson.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

#: Expected units below which a count is treated as zero.
_NEGLIGIBLE = 1e-9


def count_quantiles(mean: np.ndarray, var: np.ndarray, q: float) -> np.ndarray:
    """The ``q`` quantile of a count with the given mean and variance (elementwise).

    Parameters
    ----------
    mean
        Expected units, >= 0.
    var
        Variance of the units, >= 0.
    q
        Probability in (0, 1).

    Returns
    -------
    ndarray
        Whole units; 0 where the mean is 0 (or below 1e-9).

    Examples
    --------
    >>> count_quantiles(np.array([10.0]), np.array([10.0]), 0.9)  # Poisson(10)
    array([14.])
    """
    mean = np.asarray(mean, dtype=float)
    var = np.asarray(var, dtype=float)
    out = np.zeros(np.broadcast(mean, var).shape)
    mean, var = np.broadcast_arrays(mean, var)
    positive = mean > _NEGLIGIBLE  # below it the quantile is 0 (and mean**2 would underflow)
    over = positive & (var > mean * (1 + 1e-9))
    poisson = positive & ~over
    if poisson.any():
        out[poisson] = stats.poisson.ppf(q, mean[poisson])
    if over.any():
        m, v = mean[over], var[over]
        out[over] = stats.nbinom.ppf(q, m * m / (v - m), m / v)
    return out
