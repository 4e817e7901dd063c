"""Tests of forecaster.models.panel: weekly buckets of daily demand, weekday shares and the
daily forecast spread from the weekly one, and forecast_matrix at each frequency.

Hand-computed buckets and shares; the daily forecast checked against the weekly forecast of
the same buckets (the oracle): its days add up to the weeks, and the variance of a total over
whole weeks is the weekly one.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from forecaster.models.panel import (
    PROFILE_WEEKS,
    MatrixFreq,
    forecast_daily,
    forecast_matrix,
    partial_first_bucket,
    validated_shares,
    weekday_shares,
    weekly_buckets,
)
from forecaster.models.selection import Options, first_demand, forecast_periods

ONE = Options(workers=1)

# --------------------------------------------------------------------------- weekly_buckets


def test_buckets_end_on_the_last_day() -> None:
    """16 days 1..16: the oldest 16 % 7 = 2 days drop; buckets are days 2..8 (3 + ... + 9 =
    42) and 9..15 (10 + ... + 16 = 91). A start before the first kept day is bucket 0."""
    y = np.arange(1.0, 17)[None, :]
    for start in (0, 1, 2):
        buckets, first = weekly_buckets(y, np.array([start]))
        assert buckets.tolist() == [[42.0, 91.0]]
        assert first.tolist() == [0]


def test_whole_weeks() -> None:
    """14 days: nothing drops; a start on day 7 is bucket 1, whole (not scaled)."""
    y = np.array([[0.0] * 7 + list(range(8, 15))])
    buckets, first = weekly_buckets(y, np.array([7]))
    assert buckets.tolist() == [[0.0, 77.0]]
    assert first.tolist() == [1]


def test_partial_first_bucket_is_scaled_only_when_it_is_the_last() -> None:
    """16 days, first sale on day 5: bucket 0 holds days 2..8, of which 4 on sale selling
    6 + 7 + 8 + 9 = 30, kept as it is (a start taken from a first sale is a sale by
    construction: scaling it up would lift every young series); bucket 1 as sold. Day 12 is
    4 days into bucket 1, the last: 2 + 3 + 4 + 5 = 14 -> 14 x 7 / 4 = 24.5, a launch of the
    last days at its weekly rate. A start on day 9 begins bucket 1 exactly: not scaled."""
    y = np.array([[0.0] * 5 + list(range(6, 17))])
    buckets, first = weekly_buckets(y, np.array([5]))
    assert buckets.tolist() == [[30.0, 91.0]]
    assert first.tolist() == [0]
    late = np.array([[0.0] * 12 + [2.0, 3.0, 4.0, 5.0]])
    buckets, first = weekly_buckets(late, np.array([12]))
    assert buckets.tolist() == [[0.0, 24.5]]
    assert first.tolist() == [1]
    on_the_edge = np.array([[0.0] * 9 + list(range(10, 17))])
    buckets, first = weekly_buckets(on_the_edge, np.array([9]))
    assert buckets.tolist() == [[0.0, 91.0]]
    assert first.tolist() == [1]


def test_start_at_the_end() -> None:
    """A start of T (not on sale) is bucket T // 7 (none is the series'), and its daily
    forecast is 0."""
    y = np.arange(1.0, 73)[None, :]
    buckets, first = weekly_buckets(y, np.array([72]))
    assert buckets.shape == (1, 10)
    assert first.tolist() == [10]
    daily = forecast_daily(y, 7, np.array([72]), options=ONE)
    assert (daily.mean == 0).all() and (daily.cum_var == 0).all()


def test_doctest_case_and_first_demand() -> None:
    """The docstring's case: first sale day 5 of 14 -> 3 + 1 = 4 in 2 days -> 14; then 7."""
    days = np.array([[0.0, 0, 0, 0, 0, 3, 1, 1, 1, 1, 1, 1, 1, 1]])
    buckets, first = weekly_buckets(days, first_demand(days))
    assert buckets.tolist() == [[4.0, 7.0]]
    assert first.tolist() == [0]


def test_days_before_the_start_do_not_count() -> None:
    """Days before a series' start are not its demand (as everywhere else in the models): a
    start on day 5 of 1..16 gives 6 + 7 + 8 + 9 = 30 in bucket 0, not 3 + ... + 9 = 42; in
    the last bucket, a start on day 12 gives (13 + 14 + 15 + 16) x 7 / 4 = 101.5."""
    y = np.arange(1.0, 17)[None, :]
    buckets, _ = weekly_buckets(y, np.array([5]))
    assert buckets.tolist() == [[30.0, 91.0]]
    buckets, _ = weekly_buckets(y, np.array([12]))
    assert buckets.tolist() == [[0.0, 101.5]]


@settings(max_examples=50, deadline=None)
@given(
    days=st.integers(1, 60).flatmap(
        lambda t: hnp.arrays(np.float64, (3, t), elements=st.integers(0, 9).map(float))
    )
)
def test_buckets_keep_whole_weeks_of_demand(days: np.ndarray) -> None:
    """Counted from the first sale, each bucket after the first is exactly the sum of its 7
    days and the first is at least its days' sum; T // 7 buckets."""
    t = days.shape[1]
    start = first_demand(days)
    buckets, first = weekly_buckets(days, start)
    weeks, off = t // 7, t % 7
    assert buckets.shape == (3, weeks)
    sums = days[:, off:].reshape(3, weeks, 7).sum(axis=2)
    for i in range(3):
        assert first[i] == (weeks if start[i] >= t else max(start[i] - off, 0) // 7)
        later = np.arange(weeks) > first[i]
        np.testing.assert_array_equal(buckets[i, later], sums[i, later])
        if first[i] < weeks:
            assert buckets[i, first[i]] >= sums[i, first[i]]


# --------------------------------------------------------------------------- weekday_shares


def shop_weeks() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two weeks (T = 14); column p of the shares is the days t with (t - 14) % 7 == p.

    * row 0 (group a): 1 on phase 0 (days 0, 7), 2 on phase 3 (days 3, 10) -> [2, 0, 0, 4, ...]
    * row 1 (group a): 1 on phase 5 (days 5, 12) -> [0, 0, 0, 0, 0, 2, 0]
    * row 2 (group a): started on day 10, no whole week: its days 10..13 do not count
    * row 3 (group b): 3 on phase 6 (days 6, 13) -> [0, ..., 0, 6]
    * row 4 (group b): started on day 13
    Group a pools [2, 0, 0, 4, 0, 2, 0] (shares 1/4, 0, 0, 1/2, 0, 1/4, 0); group b, phase 6.
    """
    y = np.zeros((5, 14))
    y[0, [0, 7]] = 1.0
    y[0, [3, 10]] = 2.0
    y[1, [5, 12]] = 1.0
    y[2, 10:] = [4.0, 1.0, 1.0, 1.0]
    y[3, [6, 13]] = 3.0
    y[4, 13] = 5.0
    start = np.array([0, 0, 10, 0, 13])
    groups = np.array(["a", "a", "a", "b", "b"])
    return y, start, groups


def test_shares_by_hand_without_prior() -> None:
    """Prior 0: each series' own weekday sales over its total; a series without a whole week
    (and no prior to borrow) is spread evenly."""
    y, start, groups = shop_weeks()
    shares = weekday_shares(y, start, groups, 0.0)
    np.testing.assert_allclose(shares[0], [1 / 3, 0, 0, 2 / 3, 0, 0, 0])
    np.testing.assert_allclose(shares[1], [0, 0, 0, 0, 0, 1, 0])
    np.testing.assert_allclose(shares[2], [1 / 7] * 7)
    np.testing.assert_allclose(shares[3], [0, 0, 0, 0, 0, 0, 1])


def test_shares_by_hand_with_prior() -> None:
    """Prior 6 units spread as group a's shares: row 0 -> [2 + 1.5, 0, 0, 4 + 3, 0, 1.5, 0] / 12;
    row 2 (nothing of its own) takes group a's; row 4 takes group b's, not a's."""
    y, start, groups = shop_weeks()
    shares = weekday_shares(y, start, groups, 6.0)
    np.testing.assert_allclose(shares[0], np.array([3.5, 0, 0, 7, 0, 1.5, 0]) / 12)
    np.testing.assert_allclose(shares[2], [0.25, 0, 0, 0.5, 0, 0.25, 0])
    np.testing.assert_allclose(shares[3], [0, 0, 0, 0, 0, 0, 1])
    np.testing.assert_allclose(shares[4], [0, 0, 0, 0, 0, 0, 1])
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_large_prior_gives_the_groups_shares() -> None:
    y, start, groups = shop_weeks()
    shares = weekday_shares(y, start, groups, 1e9)
    group_a = [0.25, 0, 0, 0.5, 0, 0.25, 0]
    for row in (0, 1, 2):
        np.testing.assert_allclose(shares[row], group_a, atol=1e-8)
    one_group = weekday_shares(y, start, None, 1e9)  # all five rows pooled: [2, 0, 0, 4, 0, 2, 6]
    np.testing.assert_allclose(one_group[4], np.array([2, 0, 0, 4, 0, 2, 6]) / 14, atol=1e-8)


def test_only_the_last_profile_weeks_count() -> None:
    """Sales on phase 1 more than PROFILE_WEEKS weeks ago, on phase 2 since: all phase 2."""
    t = 7 * (PROFILE_WEEKS + 8)
    y = np.zeros((1, t))
    days = np.arange(t)
    old = days < t - 7 * PROFILE_WEEKS
    y[0, old & ((days - t) % 7 == 1)] = 50.0
    y[0, ~old & ((days - t) % 7 == 2)] = 1.0
    shares = weekday_shares(y, np.array([0]), None, 0.0)
    np.testing.assert_allclose(shares[0], [0, 0, 1, 0, 0, 0, 0])


# --------------------------------------------------------------------------- forecast_daily


def daily_panel(seed: int, weeks: int = 60) -> np.ndarray:
    """Six series of Poisson daily demand with a weekday profile each and varied levels."""
    rng = np.random.default_rng(seed)
    profile = rng.dirichlet(np.ones(7), 6) * 7
    level = np.array([0.3, 1.0, 2.0, 4.0, 0.05, 6.0])
    t = 7 * weeks + 3  # not whole weeks: the oldest 3 days drop
    rate = level[:, None] * profile[:, np.arange(t) % 7]
    return rng.poisson(rate).astype(float)


@pytest.mark.parametrize("horizon", [21, 10])
def test_days_add_up_to_the_weekly_forecast(horizon: int) -> None:
    """The weekly forecast of the buckets (the oracle) is split over each week's days: the
    days of a whole forecast week sum to that week's forecast, the days of a part week to
    its share of it, and the variance of a total at the end of a whole week is the weekly
    one (in between it moves with the shares)."""
    y = daily_panel(1)
    groups = np.array(["x", "x", "y", "y", "y", "x"])
    start = first_demand(y)
    daily = forecast_daily(y, horizon, start, groups, ONE)
    buckets, first = weekly_buckets(y, start)
    weeks = -(-horizon // 7)
    weekly = forecast_periods(buckets, weeks, 52, first, ONE, partial_first_bucket(y, start))
    assert daily.mean.shape == (6, horizon)
    assert daily.cum_var.shape == (6, horizon + 1)
    shares = validated_shares(y, start, groups, None)
    for w in range(weeks):
        days = slice(7 * w, min(7 * w + 7, horizon))
        done = shares[:, : days.stop - days.start].sum(axis=1)
        np.testing.assert_allclose(daily.mean[:, days].sum(axis=1), weekly.mean[:, w] * done)
        if 7 * w + 7 <= horizon:
            np.testing.assert_allclose(daily.cum_var[:, 7 * w + 7], weekly.cum_var[:, w + 1])
    assert daily.cum_var[:, 0].tolist() == [0.0] * 6
    assert (np.diff(daily.cum_var, axis=1) >= -1e-12).all()
    assert daily.model.tolist() == weekly.model.tolist()
    assert daily.demand_class.tolist() == weekly.demand_class.tolist()


@pytest.mark.parametrize("phase", [0, 3, 6])
def test_one_weekday_seller(phase: int) -> None:
    """A series that sells 4 units on one weekday only (the days t with (t - T) % 7 == phase)
    gets its whole forecast on the forecast days d with d % 7 == phase when the prior is 0,
    4 on each; with the default prior its peer (selling every day) spreads some of it."""
    t = 7 * 40
    y = np.zeros((2, t))
    days = np.arange(t)
    y[0, (days - t) % 7 == phase] = 4.0
    y[1] = 2.0
    start = np.zeros(2, dtype=int)  # both on sale all 40 weeks
    daily = forecast_daily(y, 14, start, options=ONE, weekday_prior_units=0.0)
    on = np.arange(14) % 7 == phase
    np.testing.assert_allclose(daily.mean[0, on], 4.0)
    np.testing.assert_array_equal(daily.mean[0, ~on], 0.0)
    np.testing.assert_allclose(daily.mean[1], 2.0)
    # the variance of the total does not move on days without sales
    steps = np.diff(daily.cum_var[0])
    np.testing.assert_array_equal(steps[~on], 0.0)

    # 50 pseudo-units of the panel's profile: 40 weeks of 4 on the phase (160) and of 2 a day
    # (80 a weekday) -> the panel's shares 240 / 720 on the phase, 80 / 720 elsewhere; the
    # series' share on its phase (160 + 50 / 3) / 210 = 53 / 63, elsewhere (50 / 9) / 210.
    # The rhythm held in the last 8 weeks, so the check keeps the whole profile.
    pooled = forecast_daily(y, 14, start, options=ONE, weekday_prior_units=50.0)
    np.testing.assert_allclose(pooled.mean[0, on], 4.0 * 53 / 63)
    np.testing.assert_allclose(pooled.mean[0, ~on], 4.0 * 5 / 189)
    assert pooled.mean[0].sum() == pytest.approx(8.0)
    # Estimated ("auto"): two series with rhythms this different call for little pooling.
    auto = forecast_daily(y, 14, start, options=ONE)
    assert auto.mean[0, on].min() > 4.0 * 53 / 63
    assert auto.mean[0].sum() == pytest.approx(8.0)


def test_new_series_borrows_its_groups_rhythm() -> None:
    """A series on sale for 3 days gets its week spread like its category's (weekend
    sellers), not like the other category's (weekday sellers)."""
    t = 7 * 30
    days = np.arange(t)
    weekend = ((days - t) % 7 >= 5).astype(float) * 6.0
    weekday = ((days - t) % 7 < 5).astype(float) * 3.0
    y = np.vstack([weekend, weekend, weekday, weekday, np.zeros(t)])
    y[4, -3:] = [2.0, 1.0, 3.0]
    groups = np.array(["w", "w", "d", "d", "w"])
    daily = forecast_daily(y, 7, groups=groups, options=ONE)
    np.testing.assert_array_equal(daily.mean[4, :5], 0.0)
    assert daily.mean[4, 5:].sum() > 0


# --------------------------------------------------------------------------- forecast_matrix


@pytest.mark.parametrize(
    ("freq", "periods", "horizon"), [("W", 60, 5), ("M", 30, 4), ("D", 7 * 20, 9)]
)
def test_forecast_matrix_shapes(freq: MatrixFreq, periods: int, horizon: int) -> None:
    """Each frequency runs on a small panel (one series all zero) and has the right shapes; W
    and M are forecast_periods with seasons 52 and 12."""
    rng = np.random.default_rng(4)
    y = rng.poisson(3.0, (4, periods)).astype(float)
    y[2] = 0.0
    f = forecast_matrix(y, horizon, freq, options=ONE)
    assert f.mean.shape == (4, horizon)
    assert f.cum_var.shape == (4, horizon + 1)
    assert f.model.shape == (4,) and f.demand_class.shape == (4,)
    assert np.isfinite(f.mean).all() and (f.mean >= 0).all()
    assert (f.mean[2] == 0).all()
    assert f.mean[[0, 1, 3]].mean() == pytest.approx(3.0, rel=0.25)
    if freq != "D":
        season = {"W": 52, "M": 12}[freq]
        direct = forecast_periods(y, horizon, season, options=ONE)
        np.testing.assert_array_equal(f.mean, direct.mean)
        np.testing.assert_array_equal(f.cum_var, direct.cum_var)
