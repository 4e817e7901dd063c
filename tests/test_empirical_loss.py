"""Tests of forecaster.inventory.empirical_loss: order-up-to levels read from a unit's history.

The brute force below builds every total by repeated ``np.convolve`` of the daily
distribution and sums ``(x - S)+`` over it directly; the module gets there with one FFT
and a linear piece between grid points.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from forecaster.inventory.empirical_loss import (
    MIN_DAYS,
    _convolved,
    _expected_excess,
    empirical_order_up_to,
)

#: Half the days sell 2 units, half sell nothing.
COIN = np.array([[2.0, 0.0] * 20])


def level(
    history: np.ndarray,
    protection: int,
    lead: int,
    allowed: float,
    mean_p: float | None = None,
    lead_sd: float = 0.0,
    window: int = 365,
    min_demand_days: int = 4,
) -> float:
    mean = np.nanmean(history) * protection if mean_p is None else mean_p
    out = empirical_order_up_to(
        history,
        np.array([protection]),
        np.array([lead]),
        np.array([lead_sd]),
        np.array([mean]),
        np.array([allowed]),
        window,
        min_demand_days,
    )
    return float(out.order_up_to[0])


def brute_shortage(history: np.ndarray, protection: int, lead: int, shift: int, s: float) -> float:
    """``ES(s)`` by explicit convolution of the integer daily distribution (Hadley-Whitin)."""
    values = history[~np.isnan(history)].astype(int)
    day = np.bincount(values) / len(values)

    def excess(days: int) -> float:
        pmf = np.array([1.0])
        for _ in range(max(days, 0)):
            pmf = np.convolve(pmf, day)
        return float(np.sum(np.maximum(np.arange(len(pmf)) - s, 0.0) * pmf))

    spread = ((-shift, 1 / 6), (0, 2 / 3), (shift, 1 / 6))
    return sum(w * (excess(protection + d) - excess(lead + d)) for d, w in spread)


@pytest.mark.parametrize(
    ("pmf", "at", "published"),
    [
        # stockpyl.loss_functions.negative_binomial_loss(14, 4, 0.2)
        (stats.nbinom(4, 0.2).pmf(np.arange(512)), 14, 4.447304632028364),
        # geometric_loss(7, 0.2): trials until the first success, support 1, 2, ...
        (stats.geom(0.2).pmf(np.arange(512)), 7, 1.0485760000000004),
    ],
)
def test_loss_matches_stockpyl_published_examples(
    pmf: np.ndarray, at: int, published: float
) -> None:
    """The discrete loss ``E(X - x)+`` against stockpyl's documented examples (Snyder &
    Shen, *Fundamentals of Supply Chain Theory*, app. C; Zipkin 2000, C.2.3)."""
    assert _expected_excess(pmf[None, :])[0, at] == pytest.approx(published, rel=1e-9)


def test_convolution_matches_stockpyl_poisson_example() -> None:
    """15 independent Poisson(1) days total Poisson(15): ``poisson_loss(18, 15)`` is
    0.5176095282584724 in stockpyl's documentation; the FFT convolution gives it."""
    day = stats.poisson(1.0).pmf(np.arange(64))
    spectrum = np.fft.rfft(day[None, :], n=64, axis=1)
    total = _convolved(spectrum, np.array([15]), 64)
    assert _expected_excess(total)[0, 18] == pytest.approx(0.5176095282584724, rel=1e-9)


def test_hand_computed_coin() -> None:
    """P = 2, L = 1: ES(S) = (4 - S)/4 on [2, 4]; 0.1 allowed gives 3.6."""
    assert level(COIN, 2, 1, 0.1) == pytest.approx(3.6)


def test_hand_computed_lead_time_spread() -> None:
    """sd 0.6 d: d = rint(sqrt(3) 0.6) = 1, lead times 0, 1, 2 weighted 1/6, 2/3, 1/6.

    With u = 4 - S on [2, 4]: 1/6 (E X1 - E X0) = 0; 2/3 (E X2 - E X1) = 2/3 u/4;
    1/6 (E X3 - E X2) = 1/6 (3u/8 + (u + 2)/8 - u/4). ES = (10u + 2)/48 = 0.1 at u = 0.28.
    """
    assert level(COIN, 2, 1, 0.1, lead_sd=0.6) == pytest.approx(3.72)


def test_level_follows_the_forecast_not_the_history() -> None:
    """Twice the forecast mean, twice the level: the history gives the shape only."""
    assert level(COIN, 2, 1, 0.2, mean_p=4.0) == pytest.approx(2 * 3.6)


def test_fractional_days_keep_their_mean() -> None:
    """A cleaned promotion day of 0.5 units is half 0 and half 1; the level sees mean 0.5."""
    history = np.array([[0.5] * 40])
    # the day is 0 or 1 at even odds: 2 days sum to 0, 1, 2 (1/4, 1/2, 1/4), 1 day to 0, 1
    # ES(S) on [1, 2] = (2 - S)/4 - 0; 0.05 allowed gives S = 1.8
    assert level(history, 2, 1, 0.05, min_demand_days=1) == pytest.approx(1.8)


def test_short_or_sparse_history_gets_no_level() -> None:
    sparse = np.array([[3.0] + [0.0] * 99])
    assert np.isnan(level(sparse, 7, 3, 0.1))  # one day with a sale, 4 needed
    young = np.array([[np.nan] * 100 + [1.0, 0.0] * ((MIN_DAYS - 1) // 2)])
    assert np.isnan(level(young, 7, 3, 0.1))  # fewer than MIN_DAYS days on sale
    assert np.isnan(level(COIN, 2, 1, 0.1, window=0))  # switched off
    assert np.isnan(level(COIN, 2, 1, 0.1, mean_p=0.0))  # nothing to protect


def test_window_reads_only_the_latest_days() -> None:
    """Old lumps beyond the window do not widen the distribution."""
    old_lumps = np.concatenate([np.tile([50.0, 0.0], 100), COIN[0]])[None, :]
    assert level(old_lumps, 2, 1, 0.1, mean_p=2.0, window=40) == pytest.approx(3.6)


def test_large_lumps_take_a_coarser_grid_without_losing_the_level() -> None:
    """Totals of 30 days of lumps up to 2,000 units overflow the grid; steps of 4 units
    carry them, and the level is the same as for the history in thousands."""
    rng = np.random.default_rng(5)
    small = (rng.random(200) < 0.2) * rng.integers(1, 3, 200).astype(float)
    thousands = level(small[None, :], 30, 23, 0.15)
    units = level(small[None, :] * 1000, 30, 23, 150.0)
    assert units == pytest.approx(1000 * thousands, rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.integers(0, 6), min_size=MIN_DAYS, max_size=60),
    lead=st.integers(0, 6),
    review=st.integers(1, 5),
    shift=st.integers(0, 2),
    share=st.floats(0.005, 0.5),
)
def test_matches_brute_force(
    days: list[int], lead: int, review: int, shift: int, share: float
) -> None:
    """At the level found the brute-force shortage is the goal, and just below it more."""
    history = np.array([days], dtype=float)
    if (history > 0).sum() < 4:
        return
    protection = lead + review
    allowed = share * float(np.mean(history)) * review
    sd = shift / np.sqrt(3.0)
    found = level(history, protection, lead, allowed, lead_sd=sd)
    if found == 0.0:  # even no stock meets the goal
        assert brute_shortage(history, protection, lead, shift, 0.0) <= allowed + 1e-9
        return
    assert brute_shortage(history, protection, lead, shift, found) == pytest.approx(
        allowed, abs=1e-7
    )
    assert brute_shortage(history, protection, lead, shift, found - 1e-3) > allowed


@settings(max_examples=40, deadline=None)
@given(
    days=st.lists(st.integers(0, 9), min_size=MIN_DAYS, max_size=80),
    low=st.floats(0.80, 0.99),
    gap=st.floats(0.001, 0.15),
)
def test_higher_target_never_lowers_the_level(days: list[int], low: float, gap: float) -> None:
    history = np.array([days], dtype=float)
    if (history > 0).sum() < 4:
        return
    cycle = float(np.mean(history)) * 7
    loose = level(history, 21, 14, (1 - low) * cycle)
    strict = level(history, 21, 14, (1 - min(low + gap, 0.999)) * cycle)
    assert strict >= loose - 1e-9
