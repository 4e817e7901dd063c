"""Tests of forecaster.inventory.safety_stock: the normal loss function, the fill-rate factor
and the gamma total the policy uses.

Reference values of G(k) = phi(k) - k (1 - Phi(k)) are the four-decimal entries of the
standard normal loss table (e.g. Silver, Pyke & Peterson, 3rd ed., Appendix B).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from forecaster.inventory.safety_stock import (
    fill_rate_factor,
    gamma_excess,
    gamma_quantile,
    normal_loss,
)
from tests.conftest import gamma_short

#: (k, G(k)) as printed in the standard normal loss table.
LOSS_TABLE = [
    (-2.0, 2.0085),  # G(-k) = G(k) + k: 0.0085 + 2
    (-1.0, 1.0833),  # 0.0833 + 1
    (0.0, 0.3989),  # phi(0) = 1 / sqrt(2 pi)
    (0.5, 0.1978),
    (1.0, 0.0833),
    (1.2, 0.0561),
    (1.5, 0.0293),
    (2.0, 0.0085),
    (3.0, 0.0004),
]


@pytest.mark.parametrize(("k", "expected"), LOSS_TABLE)
def test_normal_loss_matches_printed_table(k: float, expected: float) -> None:
    """G(k) agrees with the four-decimal table value."""
    assert float(normal_loss(k)) == pytest.approx(expected, abs=5e-5)


def test_normal_loss_is_vectorised_and_symmetric_identity() -> None:
    """G(-k) - G(k) = k for every k (the loss table's identity for negative k)."""
    k = np.linspace(-3.0, 3.0, 13)
    assert normal_loss(-k) - normal_loss(k) == pytest.approx(k, abs=1e-12)


def test_normal_loss_is_scipys_pdf_and_sf_to_the_bit() -> None:
    k = np.linspace(-40.0, 40.0, 20001)
    assert np.array_equal(normal_loss(k), stats.norm.pdf(k) - k * stats.norm.sf(k))


def test_normal_loss_is_decreasing_and_positive() -> None:
    """G is strictly decreasing and positive, so the bisection on it is well defined."""
    values = normal_loss(np.linspace(-4.0, 8.0, 200))
    assert (np.diff(values) < 0).all()
    assert (values > 0).all()


@pytest.mark.parametrize("target", [0.6, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999])
@pytest.mark.parametrize(("cycle", "sigma"), [(70.0, 25.0), (10.0, 30.0), (500.0, 100.0)])
def test_fill_rate_factor_round_trip(target: float, cycle: float, sigma: float) -> None:
    """Plugging k back into beta = 1 - sigma_P G(k) / mu_R gives the target fill rate."""
    k = fill_rate_factor(target, np.array([cycle]), np.array([sigma]))
    achieved = 1.0 - sigma * normal_loss(k) / cycle
    assert achieved[0] == pytest.approx(target, abs=1e-9)


def test_fill_rate_factor_is_zero_without_uncertainty() -> None:
    """sigma_P = 0: no safety factor, whatever the cycle demand."""
    k = fill_rate_factor(0.98, np.array([70.0, 0.0, 5.0]), np.array([0.0, 0.0, 0.0]))
    assert k.tolist() == [0.0, 0.0, 0.0]


def test_fill_rate_factor_mixes_zero_and_positive_sigma() -> None:
    """Units are independent: a zero-sigma unit next to a normal one does not disturb it."""
    k = fill_rate_factor(0.95, np.array([50.0, 50.0]), np.array([0.0, 30.0]))
    assert k[0] == 0.0
    assert k[1] == pytest.approx(1.0, abs=2e-3)  # G(k) = 0.05 x 50 / 30 = 0.0833 = G(1)


def test_textbook_periodic_review_fill_rate_example() -> None:
    """Periodic review, fill rate beta = 1 - sigma_P G(k) / mu_R (Silver, Pyke & Peterson 7.x).

    Daily demand 10, review R = 7 d, lead time L = 14 d, sigma_P = 25 units, beta = 0.98:
    mu_R = 10 x 7 = 70; G(k) = (1 - 0.98) x 70 / 25 = 0.056.
    Table: G(1.20) = 0.0561, slope -(1 - Phi(1.2)) = -0.1151 -> k = 1.20 + 0.0001 / 0.1151
    = 1.2009; safety stock = k x sigma_P = 1.2009 x 25 = 30.02 units.
    """
    k = fill_rate_factor(0.98, np.array([70.0]), np.array([25.0]))
    assert k[0] == pytest.approx(1.2009, abs=5e-4)
    assert k[0] * 25.0 == pytest.approx(30.02, abs=0.02)


def test_textbook_k_two_gives_fill_rate_99_66() -> None:
    """k = 2, sigma_P = 40, mu_R = 100: beta = 1 - 40 x 0.0085 / 100 = 0.9966; inverse gives 2."""
    k = fill_rate_factor(0.9966, np.array([100.0]), np.array([40.0]))
    # G rounded to 4 decimals (+-0.00005) moves k by at most 0.00005 / (1 - Phi(2)) = 0.0022
    assert k[0] == pytest.approx(2.0, abs=3e-3)


def test_more_demand_per_cycle_needs_a_smaller_factor() -> None:
    """A larger mu_R / sigma_P ratio tolerates more loss per cycle: k decreases."""
    k = fill_rate_factor(0.98, np.array([10.0, 50.0, 200.0]), np.array([20.0, 20.0, 20.0]))
    assert k[0] > k[1] > k[2]


@settings(max_examples=60, deadline=None)
@given(
    low=st.floats(0.51, 0.995),
    gap=st.floats(0.001, 0.2),
    cycle=st.floats(1.0, 1000.0),
    sigma=st.floats(0.5, 500.0),
)
def test_higher_target_never_lowers_the_factor(
    low: float, gap: float, cycle: float, sigma: float
) -> None:
    """Fill-rate factor is non-decreasing in the target fill rate."""
    high = min(low + gap, 0.9999)
    k_low = fill_rate_factor(low, np.array([cycle]), np.array([sigma]))[0]
    k_high = fill_rate_factor(high, np.array([cycle]), np.array([sigma]))[0]
    assert k_high >= k_low


def test_normal_loss_matches_stockpyl_published_examples() -> None:
    """stockpyl's documented examples (``stockpyl.loss_functions``, Snyder & Shen,
    *Fundamentals of Supply Chain Theory*, eq. C.22 and C.31):
    ``standard_normal_loss(1.3)`` is 0.04552796208651397 and ``normal_loss(18.6, 15, 3)``,
    the expected units short of N(15, 3^2) demand above 18.6, is 0.1683073521514889."""
    assert float(normal_loss(1.3)) == pytest.approx(0.04552796208651397, rel=1e-12)
    assert 3.0 * float(normal_loss((18.6 - 15.0) / 3.0)) == pytest.approx(
        0.1683073521514889, rel=1e-12
    )


# --------------------------------------------------------------------------- the gamma total


def test_gamma_excess_by_hand_for_an_exponential() -> None:
    """sd = mean makes the gamma an exponential of mean 10: E(D - S)+ = 10 e^(-S/10), so 10,
    3.679 and 1.353 at S = 0, 10 and 20; below 0 every unit is short and -S more."""
    got = gamma_excess(np.array([0.0, 10.0, 20.0, -5.0]), np.full(4, 10.0), np.full(4, 10.0))
    assert got == pytest.approx([10.0, 10 * np.exp(-1), 10 * np.exp(-2), 15.0], rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    mean=st.floats(0.5, 500.0),
    cv=st.floats(0.05, 5.0),
    z=st.floats(-1.0, 4.0),
)
def test_gamma_excess_is_the_integral_of_the_gamma_density(
    mean: float, cv: float, z: float
) -> None:
    """The closed form against numerical integration of scipy's gamma density, and its
    bounds: never above the mean demand nor below the plain shortfall (Jensen)."""
    sd = cv * mean
    level = max(mean + z * sd, 0.0)
    got = float(gamma_excess(np.array([level]), np.array([mean]), np.array([sd]))[0])
    assert got == pytest.approx(gamma_short(level, mean, sd), rel=1e-6, abs=1e-9 * mean)
    assert max(mean - level, 0.0) - 1e-9 <= got <= mean + 1e-9


def test_gamma_is_the_normal_when_the_spread_is_small() -> None:
    """At cv 0.005 (skewness 0.01) the gamma is all but normal: its excess 1 sd above the
    mean is sd G(1) to within 1%; at cv 0.5 it is 40% more (the longer right tail)."""
    got = gamma_excess(np.array([100.5, 150.0]), np.array([100.0, 100.0]), np.array([0.5, 50.0]))
    assert got[0] == pytest.approx(0.5 * float(normal_loss(1.0)), rel=0.01)
    assert got[1] > 1.2 * 50.0 * float(normal_loss(1.0))


def test_gamma_quantile_inverts_the_distribution() -> None:
    """The 0.9 quantile of mean 100, sd 50 (shape 4, scale 25) is scipy's; no spread: the mean."""
    got = gamma_quantile(np.array([0.9, 0.9]), np.array([100.0, 7.0]), np.array([50.0, 0.0]))
    assert got == pytest.approx([stats.gamma(4.0, scale=25.0).ppf(0.9), 7.0], rel=1e-10)
