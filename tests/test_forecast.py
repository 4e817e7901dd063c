"""Tests of forecaster.models.forecast, .distributions and .engine.forecast_units.

Spans of the forecast, period moments, count quantiles (Poisson and negative binomial), and
promotions in the history (cleaned out) and in the future (multiplied in).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from forecaster.config import Settings
from forecaster.io.dataset import load_dataset
from forecaster.models.distributions import count_cdf, count_quantiles
from forecaster.models.engine import forecast_units
from forecaster.models.forecast import Forecast
from forecaster.units import planning_units

START = pd.Timestamp("2026-04-01")
Shop = Callable[..., Path]


def two_units() -> Forecast:
    """Unit 0: 1, 2, 3, 4, 5 a day, cv 0.5. Unit 1: 10 a day, cv 0.1."""
    mean = np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [10.0] * 5])
    model = np.array(["test", "test"], dtype=object)
    return Forecast.independent_days(START, mean, np.array([0.5, 0.1]), model)


def test_total_with_offsets() -> None:
    """Unit 0, days 1..2: 2 + 3 = 5, var 0.25 x (4 + 9) = 3.25.
    Unit 1, days 4..6 (5 and 6 past the horizon count as day 4): 30, var 0.01 x 100 x 3 = 3."""
    mean, sd = two_units().total(np.array([2, 3]), offset=np.array([1, 4]))
    assert mean == pytest.approx([5.0, 30.0])
    assert sd == pytest.approx([np.sqrt(3.25), np.sqrt(3.0)])


def test_total_from_start_scalar_days() -> None:
    """Three days from the start: 1 + 2 + 3 = 6 and 30; var 0.25 x 14 = 3.5 and 3."""
    mean, sd = two_units().total(3)
    assert mean == pytest.approx([6.0, 30.0])
    assert sd**2 == pytest.approx([3.5, 3.0])


def test_total_past_the_horizon() -> None:
    """Days 3..6 of unit 0: 4 + 5 + 5 + 5 = 19, var 0.25 x (16 + 25 x 3) = 22.75.
    Days 7..8 (wholly past the horizon): 5 + 5 = 10, var 0.25 x 50 = 12.5."""
    f = two_units()
    mean, sd = f.total(4, offset=3)
    assert mean[0] == pytest.approx(19.0)
    assert sd[0] ** 2 == pytest.approx(22.75)
    mean, sd = f.total(2, offset=7)
    assert mean[0] == pytest.approx(10.0)
    assert sd[0] ** 2 == pytest.approx(12.5)


def test_total_of_zero_days() -> None:
    """An empty span has no demand."""
    mean, sd = two_units().total(0, offset=2)
    assert mean.tolist() == [0.0, 0.0]
    assert sd.tolist() == [0.0, 0.0]


def test_period_moments() -> None:
    """Edges 0, 2, 5 -> days 0..1 and 2..4. Unit 0: means 1 + 2 = 3 and 3 + 4 + 5 = 12;
    variances 0.25 x (1 + 4) = 1.25 and 0.25 x (9 + 16 + 25) = 12.5. Unit 1: 20, 30; 2, 3."""
    mean, var = two_units().period_moments(np.array([0, 2, 5]))
    assert mean == pytest.approx(np.array([[3.0, 12.0], [20.0, 30.0]]))
    assert var == pytest.approx(np.array([[1.25, 12.5], [2.0, 3.0]]))


def test_period_quantiles_poisson() -> None:
    """Unit 0, days 0..1: mean 3, variance 1.25 < 3 -> Poisson(3). CDF: 0.0498, 0.1991,
    0.4232, 0.6472, 0.8153, 0.9161 -> the 90% quantile is 5."""
    q = two_units().period_quantiles(np.array([0, 2]), 0.9)
    assert q[0, 0] == 5.0


# --------------------------------------------------------------------------- count quantiles


def test_poisson_quantiles_from_tables() -> None:
    """Poisson(10): CDF(13) = 0.8645, CDF(14) = 0.9165 -> p90 = 14.
    Poisson(1): CDF(0) = 0.3679, CDF(1) = 0.7358 -> p50 = 1."""
    out = count_quantiles(np.array([10.0, 1.0]), np.array([10.0, 1.0]), 0.9)
    assert out[0] == 14.0
    assert count_quantiles(np.array([1.0]), np.array([1.0]), 0.5)[0] == 1.0


def test_underdispersed_is_poisson() -> None:
    """Variance below the mean: Poisson with that mean."""
    out = count_quantiles(np.array([10.0]), np.array([2.0]), 0.9)
    assert out[0] == stats.poisson.ppf(0.9, 10.0)


def test_geometric_quantiles_by_hand() -> None:
    """Mean 4, variance 20 = 4 + 4^2: negative binomial with n = 16 / 16 = 1, p = 4 / 20 = 0.2
    (geometric): P(X <= x) = 1 - 0.8^(x + 1). p90: 0.8^11 = 0.086 <= 0.1 < 0.8^10 = 0.107
    -> 10. p50: 0.8^4 = 0.41 <= 0.5 < 0.8^3 = 0.512 -> 3."""
    assert count_quantiles(np.array([4.0]), np.array([20.0]), 0.9)[0] == 10.0
    assert count_quantiles(np.array([4.0]), np.array([20.0]), 0.5)[0] == 3.0


@pytest.mark.parametrize(("mean", "var"), [(10.0, 30.0), (2.5, 4.0), (100.0, 1000.0)])
@pytest.mark.parametrize("q", [0.5, 0.9, 0.95])
def test_negative_binomial_matches_scipy(mean: float, var: float, q: float) -> None:
    """NB with n = m^2 / (v - m), p = m / v has mean n(1-p)/p = m and variance n(1-p)/p^2 = v."""
    n, p = mean**2 / (var - mean), mean / var
    assert stats.nbinom.mean(n, p) == pytest.approx(mean)
    assert stats.nbinom.var(n, p) == pytest.approx(var)
    out = count_quantiles(np.array([mean]), np.array([var]), q)
    assert out[0] == stats.nbinom.ppf(q, n, p)


def test_geometric_cdf_by_hand() -> None:
    """The geometric of the test above: P(X <= 10) = 1 - 0.8^11 = 0.91410, P(X <= 9) =
    1 - 0.8^10 = 0.89263; P(X <= -1) = 0; a zero mean is 0 units for sure."""
    out = count_cdf(np.array([10.0, 9.0, -1.0, 0.0]), np.array([4.0, 4.0, 4.0, 0.0]),
                    np.array([20.0, 20.0, 20.0, 0.0]))  # fmt: skip
    assert out == pytest.approx([1 - 0.8**11, 1 - 0.8**10, 0.0, 1.0])


@settings(max_examples=60, deadline=None)
@given(
    mean=st.floats(0.01, 500.0),
    extra=st.floats(0.0, 50.0),
    q=st.sampled_from([0.5, 0.9, 0.95]),
)
def test_the_quantile_is_the_least_count_whose_cdf_reaches_it(
    mean: float, extra: float, q: float
) -> None:
    """``count_quantiles`` and ``count_cdf`` describe one distribution: ``F(x_q) >= q > F(x_q
    - 1)`` (to the precision of the incomplete beta and gamma functions)."""
    m, v = np.array([mean]), np.array([mean * (1.0 + extra)])
    x = count_quantiles(m, v, q)
    assert count_cdf(x, m, v)[0] >= q - 1e-9
    assert count_cdf(x - 1, m, v)[0] < q + 1e-9


def test_zero_mean_gives_zero() -> None:
    """Mean 0: 0 whatever the variance; shapes are kept (2 x 2)."""
    out = count_quantiles(
        np.array([[0.0, 3.0], [0.0, 0.0]]), np.array([[5.0, 3.0], [0.0, 0.0]]), 0.95
    )
    assert out.shape == (2, 2)
    assert out[0, 0] == 0.0
    assert out[1].tolist() == [0.0, 0.0]
    assert out[0, 1] == stats.poisson.ppf(0.95, 3.0)


def scipy_quantiles(mean: np.ndarray, var: np.ndarray, q: float) -> np.ndarray:
    """The reference: scipy's own quantile functions, Poisson where var <= mean."""
    out = np.zeros_like(mean)
    over = var > mean * (1 + 1e-9)
    out[~over] = stats.poisson.ppf(q, mean[~over])
    m, v = mean[over], var[over]
    out[over] = stats.nbinom.ppf(q, m * m / (v - m), m / v)
    return out


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([0.01, 1.0, 30.0, 3000.0]),
    q=st.sampled_from([0.05, 0.5, 0.8, 0.9, 0.95, 0.98, 0.995]),
)
def test_quantiles_equal_scipys_quantile_functions(seed: int, scale: float, q: float) -> None:
    """The guess-and-check quantiles are exactly scipy's ``ppf``, for means from 0.01 to
    thousands and dispersion from Poisson to 1,000 times the mean (the fallback included)."""
    rng = np.random.default_rng(seed)
    mean = rng.gamma(0.7, scale, 400) + 1e-6
    ratio = np.where(rng.random(400) < 0.3, 1.0, 1 + rng.gamma(0.7, 4.0, 400))
    ratio[:5] = 1_000.0
    got = count_quantiles(mean, mean * ratio, q)
    np.testing.assert_array_equal(got, scipy_quantiles(mean, mean * ratio, q))


@settings(max_examples=100, deadline=None)
@given(
    # means below ~1e-160 underflow m^2 in the NB parameters; demand is never that small
    mean=st.one_of(st.just(0.0), st.floats(1e-6, 500.0)),
    ratio=st.floats(0.0, 20.0),
)
def test_quantiles_are_ordered(mean: float, ratio: float) -> None:
    """p50 <= p90 <= p95 for any mean and variance (variance = ratio x mean)."""
    m, v = np.array([mean]), np.array([mean * ratio])
    p50, p90, p95 = (count_quantiles(m, v, q)[0] for q in (0.5, 0.9, 0.95))
    assert 0 <= p50 <= p90 <= p95
    assert float(p95).is_integer()


# --------------------------------------------------------------------------- engine


def test_forecast_units_with_promotions(shop: Shop) -> None:
    """As of 2026-03-31 (history 03-04 .. 03-31, forecast from 04-01).

    A sells 2/day but 20/day during the past promotion 03-25 .. 03-27 (all SKUs): those days
    are replaced by the normal 2/day around them, so every model forecasts 2/day (not
    (25 x 2 + 3 x 20) / 28 = 3.93); a constant series has no validation error, so the
    spread is the Poisson floor: variance of the total over days 0..3 = its mean, 8.
    Future promotion 04-05 .. 04-07 (days 4..6) with uplift 3 for all SKUs -> 6 on those days.
    B sells 4/day (also 4 during the past promotion) -> level 4, x 3 on days 4..6, and a
    promotion for B only, 04-11 .. 04-13 (days 10..12), uplift 10 -> 40 (A is unaffected).
    """
    dates = pd.date_range("2026-02-01", "2026-03-31")
    promo_days = pd.date_range("2026-03-25", "2026-03-27")
    sales = [
        {"sku": "A", "date": f"{d:%Y-%m-%d}", "qty": 20 if d in promo_days else 2} for d in dates
    ] + [{"sku": "B", "date": f"{d:%Y-%m-%d}", "qty": 4} for d in dates]
    promotions = [
        {"name": "spring", "start": "2026-03-25", "end": "2026-03-27", "uplift": "", "sku": ""},
        {"name": "618", "start": "2026-04-05", "end": "2026-04-07", "uplift": 3.0, "sku": ""},
        {"name": "b-day", "start": "2026-04-11", "end": "2026-04-13", "uplift": 10.0, "sku": "B"},
    ]
    folder = shop(sales=sales, promotions=promotions)
    settings = Settings().with_overrides(data_dir=folder)
    ds = load_dataset(settings)
    units = planning_units(ds)
    f = forecast_units(ds.sales, units, ds.promotions, ds.as_of, settings, 20)
    assert units["sku"].tolist() == ["A", "B"]
    assert f.start == pd.Timestamp("2026-04-01")

    a = np.full(20, 2.0)
    a[4:7] = 6.0
    assert f.mean[0] == pytest.approx(a)
    mean, sd = f.total(np.array([4, 4]))
    assert mean[0] == pytest.approx(8.0)
    assert sd[0] == pytest.approx(np.sqrt(8.0))

    b = np.full(20, 4.0)
    b[4:7] = 12.0
    b[10:13] = 40.0
    assert f.mean[1] == pytest.approx(b)


def test_forecast_units_only_promotion_days_are_used(shop: Shop) -> None:
    """C first sold on 03-31, the one day of its flash sale: every day on sale is a promotion
    day, so that day is kept (there is no normal day to replace it with): 12 units in its one
    day on sale is 84 a week (not 0), spread over the days by its weekday profile."""
    sales = [
        {"sku": "A", "date": "2026-03-30", "qty": 1},
        {"sku": "C", "date": "2026-03-31", "qty": 12},
    ]
    skus = [
        {"sku": s, "supplier": "S1", "unit_cost": 1, "unit_price": 2, "lead_time_days": 7}
        for s in ("A", "C")
    ]
    promotions = [
        {"name": "flash", "start": "2026-03-31", "end": "2026-03-31", "uplift": 2.0, "sku": "C"}
    ]
    folder = shop(sales=sales, skus=skus, promotions=promotions,
                  inventory=[{"sku": "A", "on_hand": 1}, {"sku": "C", "on_hand": 1}])  # fmt: skip
    settings = Settings().with_overrides(data_dir=folder)
    ds = load_dataset(settings)
    units = planning_units(ds)
    f = forecast_units(ds.sales, units, ds.promotions, ds.as_of, settings, 7)
    assert f.mean[1].sum() == pytest.approx(84.0)
    assert (f.mean[1] > 0).all()


def test_forecast_units_uplift_below_one_lowers_demand(shop: Shop) -> None:
    """A future promotion with uplift 0.5 (a multiplier of normal demand, minimum 0 in the
    schema) halves A's 2/day on its days 04-03 .. 04-04 (days 2..3) -> 1."""
    sales = [
        {"sku": "A", "date": f"{d:%Y-%m-%d}", "qty": 2}
        for d in pd.date_range("2026-03-01", "2026-03-31")
    ]
    promotions = [
        {"name": "quiet", "start": "2026-04-03", "end": "2026-04-04", "uplift": 0.5, "sku": "A"}
    ]
    folder = shop(sales=sales, promotions=promotions)
    settings = Settings().with_overrides(data_dir=folder)
    ds = load_dataset(settings)
    units = planning_units(ds)
    f = forecast_units(ds.sales, units, ds.promotions, ds.as_of, settings, 6)
    assert f.mean[0] == pytest.approx([2.0, 2.0, 1.0, 1.0, 2.0, 2.0])


def test_forecast_units_overlapping_promotions_take_the_largest_uplift(shop: Shop) -> None:
    """A at 2/day; 'quiet' (x0.5) on days 1..3 and '1111' (x3) on days 3..4: days 1..2 -> 1,
    day 3 -> max(0.5, 3) x 2 = 6, day 4 -> 6, day 0 and 5 -> 2."""
    sales = [
        {"sku": "A", "date": f"{d:%Y-%m-%d}", "qty": 2}
        for d in pd.date_range("2026-03-01", "2026-03-31")
    ]
    promotions = [
        {"name": "quiet", "start": "2026-04-02", "end": "2026-04-04", "uplift": 0.5, "sku": "A"},
        {"name": "1111", "start": "2026-04-04", "end": "2026-04-05", "uplift": 3.0, "sku": ""},
    ]
    folder = shop(sales=sales, promotions=promotions)
    settings = Settings().with_overrides(data_dir=folder)
    ds = load_dataset(settings)
    units = planning_units(ds)
    f = forecast_units(ds.sales, units, ds.promotions, ds.as_of, settings, 6)
    assert f.mean[0] == pytest.approx([2.0, 1.0, 1.0, 6.0, 6.0, 2.0])


def test_promotion_share_in_blocks_of_units_equals_the_whole_shop_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The units promotions add over each unit's first days, and the largest multiplier,
    worked out a few units at a time (bounded memory) are the whole-array figures."""
    rng = np.random.default_rng(7)
    n, horizon = 23, 40
    mean = rng.gamma(2.0, 3.0, (n, horizon))
    uplift = np.where(rng.random((n, horizon)) < 0.2, rng.uniform(1.2, 4.0, (n, horizon)), 1.0)
    days = rng.integers(0, horizon + 5, n)
    f = Forecast(
        pd.Timestamp("2026-11-01"), mean, np.zeros((n, horizon + 1)), np.array(["x"] * n),
        uplift=uplift.astype(np.float32),
    )  # fmt: skip
    inside = np.arange(horizon)[None, :] < days[:, None]
    factor = uplift.astype(np.float32).astype(float)
    added = np.where(inside, mean * (1.0 - 1.0 / factor), 0.0).sum(axis=1)
    largest = np.where(inside, factor, 1.0).max(axis=1, initial=1.0)
    monkeypatch.setattr("forecaster.models.forecast._ROWS_AT_A_TIME", 5)
    got_added, got_largest = f.promotion_share(days)
    assert np.array_equal(got_added, added) and np.array_equal(got_largest, largest)
    assert got_added[days == 0].tolist() == [0.0] * int((days == 0).sum())
