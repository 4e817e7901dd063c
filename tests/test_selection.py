"""Tests of forecaster.models.classify, .candidates, .smooth (the guard, either engine, the
statsmodels engine's pool) and
.selection (rolling-origin choice, the error model and its quantiles).

Hand-computed classes and candidate forecasts on tiny series; properties of
:func:`forecast_periods` on hypothesis panels (ordered quantiles, variance of totals at least
the Poisson floor and never shrinking, model names); the candidate that must win on series
built for it; a failing statsmodels fit never chosen; and simulations with known demand that
check the p90 of a period and of an 8-period total cover about 90% of what happens next.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import forecaster.models.smooth_statsmodels as smooth_statsmodels
from forecaster.models.candidates import CANDIDATES
from forecaster.models.classify import CLASSES, demand_classes, demand_statistics
from forecaster.models.credibility import group_prior
from forecaster.models.distributions import count_quantiles
from forecaster.models.selection import (
    BORROWED,
    BORROWED_PANEL,
    FALLBACK,
    MIN_TRAIN,
    REJECT_SEASON,
    Options,
    PeriodForecast,
    Seasons,
    _keep_season,
    first_demand,
    fit_from,
    forecast_periods,
)
from forecaster.models.smooth import ABSURD, ENGINES, MODELS, SmoothEngine, SmoothStates, fit_smooth
from forecaster.models.smooth_rules import guard

NAN = np.nan
ONE = Options(workers=1)
#: Every name a series' model can be made of.
NAMES = {*CANDIDATES, *MODELS, BORROWED, BORROWED_PANEL}


def check_sane(f: PeriodForecast, combine: int) -> None:
    """The invariants every forecast keeps (see the module docstring of selection)."""
    n, horizon = f.mean.shape
    assert f.cum_var.shape == (n, horizon + 1)
    assert np.isfinite(f.mean).all() and np.isfinite(f.cum_var).all()
    assert (f.mean >= 0).all()
    assert (f.cum_var[:, 0] == 0).all()
    assert (np.diff(f.cum_var, axis=1) >= -1e-9).all(), "variance of a longer total shrank"
    cum_mean = np.cumsum(f.mean, axis=1)
    assert (f.cum_var[:, 1:] >= cum_mean * (1 - 1e-9) - 1e-9).all(), "below the Poisson floor"
    p50, p90, p95 = (f.quantile(q) for q in (0.5, 0.9, 0.95))
    assert (p50 >= 0).all()
    assert (p50 <= p90).all() and (p90 <= p95).all()
    for name in f.model:
        parts = name.split("+")
        assert 1 <= len(parts) <= combine, name
        assert set(parts) <= NAMES, name
        assert len(set(parts)) == len(parts), name
    assert set(f.demand_class) <= set(CLASSES)


# --------------------------------------------------------------------------- classify


def test_demand_statistics_by_hand() -> None:
    """Row 0: 6 periods, 2 demands -> ADI 3; sizes 2, 4: mean 3, variance 1 -> CV² 1/9.
    Row 1: demand every period -> ADI 1; sizes 5, 6, 5, 6: mean 5.5, variance 0.25 -> 1/121.
    Row 2: one demand -> ADI 6, CV² 0 (fewer than two sizes). Row 3: none -> ADI inf, CV² 0."""
    y = np.array([[0.0, 2, 0, 0, 4, 0], [5, 6, 5, 6, 5, 6], [0, 0, 0, 7, 0, 0], [0, 0, 0, 0, 0, 0]])
    adi, cv2 = demand_statistics(y, np.zeros(4, dtype=int))
    assert adi.tolist() == [3.0, 1.0, 6.0, np.inf]
    assert cv2 == pytest.approx([1 / 9, 1 / 121, 0.0, 0.0])


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ([5.0, 6, 5, 6], "smooth"),  # ADI 1, CV² 0.25 / 30.25 = 0.008
        ([1.0, 10, 1, 10], "erratic"),  # ADI 1, CV² 20.25 / 30.25 = 0.67
        ([0.0, 5, 0, 5, 0, 6], "intermittent"),  # ADI 2, CV² 0.2 / 28.4 = 0.007
        ([0.0, 1, 0, 9], "lumpy"),  # ADI 2, CV² 16 / 25 = 0.64
        ([0.0, 0, 0, 0], "none"),
        ([17.0, 3, 17, 3], "erratic"),  # CV² 49 / 100 = 0.49 exactly: not below the cut
        ([4.0] * 25 + [0.0] * 8, "intermittent"),  # ADI 33 / 25 = 1.32 exactly: not below
        ([4.0] * 26 + [0.0] * 7, "smooth"),  # ADI 33 / 26 = 1.27
    ],
)
def test_each_class(row: list[float], expected: str) -> None:
    assert demand_classes(np.array([row]), np.array([0])).tolist() == [expected]


def test_classify_ignores_periods_before_the_start() -> None:
    """[9, 0, 0, 5, 6] from period 3: 5, 6 -> smooth; from 0: ADI 5/3 and sizes 9, 5, 6
    (mean 6.67, variance 2.89, CV² 0.065) -> intermittent. Whatever was before the start
    does not matter."""
    y = np.array([[9.0, 0, 0, 5, 6], [0.0, 40, 1, 5, 6], [9.0, 0, 0, 5, 6]])
    start = np.array([3, 3, 0])
    assert demand_classes(y, start).tolist() == ["smooth", "smooth", "intermittent"]
    adi, cv2 = demand_statistics(y, start)
    assert adi[0] == adi[1] == 1.0 and cv2[0] == cv2[1]
    assert adi[2] == pytest.approx(5 / 3)
    assert demand_classes(y, np.array([5, 5, 5])).tolist() == ["none"] * 3


# --------------------------------------------------------------------------- candidates


def run(name: str, y: Any, start: Any, horizon: int, season: int) -> np.ndarray:
    return CANDIDATES[name](np.asarray(y, dtype=float), np.asarray(start), horizon, season)


def test_naive() -> None:
    """The last value; an empty series (start = T) forecasts 0."""
    out = run("naive", [[1, 2, 3], [4, 5, 0], [7, 8, 9]], [0, 1, 3], 2, 52)
    np.testing.assert_array_equal(out, [[3, 3], [0, 0], [0, 0]])


def test_seasonal_naive() -> None:
    """Season 3, T = 7: period 7 + h repeats period 4 + h % 3 -> 5, 6, 7, 5, 6. A series with
    less than a season on sale (start 5: 2 periods), a panel shorter than a season or no
    season at all gives NaN."""
    y = [[1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7]]
    out = run("seasonal_naive", y, [0, 5], 5, 3)
    np.testing.assert_array_equal(out[0], [5, 6, 7, 5, 6])
    assert np.isnan(out[1]).all()
    assert np.isnan(run("seasonal_naive", [[1, 2]], [0], 2, 3)).all()
    assert np.isnan(run("seasonal_naive", [[1, 2, 3]], [0], 2, 1)).all()


def test_seasonal_drift() -> None:
    """Season 4, window w = 4, T = 10, y = 1..10. Seasonal naive: 7, 8, 9, 10, 7; the mean of
    the last 4 (8.5) minus the mean of the 4 a season before (periods 2..5: 4.5) adds 4 ->
    11, 12, 13, 14, 11 (a straight line is continued exactly for one season).
    Falling 10..1: 4, 3, 2, 1 minus 4 -> 0, 0, 0, 0 (never below 0). T = 7 < season + w: NaN.
    """
    rising = np.arange(1.0, 11)
    out = run("seasonal_drift", [rising, rising[::-1]], [0, 0], 5, 4)
    np.testing.assert_array_equal(out[0], [11, 12, 13, 14, 11])
    np.testing.assert_array_equal(out[1], [0, 0, 0, 0, 0])
    assert np.isnan(run("seasonal_drift", [rising[:7]], [0], 3, 4)).all()
    assert np.isnan(run("seasonal_drift", [rising], [3], 3, 4)).all()  # 7 periods on sale


def test_means() -> None:
    """y = 1..6. Season 52 (windows 4 and 13): short = (3+4+5+6)/4 = 4.5, long = 21/6 = 3.5.
    Season 12 (windows 3 and 12): short = 5, long = 3.5. From start 3 only 4, 5, 6 count: both
    5. An empty series: 0."""
    y = [[1, 2, 3, 4, 5, 6]] * 3
    start = [0, 3, 6]
    np.testing.assert_array_equal(run("mean_short", y, start, 2, 52), [[4.5] * 2, [5] * 2, [0] * 2])
    np.testing.assert_array_equal(run("mean_long", y, start, 2, 52), [[3.5] * 2, [5] * 2, [0] * 2])
    np.testing.assert_array_equal(run("mean_short", y, start, 1, 12), [[5], [5], [0]])
    np.testing.assert_array_equal(run("mean_long", y, start, 1, 12), [[3.5], [5], [0]])


@st.composite
def panel_and_origin(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    n = draw(st.integers(1, 4))
    t = draw(st.integers(2, 40))
    cells = st.one_of(st.just(0.0), st.integers(0, 30).map(float))
    y = draw(hnp.arrays(np.float64, (n, t), elements=cells))
    later = draw(hnp.arrays(np.float64, (n, t), elements=cells))
    start = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, t)))
    origin = draw(st.integers(1, t))
    return y, later, start, origin


@settings(max_examples=60, deadline=None)
@given(case=panel_and_origin(), season=st.sampled_from([1, 4, 12, 52]))
def test_candidates_read_only_the_past(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, int], season: int
) -> None:
    """The forecast from origin o, ``candidate(y[:, :o])``, is the same whatever comes after o,
    after the candidate has seen the whole panel (no state kept between calls), with a start
    past the origin (an empty series) and with the rows in another order; it is >= 0 or NaN
    and leaves its input alone."""
    y, later, start, o = case
    other = y.copy()
    other[:, o:] = later[:, o:]
    order = np.arange(len(y))[::-1]
    for name, candidate in CANDIDATES.items():
        before = candidate(y[:, :o].copy(), start, 5, season)
        candidate(y, start, 5, season)
        past = y[:, :o].copy()
        again = candidate(past, start, 5, season)
        np.testing.assert_array_equal(past, y[:, :o], err_msg=name)
        np.testing.assert_array_equal(before, again, err_msg=name)
        np.testing.assert_array_equal(
            candidate(other[:, :o].copy(), start, 5, season), before, err_msg=name
        )
        np.testing.assert_array_equal(
            candidate(y[order, :o].copy(), start[order], 5, season), before[order], err_msg=name
        )
        assert before.shape == (len(y), 5), name
        assert (np.isnan(before) | (before >= 0)).all(), name
        if name not in ("seasonal_naive", "seasonal_drift"):
            assert np.isfinite(before).all(), name


# --------------------------------------------------------------------------- smooth


def test_guard_by_hand() -> None:
    """Largest value seen 5 -> absurd above 10 x 5 = 50 or below -50; slightly negative
    forecasts are clipped to 0; with nothing seen the bar is 10 x 1."""
    seen = np.array([1.0, 5.0, 2.0])
    np.testing.assert_array_equal(guard(np.array([-1.0, 3.0, 50.0]), seen), [0, 3, 50])
    assert np.isnan(guard(np.array([1.0, 50.5]), seen)).all()
    assert np.isnan(guard(np.array([1.0, -50.5]), seen)).all()
    assert np.isnan(guard(np.array([1.0, np.inf]), seen)).all()
    assert np.isnan(guard(np.array([1.0, NAN]), seen)).all()
    assert ABSURD == 10.0
    assert guard(np.array([10.0]), np.zeros(3)).tolist() == [10.0]
    assert np.isnan(guard(np.array([10.5]), np.zeros(3))).all()


@pytest.mark.parametrize("engine", ENGINES)
def test_fit_smooth_needs_history(engine: SmoothEngine) -> None:
    """Shape (models, n, origins, horizon); a series with fewer than MIN_PERIODS periods before
    the first origin has NaN; a long trending one has finite, non-negative forecasts."""
    t = np.arange(40.0)
    y = np.vstack([50 + 2 * t + np.sin(t), 50 + 2 * t + np.cos(t)])
    start = np.array([0, 35])
    out = fit_smooth(y, start, [30, 40], 3, 52, 1, engine)
    assert out.shape == (len(MODELS), 2, 2, 3)
    assert np.isnan(out[:, 1]).all()
    assert np.isfinite(out[:, 0]).all() and (out[:, 0] >= 0).all()
    # from origin 40 both models continue the line of slope 2 near 130 .. 135
    assert out[:, 0, 1] == pytest.approx(np.tile([131.0, 133.0, 135.0], (2, 1)), rel=0.05)


def test_process_pool_gives_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The statsmodels engine: chunks of 2 series (3 chunks for 5 smooth series) go to a pool
    of 2 processes: the forecast is identical to the one fitted in this process."""
    pools: list[int] = []

    class Pool(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pools.append(kwargs.get("max_workers", 0))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(smooth_statsmodels, "CHUNK", 2)
    monkeypatch.setattr(smooth_statsmodels, "ProcessPoolExecutor", Pool)
    rng = np.random.default_rng(7)
    t = np.arange(60)
    y = np.round(80 + 1.5 * t + 10 * np.sin(2 * np.pi * t / 13) + rng.normal(0, 4, (5, 60)))
    one = forecast_periods(y, 6, 52, options=Options(workers=1, smooth_engine="statsmodels"))
    assert pools == []
    two = forecast_periods(y, 6, 52, options=Options(workers=2, smooth_engine="statsmodels"))
    assert pools == [2]
    assert any(m in name for name in one.model for m in MODELS), "no statsmodels fit chosen"
    np.testing.assert_array_equal(one.mean, two.mean)
    np.testing.assert_array_equal(one.cum_var, two.cum_var)
    assert one.model.tolist() == two.model.tolist()


# --------------------------------------------------------------------------- forecast_periods


def test_first_demand_and_moments() -> None:
    """First non-zero period (T when none). Moments over periods 0 and 1..2: means 1 and 2 + 3;
    variances are differences of the cumulative variance: 1 and 6 - 1."""
    assert first_demand(np.array([[0.0, 0, 3], [1, 0, 0], [0, 0, 0]])).tolist() == [2, 0, 3]
    f = PeriodForecast(
        np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 1.0, 3.0, 6.0]]), np.array(["x"]), np.array([])
    )
    mean, var = f.moments(np.array([0, 1, 3]))
    assert mean.tolist() == [[1.0, 5.0]]
    assert var.tolist() == [[1.0, 5.0]]


@pytest.mark.filterwarnings("error")
def test_all_zero_series() -> None:
    """Nothing sold: mean, variance and quantiles 0, class none, no NaN and no warning --
    whether the series counts from its (missing) first sale, from period 0 or is empty."""
    y = np.zeros((3, 30))
    f = forecast_periods(y, 6, 52, start=np.array([0, 12, 30]), options=ONE)
    g = forecast_periods(y, 6, 52, options=ONE)
    for out in (f, g):
        assert (out.mean == 0).all() and (out.cum_var == 0).all()
        for q in (0.5, 0.9, 0.95):
            assert (out.quantile(q) == 0).all()
        assert out.demand_class.tolist() == ["none"] * 3
        check_sane(out, 2)
    assert g.model.tolist() == [FALLBACK] * 3


@pytest.mark.filterwarnings("error")
def test_start_at_the_end_forecasts_zero() -> None:
    """A series whose start is T (not yet on sale) forecasts 0, whatever the numbers before."""
    y = np.array([[5.0] * 30, [3.0, 9] * 15])
    f = forecast_periods(y, 4, 52, start=np.array([30, 30]), options=ONE)
    assert (f.mean == 0).all() and (f.cum_var == 0).all()
    assert f.demand_class.tolist() == ["none", "none"]


@pytest.mark.parametrize("c", [1.0, 3.0, 25.0])
def test_constant_series(c: float) -> None:
    """A constant c (25 a period also runs the statsmodels fits): every model continues c with
    no validation error, so the variance is the Poisson floor (c x j for j periods) and the
    median of Poisson(c) for whole c is c."""
    f = forecast_periods(np.full((2, 60), c), 8, 52, options=ONE)
    assert f.mean == pytest.approx(np.full((2, 8), c))
    assert f.cum_var == pytest.approx(np.tile(c * np.arange(9), (2, 1)))
    assert (f.quantile(0.5) == c).all()
    check_sane(f, 2)


T_SALE = 60


@pytest.mark.parametrize(
    "pos",
    [
        0,
        20,
        51,
        T_SALE - 4,
        T_SALE - 2,
        T_SALE - 1,
    ],
)
def test_single_sale_on_sale_all_along(pos: int) -> None:
    """5 units once in 60 periods, the series on sale from period 0: the forecast is finite,
    non-negative and its 8-period total at most the one sale."""
    y = np.zeros((1, T_SALE))
    y[0, pos] = 5.0
    f = forecast_periods(y, 8, 52, start=np.array([0]), options=ONE)
    check_sane(f, 2)
    assert f.mean.sum() <= 5.0 + 1e-9, f.model


@pytest.mark.parametrize("pos", [0, 20, 51])
def test_single_sale_counted_from_it(pos: int) -> None:
    """The same counted from the sale (the default start) when at least a validation window
    followed it."""
    y = np.zeros((1, T_SALE))
    y[0, pos] = 5.0
    f = forecast_periods(y, 8, 52, options=ONE)
    check_sane(f, 2)
    assert f.mean.sum() <= 5.0 + 1e-9, f.model


def test_history_shorter_than_a_validation_window() -> None:
    """8 periods, horizon 8: no origin leaves MIN_TRAIN periods before it, so every series is
    new and takes mean_long (the module docstring): 2 a period."""
    y = np.full((2, 8), 2.0)
    f = forecast_periods(y, 8, 52, options=ONE)
    assert f.model.tolist() == [FALLBACK] * 2
    assert f.mean == pytest.approx(np.full((2, 8), 2.0))


def test_validation_needs_min_train_periods() -> None:
    """The smallest panel that has an origin: MIN_TRAIN + horizon periods."""
    y = np.full((1, MIN_TRAIN + 8), 2.0)
    f = forecast_periods(y, 8, 52, options=ONE)
    assert f.mean == pytest.approx(np.full((1, 8), 2.0))


@st.composite
def random_panels(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray | None, int]:
    n = draw(st.integers(1, 5))
    horizon = draw(st.integers(1, 10))
    t = draw(st.integers(MIN_TRAIN + horizon, 70))
    high = draw(st.sampled_from([1, 5, 15, 60]))
    cells = st.one_of(st.just(0.0), st.integers(0, high).map(float))
    y = draw(hnp.arrays(np.float64, (n, t), elements=cells))
    start = draw(st.none() | hnp.arrays(np.int64, (n,), elements=st.integers(0, t)))
    return y, start, horizon


@settings(max_examples=60, deadline=None)
@given(
    panel=random_panels(),
    season=st.sampled_from([1, 4, 12, 52]),
    combine=st.integers(1, 3),
)
def test_forecast_invariants(
    panel: tuple[np.ndarray, np.ndarray | None, int], season: int, combine: int
) -> None:
    """On any panel: p50 <= p90 <= p95, mean >= 0, the variance of the total over j periods
    never shrinks with j and is at least its mean, names are at most ``combine`` candidates
    joined by '+', and no warning escapes. The mean is the plain mean of the named
    candidates' forecasts from the end (the oracle, for the vectorised ones). Row order does
    not matter."""
    y, start, horizon = panel
    options = Options(workers=1, combine=combine)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = forecast_periods(y, horizon, season, start, options)
    assert f.mean.shape == (len(y), horizon)
    check_sane(f, combine)

    begin = first_demand(y) if start is None else start
    used = fit_from(y, begin, y.shape[1])
    prior = group_prior(y, used, None, season)
    for i, name in enumerate(f.model):
        parts = name.split("+")
        if set(parts) & set(MODELS):
            continue
        # borrowed: the credibility mean of its own periods and the panel's rate, K scaled
        # to its own units per sale (variance / mean of its periods, at least 1) with two
        # periods or more
        if parts in ([BORROWED], [BORROWED_PANEL]):
            own = y[i, used[i] :]
            periods = len(own)
            k = prior.k[i]
            if periods > 1 and own.mean() > 0:
                group_d = prior.process_var[i] / prior.rate[i]
                k *= max(own.var(ddof=1) / own.mean(), 1.0) / group_d
            z = periods / (periods + k)
            level = z * own.mean() + (1 - z) * prior.rate[i]
            np.testing.assert_allclose(f.mean[i], level, rtol=1e-9, atol=1e-12)
            continue
        own = [CANDIDATES[p](y[i : i + 1], used[i : i + 1], horizon, season)[0] for p in parts]
        np.testing.assert_allclose(f.mean[i], np.mean(own, axis=0), rtol=1e-9, atol=1e-12)

    order = np.arange(len(y))[::-1]
    again = None if start is None else start[order]
    g = forecast_periods(y[order], horizon, season, again, options)
    np.testing.assert_allclose(g.mean, f.mean[order], rtol=1e-9, atol=1e-12)
    assert g.model.tolist() == f.model[order].tolist()


def test_seasonal_naive_wins_a_seasonal_panel() -> None:
    """Season 4 repeated exactly: seasonal naive has no validation error and is picked alone
    (combine = 1); its forecast repeats the pattern."""
    base = np.array([2.0, 8.0, 5.0, 1.0])
    y = np.tile(base, (3, 20)) * np.array([[1.0], [2.0], [3.0]])
    f = forecast_periods(y, 8, 4, options=Options(workers=1, combine=1))
    assert f.model.tolist() == ["seasonal_naive"] * 3
    np.testing.assert_array_equal(f.mean, np.tile(base, 2) * np.array([[1.0], [2.0], [3.0]]))


def test_a_season_is_kept_unless_the_validation_rejects_it() -> None:
    """Candidates flat, seasonal, other; two origins of two held-out periods each (4 cells).

    - Series 0: flat chosen with other; the seasonal candidate's squared errors are
      1.2, 0.8, 1.4, 1.0 against the flat one's 1 each: differences 0.2, -0.2, 0.4, 0,
      mean 0.1, sd 0.258, standard error 0.129: 0.1 <= 1.645 x 0.129, so it is kept, in
      the place of the weaker chosen (other, MSE 1.5).
    - Series 1: the seasonal candidate loses by 4 in every cell (sd 0): rejected.
    - Series 2: no seasonal forecast (MSE inf): untouched.
    - Series 3: a seasonal candidate already chosen: untouched.
    """
    flat = np.ones((4, 2, 2))
    seasonal = np.array([[[1.2, 0.8], [1.4, 1.0]], flat[0] + 4.0, flat[0], flat[0]])
    other = np.full((4, 2, 2), 1.5)
    error2 = np.stack([flat, seasonal, other])  # (C, n, origins, hv)
    mse = error2.mean(axis=(2, 3))
    mse[1, 2] = np.inf
    mse[1, 3] = 0.5  # series 3: the seasonal candidate is the best
    chosen = np.array([[1, 1, 1, 0], [0, 0, 0, 1], [1, 1, 1, 1]], dtype=bool)
    before = chosen.copy()
    seasons = Seasons(error2, np.ones((4, 2), dtype=bool), np.array([False, True, False]))
    _keep_season(chosen, mse, np.ones((4, 2), dtype=bool), np.ones(4, dtype=bool), seasons)
    assert REJECT_SEASON * np.std([0.2, -0.2, 0.4, 0.0], ddof=1) / 2 >= 0.1
    assert chosen[:, 0].tolist() == [True, True, False]
    assert (chosen[:, 1:] == before[:, 1:]).all()


def test_a_yearly_peak_outside_the_validation_windows_is_kept_more_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sixty weekly series selling Poisson(100), Poisson(200) in weeks 46-50 of each year,
    forecast 13 weeks from week 38 of the third year: the validation windows (weeks 12-37)
    are flat, the horizon holds the peak. Measured: 21 of 60 forecasts carry the peak (at
    least 1.3x the weeks before it), 7 when the season is never kept; mean squared error
    2,761 against 3,453."""
    rng = np.random.default_rng(5)
    t = 52 * 2 + 38
    week = np.arange(t + 13) % 52
    level = np.where((week >= 46) & (week <= 50), 200.0, 100.0)
    y = rng.poisson(level, (60, t + 13)).astype(float)[:, :t]

    def forecast() -> tuple[int, float]:
        f = forecast_periods(y, 13, 52, options=Options(workers=1))
        peak = f.mean[:, 8:].mean(axis=1) / f.mean[:, :8].mean(axis=1)
        return int((peak > 1.3).sum()), float(((f.mean - level[t:]) ** 2).mean())

    kept, error = forecast()
    monkeypatch.setattr("forecaster.models.selection.REJECT_SEASON", -np.inf)
    never, error_never = forecast()
    assert kept >= never + 10
    assert error < 0.85 * error_never


def test_trend_is_followed() -> None:
    """A steady trend of 5 units a period from 100, noise sd 3: a trend model wins (ETS, Theta
    or seasonal drift, which continues a straight line); the naive level would be ~40 units
    short at 8 periods. The forecast stays within 5% of the line."""
    rng = np.random.default_rng(11)
    t = np.arange(112)
    y = np.round(100 + 5 * t + rng.normal(0, 3, (4, 112)))
    f = forecast_periods(y[:, :104], 8, 52, options=Options(workers=1, combine=1))
    assert set(f.model) <= {"ets", "theta", "seasonal_drift"}, f.model
    assert f.mean == pytest.approx(100 + 5 * np.tile(t[104:], (4, 1)), rel=0.05)


@pytest.mark.parametrize("value", [NAN, 1e12])
def test_failed_statsmodels_fits_are_never_chosen(
    monkeypatch: pytest.MonkeyPatch, value: float
) -> None:
    """statsmodels returning NaN (failed) or 1e12 (absurd) for every series: the other
    candidates carry the forecast, which stays near the series' level of ~100."""
    calls: list[int] = []

    def broken(
        y: np.ndarray, start: np.ndarray, origins: Any, horizon: int, season: int, *_: Any
    ) -> Any:
        calls.append(len(y))
        forecasts = np.full((len(MODELS), len(y), len(origins), horizon), value)
        return forecasts, SmoothStates.empty(len(y), len(origins), season)

    monkeypatch.setattr("forecaster.models.selection.fit_smooth_states", broken)
    rng = np.random.default_rng(2)
    y = rng.poisson(100.0, (4, 80)).astype(float)
    for combine in (1, 2, 5):
        f = forecast_periods(y, 6, 52, options=Options(workers=1, combine=combine))
        assert calls and calls[-1] == 4
        check_sane(f, combine)
        for name in f.model:
            assert not set(name.split("+")) & set(MODELS), name
        assert f.mean == pytest.approx(np.full((4, 6), 100.0), rel=0.1)


# --------------------------------------------------------------------------- coverage

N_EACH, T_SIM, H_SIM = 400, 104, 8


def known_demand(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """400 Poisson(λ) series, λ ~ U(0.5, 15), and 400 negative binomial series (mean
    μ ~ U(0.5, 15), shape r ~ U(1, 5), variance μ + μ²/r), each T + 8 periods of i.i.d.
    demand. Returns the history (first 104 periods) and the next 8 periods."""
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.5, 15.0, N_EACH)
    poisson = rng.poisson(lam[:, None], (N_EACH, T_SIM + H_SIM))
    r, mu = rng.uniform(1.0, 5.0, N_EACH), rng.uniform(0.5, 15.0, N_EACH)
    nbinom = rng.negative_binomial(r[:, None], (r / (r + mu))[:, None], (N_EACH, T_SIM + H_SIM))
    y = np.vstack([poisson, nbinom]).astype(float)
    return y[:, :T_SIM], y[:, T_SIM:]


def test_p90_covers_90_percent_of_periods() -> None:
    """The p90 of each period holds the demand drawn from the known process in 85-95% of the
    (series, period) cells.

    Tolerance: 800 independent series, so the share of 800 covered totals has a standard
    error of sqrt(0.9 x 0.1 / 800) = 0.011, and the per-period share (6,400 cells, the 8 of a
    series sharing its forecast) at most that. Quantiles of counts are whole units, so a
    perfect forecast covers a little more than 90%: the true distributions' p90 covers 92.0%
    of the periods and 90.9% of the totals here. 0.85 .. 0.95 is at least 3 standard errors
    either side of those: wide enough for any seed, narrow enough that an interval with the
    wrong variance fails (summing the periods' p90s covers 98.9% of the totals).
    """
    history, future = known_demand(seed=20260418)
    f = forecast_periods(history, H_SIM, 52, options=ONE)
    covered = future <= f.quantile(0.9)
    share = covered.mean()
    assert 0.85 <= share <= 0.95, (share, covered[:N_EACH].mean(), covered[N_EACH:].mean())


def test_p90_of_the_total_covers_90_percent() -> None:
    """The p90 of the total demand over the 8 periods (a protection period) holds the drawn
    total in 85-95% of the series (tolerance: see the test above).

    Measured: 83.1% (Poisson 83.8%, negative binomial 82.5%). The stated variance of the total
    matches the process variance (median ratio 0.99) but the squared errors of the forecast
    total are 1.95 x the stated variance: the error of the forecast level, common to all 8
    periods, is missing.
    """
    history, future = known_demand(seed=20260418)
    f = forecast_periods(history, H_SIM, 52, options=ONE)
    mean, var = f.moments(np.array([0, H_SIM]))
    covered = future.sum(axis=1) <= count_quantiles(mean, var, 0.9)[:, 0]
    share = covered.mean()
    assert 0.85 <= share <= 0.95, (share, covered[:N_EACH].mean(), covered[N_EACH:].mean())


def test_total_p90_is_not_a_sum_of_period_p90s() -> None:
    """The quantile of a total comes from the total's mean and variance: for Poisson-like
    series it is well below the sum of the periods' p90s (it may exceed it where errors
    persist and the variance grows faster than the periods)."""
    history, _ = known_demand(seed=20260418)
    f = forecast_periods(history, H_SIM, 52, options=ONE)
    mean, var = f.moments(np.array([0, H_SIM]))
    p90 = count_quantiles(mean, var, 0.9)[:, 0]
    summed = f.quantile(0.9).sum(axis=1)
    assert (p90 < summed).mean() > 0.9


def test_errors_that_persist_grow_faster_than_linearly() -> None:
    """Random walks (steps of sd 30 around 300): the error of the level carries over, so the
    variance of the 8-period total is far above 8 x one period's (g(8) > 2; for the naive
    forecast of a pure random walk it is 204 / 8 = 25.5). I.i.d. Poisson: close to linear
    (0.75 < g(8) < 2)."""
    rng = np.random.default_rng(3)
    walks = np.round(np.abs(300 + np.cumsum(rng.normal(0, 30, (200, 104)), axis=1)))
    fast = Options(workers=1, smooth_min_units=np.inf)  # the statsmodels fits add nothing here
    f = forecast_periods(walks, 8, 52, options=fast)
    growth = f.cum_var[:, 8] / (8 * f.cum_var[:, 1])
    assert np.median(growth) > 2.0

    lam = rng.uniform(1.0, 15.0, 300)
    iid = rng.poisson(lam[:, None], (300, 104)).astype(float)
    f = forecast_periods(iid, 8, 52, options=fast)
    growth = f.cum_var[:, 8] / (8 * f.cum_var[:, 1])
    assert 0.75 < np.median(growth) < 2.0
