"""Tests of forecaster.models.intermittent: SES, Croston, SBA, TSB, ADIDA, IMAPA and tuning.

Every vectorised model is checked against a plain per-series loop written here from the
textbook recursion (the oracle), on a seeded mixed panel and on hypothesis panels; its
``fitted`` values against the rolling forecasts of the model itself; and on hand-computed
numbers. The tuned variants are checked against a brute-force search over their grid, and
the forecasts alone (no fitted path) against the full fits, bit for bit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from forecaster.models.intermittent import (
    CROSTON_ALPHAS,
    SES_ALPHAS,
    TSB_ALPHAS,
    TSB_BETAS,
    Fit,
    Tuned,
    adida,
    adida_forecast,
    croston,
    croston_optimised,
    imapa,
    imapa_forecast,
    optimised_forecast,
    sba,
    sba_optimised,
    ses,
    ses_optimised,
    sy_optimised,
    tsb,
    tsb_optimised,
)

NAN = math.nan
Series = Sequence[float]
OneFit = tuple[list[float], float]

# --------------------------------------------------------------------------- oracles
# One series at a time, x = y[i, start:], textbook recursions with Python floats.


def ses_one(x: Series, alpha: float) -> OneFit:
    """Level starts at the first value; the forecast of t is the level after t - 1."""
    fitted: list[float] = []
    level: float | None = None
    for v in x:
        fitted.append(NAN if level is None else level)
        level = v if level is None else level + alpha * (v - level)
    return fitted, 0.0 if level is None else level


def croston_one(x: Series, alpha: float, factor: float = 1.0) -> OneFit:
    """Size and interval smoothed at demands; first interval counted from the start."""
    fitted: list[float] = []
    z = p = None
    since = 0  # periods since the previous demand (or the start), this one included
    for v in x:
        since += 1
        fitted.append(NAN if z is None or p is None else z / p * factor)
        if v > 0:
            if z is None or p is None:
                z, p = v, float(since)
            else:
                z += alpha * (v - z)
                p += alpha * (since - p)
            since = 0
    return fitted, 0.0 if z is None or p is None else z / p * factor


def sba_one(x: Series, alpha: float) -> OneFit:
    return croston_one(x, alpha, factor=1 - alpha / 2)


def tsb_one(x: Series, alpha: float, beta: float) -> OneFit:
    """Probability 1 / (first interval) and size y at the first demand, then TSB updates."""
    fitted: list[float] = []
    prob = size = None
    for since, v in enumerate(x, start=1):  # periods since the start, this one included
        fitted.append(NAN if prob is None or size is None else prob * size)
        if prob is None or size is None:
            if v > 0:
                prob, size = 1 / since, v
        else:
            prob += beta * ((1.0 if v > 0 else 0.0) - prob)
            if v > 0:
                size += alpha * (v - size)
    return fitted, 0.0 if prob is None or size is None else prob * size


def adi_level(x: Series) -> int:
    """Mean interval between consecutive demands, rounded half up; 1 with < 2 demands."""
    idx = [t for t, v in enumerate(x) if v > 0]
    if len(idx) < 2:
        return 1
    gaps = [b - a for a, b in itertools.pairwise(idx)]
    return max(1, math.floor(sum(gaps) / len(gaps) + 0.5))


def aggregate_forecast(x: Series, k: int, alpha: float) -> float:
    """SES over the totals of k-period buckets ending at the last period, per period."""
    count = len(x) // k
    tail = list(x[len(x) - count * k :])
    buckets = [sum(tail[j * k : (j + 1) * k]) for j in range(count)]
    level = buckets[0]
    for b in buckets[1:]:
        level += alpha * (b - level)
    return level / k


def rolling(forecast: Callable[[Series], float], x: Series) -> OneFit:
    """Fitted values as the forecast from the periods before, NaN at the first period."""
    return [forecast(x[:t]) if t > 0 else NAN for t in range(len(x))], forecast(x)


def adida_one(x: Series, alpha: float) -> OneFit:
    def forecast(h: Series) -> float:
        return aggregate_forecast(h, adi_level(h), alpha) if len(h) else 0.0

    return rolling(forecast, x)


def imapa_one(x: Series, alpha: float, cap: int = 12) -> OneFit:
    def forecast(h: Series) -> float:
        if not len(h):
            return 0.0
        top = min(cap, adi_level(h))
        return sum(aggregate_forecast(h, j, alpha) for j in range(1, top + 1)) / top

    return rolling(forecast, x)


def oracle(
    one: Callable[..., OneFit], y: np.ndarray, start: np.ndarray, **params: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Run a one-series oracle on every row; params are scalars or one value per row."""
    n, periods = y.shape
    fitted = np.full((n, periods), NAN)
    forecast = np.zeros(n)
    for i in range(n):
        own = {k: float(np.broadcast_to(v, (n,))[i]) for k, v in params.items()}
        f, forecast[i] = one([float(v) for v in y[i, start[i] :]], **own)
        fitted[i, start[i] :] = f
    return fitted, forecast


Model = Callable[..., Fit]
#: name -> (vectorised model, oracle, parameter names)
MODELS: dict[str, tuple[Model, Callable[..., OneFit], tuple[str, ...]]] = {
    "ses": (ses, ses_one, ("alpha",)),
    "croston": (croston, croston_one, ("alpha",)),
    "sba": (sba, sba_one, ("alpha",)),
    "tsb": (tsb, tsb_one, ("alpha", "beta")),
    "adida": (adida, adida_one, ("alpha",)),
    "imapa": (imapa, imapa_one, ("alpha",)),
}
#: Models whose fitted values are undefined up to the first demand.
CROSTON_TYPE = {"croston", "sba", "tsb"}


def mixed_panel(rng: np.random.Generator, n: int, periods: int) -> tuple[np.ndarray, np.ndarray]:
    """Smooth, intermittent, lumpy, very sparse, all-zero, single-sale, dying and constant
    series with integer and fractional sizes, random starts (some 0, some T) and junk
    (NaN, negative) before the start."""
    kind = np.arange(n) % 8
    rate = np.array([0.9, 0.3, 0.1, 0.03, 0.0, 0.0, 0.6, 1.0])[kind]
    y = (rng.random((n, periods)) < rate[:, None]) * (rng.poisson(3.0, (n, periods)) + 1.0)
    y[kind == 2] *= 7.5  # lumpy, fractional
    y[kind == 1] += (y[kind == 1] > 0) * 0.25
    single = np.flatnonzero(kind == 5)
    y[single, rng.integers(0, periods, len(single))] = 4.0
    y[kind == 6, periods // 2 :] = 0.0  # stops selling
    y[kind == 7] = 2.5  # constant
    start = rng.integers(0, periods // 2, n)
    start[::7] = 0
    start[3::11] = periods
    junk = np.arange(periods)[None, :] < start[:, None]
    y[junk] = rng.choice([NAN, -1.0, 99.0], junk.sum())
    return y, start


# --------------------------------------------------------------------------- 1. oracle


@pytest.mark.parametrize("name", list(MODELS))
def test_matches_oracle_on_mixed_panel_with_per_series_parameters(name: str) -> None:
    model, one, names = MODELS[name]
    rng = np.random.default_rng(7)
    y, start = mixed_panel(rng, 56, 40)
    params = {p: rng.uniform(0.05, 0.9, len(y)) for p in names}
    fit = model(y, start, **params)
    fitted, forecast = oracle(one, y, start, **params)
    np.testing.assert_allclose(fit.fitted, fitted, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(fit.forecast, forecast, rtol=1e-10, atol=1e-10)


cells = st.one_of(st.just(0.0), st.just(0.0), st.integers(1, 9).map(float), st.floats(0.1, 50.0))


@st.composite
def panels(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 6))
    periods = draw(st.integers(0, 24))
    y = draw(hnp.arrays(np.float64, (n, periods), elements=cells))
    start = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, periods)))
    return y, start


@settings(max_examples=40, deadline=None)
@given(panel=panels(), alpha=st.floats(0.01, 1.0), beta=st.floats(0.01, 1.0), seed=st.integers())
def test_matches_oracle_and_ignores_row_order(
    panel: tuple[np.ndarray, np.ndarray], alpha: float, beta: float, seed: int
) -> None:
    y, start = panel
    order = np.random.default_rng(seed % 2**32).permutation(len(y))
    for name, (model, one, names) in MODELS.items():
        params = {"alpha": alpha, "beta": beta}
        own = {p: params[p] for p in names}
        fit = model(y, start, **own)
        fitted, forecast = oracle(one, y, start, **own)
        np.testing.assert_allclose(fit.fitted, fitted, rtol=1e-9, atol=1e-9, err_msg=name)
        np.testing.assert_allclose(fit.forecast, forecast, rtol=1e-9, atol=1e-9, err_msg=name)
        assert np.all(fit.forecast >= 0) and np.all(np.isfinite(fit.forecast))
        shuffled = model(y[order], start[order], **own)
        np.testing.assert_allclose(shuffled.fitted, fit.fitted[order], rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(shuffled.forecast, fit.forecast[order], rtol=1e-12)


# --------------------------------------------------------------------------- 2. rolling


@pytest.mark.parametrize("name", list(MODELS))
def test_fitted_is_the_rolling_one_step_forecast(name: str) -> None:
    """fitted[:, t] == model(y[:, :t]).forecast wherever defined; where NaN, the truncated
    series has no information (no period, or no demand for Croston-type) and forecasts 0."""
    model = MODELS[name][0]
    y, start = mixed_panel(np.random.default_rng(3), 24, 30)
    fit = model(y, start)
    for t in range(y.shape[1] + 1):
        early = model(y[:, :t], np.minimum(start, t)).forecast
        if t == y.shape[1]:
            np.testing.assert_array_equal(early, fit.forecast)
            continue
        column = fit.fitted[:, t]
        known = np.arange(t)[None, :] >= start[:, None]
        informed = known.any(axis=1)
        if name in CROSTON_TYPE:
            informed &= (known & (np.nan_to_num(y[:, :t]) > 0)).any(axis=1)
        np.testing.assert_array_equal(~np.isnan(column), informed)
        np.testing.assert_allclose(column[informed], early[informed], rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(early[~informed], 0.0)


# --------------------------------------------------------------------------- 3. by hand


def test_hand_computed_series() -> None:
    """y = 0, 3, 0, 0, 6 from period 0, alpha = beta = 0.5 (ADIDA/IMAPA: default alpha 0.1).

    SES: level 0 -> 1.5 -> 0.75 -> 0.375 -> 0.375 + 0.5 (6 - 0.375) = 3.1875.
    Croston: first demand at t = 1: z = 3, p = 1 - 0 + 1 = 2 -> 1.5 for t = 2, 3, 4;
      at t = 4 (interval 3): z = 3 + 0.5 x 3 = 4.5, p = 2 + 0.5 x 1 = 2.5 -> 1.8.
    SBA: x (1 - 0.25): 1.125 and 1.35.
    TSB: at t = 1 z = 3, pi = 1/2 -> 1.5; t = 2 no demand pi = 0.25 -> 0.75; t = 3 pi = 0.125
      -> 0.375; t = 4 demand: pi = 0.125 + 0.5 x 0.875 = 0.5625, z = 4.5 -> 2.53125.
    ADIDA: before t = 4 at most one demand, k = 1, SES(0.1) of 0, 3, 0, 0: 0, 0.3, 0.27, 0.243;
      at the end demands at 1 and 4: k = 3, one bucket 0 + 0 + 6 = 6 -> 6 / 3 = 2.
    IMAPA: K = 3; level 1: 0.243 + 0.1 (6 - 0.243) = 0.8187; level 2: buckets (3, 6) ->
      3.3 / 2 = 1.65; level 3: 2 -> (0.8187 + 1.65 + 2) / 3 = 1.489566...
    """
    y, start = np.array([[0.0, 3, 0, 0, 6]]), np.array([0])
    cases: list[tuple[Fit, list[float], float]] = [
        (ses(y, start, 0.5), [NAN, 0, 1.5, 0.75, 0.375], 3.1875),
        (croston(y, start, 0.5), [NAN, NAN, 1.5, 1.5, 1.5], 1.8),
        (sba(y, start, 0.5), [NAN, NAN, 1.125, 1.125, 1.125], 1.35),
        (tsb(y, start, 0.5, 0.5), [NAN, NAN, 1.5, 0.75, 0.375], 2.53125),
        (adida(y, start), [NAN, 0, 0.3, 0.27, 0.243], 2.0),
        (imapa(y, start), [NAN, 0, 0.3, 0.27, 0.243], (0.8187 + 1.65 + 2) / 3),
    ]
    for fit, fitted, forecast in cases:
        np.testing.assert_allclose(fit.fitted, [fitted], rtol=1e-12)
        assert fit.forecast[0] == pytest.approx(forecast, rel=1e-12)


# --------------------------------------------------------------------------- 4. edge cases


@pytest.mark.filterwarnings("error")
def test_all_zero_and_empty_series_forecast_zero_without_warnings() -> None:
    y = np.zeros((3, 6))
    start = np.array([0, 4, 6])  # the last one is empty
    for name, (model, _, _) in MODELS.items():
        fit = model(y, start)
        np.testing.assert_array_equal(fit.forecast, 0.0, err_msg=name)
        if name in CROSTON_TYPE:  # no demand: nothing to forecast from
            assert np.isnan(fit.fitted).all()
        else:  # SES-based: 0 from the period after the start
            np.testing.assert_array_equal(np.isnan(fit.fitted[1]), [True] * 5 + [False])
            np.testing.assert_array_equal(fit.fitted[0, 1:], 0.0)
        assert np.isnan(fit.fitted[2]).all()
    for tuned in (ses_optimised(y, start), croston_optimised(y, start), tsb_optimised(y, start)):
        np.testing.assert_array_equal(tuned.fit.forecast, 0.0)


def test_single_sale() -> None:
    """4 units in period 2 of 5. Croston: z = 4, p = 3; TSB: pi = 1/3 decayed twice by 0.9;
    SES(0.1): 0, 0, 0.4, 0.36, 0.324; ADIDA and IMAPA (k = 1 with one demand) are SES."""
    y, start = np.array([[0.0, 0, 4, 0, 0]]), np.array([0])
    assert croston(y, start).forecast[0] == pytest.approx(4 / 3)
    np.testing.assert_allclose(croston(y, start).fitted, [[NAN, NAN, NAN, 4 / 3, 4 / 3]])
    assert sba(y, start).forecast[0] == pytest.approx(4 / 3 * 0.95)
    assert tsb(y, start).forecast[0] == pytest.approx(4 / 3 * 0.81)
    for model in (ses, adida, imapa):
        np.testing.assert_allclose(model(y, start).fitted, [[NAN, 0, 0, 0.4, 0.36]])
        assert model(y, start).forecast[0] == pytest.approx(0.324)


def test_constant_series() -> None:
    """c = 2.7 every period from period 3: SES, Croston (z = c, p = 1), TSB (pi = 1, z = c),
    ADIDA and IMAPA (k = 1) forecast c exactly, in and out of sample; SBA is c (1 - alpha / 2)
    by design, also exactly."""
    c, alpha = 2.7, 0.2
    y = np.full((1, 12), c)
    y[0, :3] = 50.0  # before the start: ignored
    start = np.array([3])
    for model in (ses, croston, tsb, adida, imapa):
        fit = model(y, start, alpha=alpha)
        assert fit.forecast[0] == c
        np.testing.assert_array_equal(fit.fitted[0, 4:], c)
        assert np.isnan(fit.fitted[0, :4]).all()
    fit = sba(y, start, alpha=alpha)
    assert fit.forecast[0] == c * (1 - alpha / 2)
    np.testing.assert_array_equal(fit.fitted[0, 4:], c * (1 - alpha / 2))


@pytest.mark.parametrize("name", list(MODELS))
def test_periods_before_start_change_nothing(name: str) -> None:
    model = MODELS[name][0]
    rng = np.random.default_rng(11)
    y, start = mixed_panel(rng, 40, 30)
    other = y.copy()
    before = np.arange(30)[None, :] < start[:, None]
    other[before] = rng.choice([0.0, 5.0, NAN, -3.0], before.sum())
    a, b = model(y, start), model(other, start)
    np.testing.assert_array_equal(a.fitted, b.fitted)
    np.testing.assert_array_equal(a.forecast, b.forecast)
    assert np.isnan(a.fitted[before]).all()


def test_start_equal_to_length_is_an_empty_series() -> None:
    y = np.array([[1.0, 2, 3], [0, 5, 0]])
    start = np.array([3, 0])
    for name, (model, _, _) in MODELS.items():
        fit = model(y, start)
        assert fit.forecast[0] == 0.0, name
        assert np.isnan(fit.fitted[0]).all(), name
        np.testing.assert_array_equal(fit.fitted[1], model(y[1:], start[1:]).fitted[0])


def test_tsb_decays_when_a_series_stops_selling_and_croston_does_not() -> None:
    """5 units for 4 periods then 20 zeros: Croston stays at z / p = 5 / 1; TSB's
    probability (1 throughout the sales) falls by 1 - beta per zero: 5 x 0.9^20."""
    y = np.array([[5.0] * 4 + [0.0] * 20])
    start = np.array([0])
    c, t = croston(y, start), tsb(y, start, alpha=0.1, beta=0.1)
    assert c.forecast[0] == 5.0
    np.testing.assert_array_equal(c.fitted[0, 1:], 5.0)
    assert t.forecast[0] == pytest.approx(5 * 0.9**20)
    assert np.all(np.diff(t.fitted[0, 4:]) < 0)
    np.testing.assert_allclose(t.fitted[0, 4:], 5 * 0.9 ** np.arange(20))


def test_no_periods_and_no_series() -> None:
    for y, start in ((np.zeros((3, 0)), np.zeros(3, dtype=int)), (np.zeros((0, 4)), [])):
        start = np.asarray(start, dtype=int)
        fits = [m(y, start) for m, _, _ in MODELS.values()]
        fits += [t(y, start).fit for t in (ses_optimised, sba_optimised, tsb_optimised)]
        for fit in fits:
            assert fit.fitted.shape == y.shape
            np.testing.assert_array_equal(fit.forecast, np.zeros(len(y)))


def test_aggregation_level_rounds_half_up_and_uses_mean_gap() -> None:
    """Demands at 0, 2, 5 -> gaps 2, 3, mean 2.5 -> k = 3: buckets of 3 ending at period 5:
    (0..2) = 2, (3..5) = 1 -> SES 2 -> 2 + 0.5 (1 - 2) = 1.5 -> 0.5 per period."""
    y = np.array([[1.0, 0, 1, 0, 0, 1]])
    assert adida(y, np.array([0]), alpha=0.5).forecast[0] == pytest.approx(0.5)


def test_imapa_caps_the_number_of_levels() -> None:
    """ADI 20 with max_level 2: mean of the level-1 and level-2 forecasts only; with the
    default cap, levels 1 .. 12 (not 20), in and out of sample."""
    y = np.zeros((1, 61))
    y[0, ::20] = 6.0
    start, x = np.array([0]), list(y[0])
    expected = (aggregate_forecast(x, 1, 0.1) + aggregate_forecast(x, 2, 0.1)) / 2
    assert imapa(y, start, max_level=2).forecast[0] == pytest.approx(expected)
    assert adida(y, start).forecast[0] == pytest.approx(aggregate_forecast(x, 20, 0.1))
    fitted, forecast = oracle(imapa_one, y, start, alpha=0.1)  # default cap: levels 1 .. 12
    np.testing.assert_allclose(imapa(y, start).fitted, fitted, rtol=1e-12)
    assert imapa(y, start).forecast[0] == pytest.approx(forecast, rel=1e-12)


# --------------------------------------------------------------------------- tuning


def in_sample_mse(fit: Fit, y: np.ndarray) -> np.ndarray:
    """Mean squared one-step error per series over its defined fitted values (0 if none)."""
    err = (np.nan_to_num(y) - fit.fitted) ** 2
    count = (~np.isnan(err)).sum(axis=1)
    return np.asarray(np.nansum(err, axis=1) / np.maximum(count, 1), dtype=float)


def check_tuned(tuned: Tuned, fits: list[Fit], chosen: list[np.ndarray], y: np.ndarray) -> None:
    """The tuned choice is the brute-force argmin of the in-sample MSE over the grid."""
    mse = np.array([in_sample_mse(f, y) for f in fits])  # (grid, n)
    best = np.argmin(mse, axis=0)
    np.testing.assert_allclose(in_sample_mse(tuned.fit, y), mse.min(axis=0), rtol=1e-12)
    second = np.sort(mse, axis=0)[1] if len(fits) > 1 else np.inf
    clear = second - mse.min(axis=0) > 1e-9 * (1 + mse.min(axis=0))  # no near-tie
    for got, grid in zip((tuned.alpha, tuned.beta), chosen, strict=False):
        assert got is not None
        np.testing.assert_array_equal(got[clear], grid[best][clear])
    assert clear.sum() >= len(y) // 3  # the comparison is not vacuous


@pytest.mark.parametrize(
    ("tune", "model", "grid"),
    [
        (ses_optimised, ses, SES_ALPHAS),
        (croston_optimised, croston, CROSTON_ALPHAS),
        (sba_optimised, sba, CROSTON_ALPHAS),
    ],
)
def test_tuned_alpha_is_the_brute_force_best(
    tune: Callable[..., Tuned], model: Model, grid: tuple[float, ...]
) -> None:
    y, start = mixed_panel(np.random.default_rng(5), 48, 52)
    tuned = tune(y, start)
    check_tuned(tuned, [model(y, start, alpha=a) for a in grid], [np.array(grid)], y)
    again = model(y, start, alpha=tuned.alpha)
    np.testing.assert_allclose(tuned.fit.fitted, again.fitted, rtol=1e-12)
    np.testing.assert_allclose(tuned.fit.forecast, again.forecast, rtol=1e-12)


def test_tuned_tsb_pair_is_the_brute_force_best() -> None:
    y, start = mixed_panel(np.random.default_rng(6), 48, 52)
    tuned = tsb_optimised(y, start)
    pairs = [(a, b) for a in TSB_ALPHAS for b in TSB_BETAS]
    fits = [tsb(y, start, alpha=a, beta=b) for a, b in pairs]
    check_tuned(tuned, fits, [np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])], y)
    assert tuned.beta is not None
    again = tsb(y, start, alpha=tuned.alpha, beta=tuned.beta)
    np.testing.assert_allclose(tuned.fit.fitted, again.fitted, rtol=1e-12)


def test_tuning_ties_go_to_the_first_grid_value() -> None:
    """A constant series fits every alpha perfectly; a single sale leaves Croston's z / p
    unchanged whatever alpha: both take the first grid value."""
    y = np.array([[3.0] * 8, [0, 0, 4, 0, 0, 0, 0, 0]])
    start = np.array([0, 0])
    np.testing.assert_array_equal(croston_optimised(y, start, (0.3, 0.1)).alpha, [0.3, 0.3])
    tuned = tsb_optimised(y[:1], start[:1], (0.2, 0.1), (0.3, 0.1))
    assert tuned.alpha[0] == 0.2 and tuned.beta is not None and tuned.beta[0] == 0.3


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("y", "start", "params", "message"),
    [
        ([1.0, 2.0], [0], {}, r"y must have shape \(n, T\); found 1 dimension"),
        ([[1.0, 2.0]], [0, 0], {}, r"start must be an integer array of shape \(1,\)"),
        ([[1.0, 2.0]], [0.5], {}, r"found dtype float64"),
        ([[1.0, 2.0]], [3], {}, r"start must lie in \[0, 2\]; found 3 .. 3"),
        ([[NAN, -1.0, 2.0]], [1], {}, r"found -1.0 in series 0 at period 1"),
        ([[1.0, np.inf]], [0], {}, r"found inf in series 0 at period 1"),
        ([[1.0, 2.0]], [0], {"alpha": 0.0}, r"alpha must lie in \(0, 1\]; found 0.0"),
        ([[1.0, 2.0]], [0], {"alpha": [0.1, 0.2]}, r"alpha must be a scalar or of shape \(1,\)"),
    ],
)
def test_bad_input_is_refused(
    y: object, start: object, params: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        croston(y, start, **params)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- forecasts alone

#: Each forecast-alone function and the full fit whose ``forecast`` it must equal.
FORECASTS_ALONE: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    **{
        name: (
            lambda y, s, name=name: optimised_forecast(name, y, s),
            lambda y, s, full=full: full(y, s).fit.forecast,
        )
        for name, full in (
            ("ses", ses_optimised),
            ("croston", croston_optimised),
            ("sba", sba_optimised),
            ("sy", sy_optimised),
            ("tsb", tsb_optimised),
        )
    },
    "adida": (adida_forecast, lambda y, s: adida(y, s).forecast),
    "imapa": (imapa_forecast, lambda y, s: imapa(y, s).forecast),
}


@pytest.mark.parametrize("name", list(FORECASTS_ALONE))
def test_the_forecast_alone_is_the_full_fits_bit_for_bit(name: str) -> None:
    """The forecast without the fitted path (what the candidates use) equals the full fit's
    forecast exactly, on the mixed panel and on panels cut at every length."""
    alone, full = FORECASTS_ALONE[name]
    y, start = mixed_panel(np.random.default_rng(11), 64, 48)
    for cut in (0, 1, 5, 17, 30, 48):
        s = np.minimum(start, cut)
        assert np.array_equal(alone(y[:, :cut], s), full(y[:, :cut], s)), (name, cut)
