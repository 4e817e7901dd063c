"""Own span errors: the sample's shortage and quantiles against plain array arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.inventory.protection_demand import flat, protection_demand
from forecaster.inventory.span_errors import DemandSample, _count_below, span_errors
from forecaster.models.forecast import Forecast


def sample(seed: int = 0) -> DemandSample:
    """40 units, 300 weighted totals each, some padding (NaN, weight 0) and ties."""
    rng = np.random.default_rng(seed)
    p = np.round(rng.gamma(1.5, 20.0, (40, 300)))  # rounded: many ties
    lead = np.round(p * rng.uniform(0.3, 0.7, (40, 300)))
    weights = rng.random((40, 300))
    padding = rng.random((40, 300)) < 0.3
    p[padding], lead[padding], weights[padding] = np.nan, np.nan, 0.0
    weights /= weights.sum(axis=1, keepdims=True)
    return DemandSample(p, lead, weights, np.ones(40), np.full(40, np.nan))


def test_shortage_is_the_weighted_excess_to_the_bit() -> None:
    s = sample()
    level = np.linspace(0.0, 120.0, 40)
    over_p = np.nan_to_num(np.maximum(s.p_values - level[:, None], 0.0))
    over_l = np.nan_to_num(np.maximum(s.l_values - level[:, None], 0.0))
    expected = np.maximum(((over_p - over_l) * s.weights).sum(axis=1), 0.0)
    assert np.array_equal(s.shortage(level), expected)
    rows = np.array([1, 4, 5, 17, 39])
    assert np.array_equal(s.shortage(level[rows], rows), expected[rows])


def test_quantile_counts_the_cumulative_weights_below_q() -> None:
    s = sample(1)
    values, cum = s._sorted
    for q in (0.0, 0.05, 0.5, 0.9, 0.999, 1.0):
        x = np.full(40, q) - 1e-12
        assert np.array_equal(_count_below(cum, x), (cum < x[:, None]).sum(axis=1))
        index = np.minimum((cum < x[:, None]).sum(axis=1), values.shape[1] - 1)
        assert np.array_equal(s.quantile(np.full(40, q)), values[np.arange(40), index])


def test_count_below_at_the_edges() -> None:
    ascending = np.array([[0.2, 0.2, 0.2], [0.0, 0.5, 1.0]])
    assert _count_below(ascending, np.array([0.2, 2.0])).tolist() == [0, 3]
    assert _count_below(ascending, np.array([0.21, -1.0])).tolist() == [3, 0]
    assert _count_below(np.zeros((2, 0)), np.array([1.0, 1.0])).tolist() == [0, 0]


def test_units_forecast_as_a_flat_level_take_their_own_errors() -> None:
    """Erratic, intermittent and lumpy units whose model is a flat level use their own span
    errors; a seasonal or trended model (whose errors a flat level would count twice) and
    smooth units keep the normal model."""
    rng = np.random.default_rng(3)
    history = rng.poisson(rng.gamma(0.3, 20.0, (6, 365))).astype(float)
    classes = np.array(["erratic", "erratic", "lumpy", "intermittent", "smooth", "erratic"])
    models = np.array(["ses+tsb", "ets", "croston+sy", "category", "ses", "mean_long+theta"])
    horizon = 60
    daily = history.mean(axis=1)
    cum_var = np.concatenate([np.zeros((6, 1)), np.cumsum(np.ones((6, horizon)), axis=1)], axis=1)
    forecast = Forecast(
        pd.Timestamp("2026-01-01"), np.repeat(daily[:, None], horizon, axis=1), cum_var,
        models, classes, history,
    )  # fmt: skip
    days = np.full(6, 21)
    demand = protection_demand(
        forecast, days, np.full(6, 14), np.zeros(6), daily * 21, np.sqrt(21.0) * np.ones(6), 365
    )
    assert demand.sampled.tolist() == [0, 2, 3]
    assert flat(models).tolist() == [True, False, True, True, True, False]


def test_the_sample_centres_on_the_level_its_errors_were_measured_on() -> None:
    """A unit whose last 56 days sell 2 a day in a steady 1, 3 rhythm has no error over an
    even span, so every protection-period total of its sample is 2 x 14 = 28 -- whatever the
    engine forecast (here 10 a day, a lagging long mean would be lower); a unit on sale for
    fewer than 56 days has no such level and centres on the engine's forecast."""
    steady = np.array([1.0, 3.0] * 150)
    young = np.full(300, np.nan)
    young[-40:] = 2.0
    history = np.vstack([steady, young])
    sample = span_errors(
        history,
        groups=np.array(["lumpy", "lumpy"]),
        protection=np.array([14, 14]),
        lead=np.array([7, 7]),
        lead_sd=np.zeros(2),
        mean_p=np.array([140.0, 70.0]),
        mean_l=np.array([70.0, 35.0]),
        window=120,
    )
    used = sample.weights[0] > 0
    assert used.sum() > 0
    assert np.allclose(sample.p_values[0][used], 28.0)
    # the lead-time totals: 7 days of a 1, 3 rhythm sell 13 or 15 as often, the level says 14
    assert np.isclose(np.average(sample.l_values[0], weights=sample.weights[0]), 14.0)
    # the young unit takes its class's errors (the steady unit's: none over 14 days) around
    # the engine's forecast, 70
    assert sample.weights[1].any()
    assert np.allclose(sample.p_values[1][sample.weights[1] > 0], 70.0)


def test_a_quantile_near_one_is_the_largest_total_when_float32_weights_fall_short_of_one() -> None:
    """The samples are float32: a unit's weights can sum to a hair under 1 (here
    0.99999997), and a target near 1 must still find its largest total, not the padding
    after it (the cumulative weights are taken relative to the unit's total)."""
    p = np.array([[10.0, 30.0, np.nan]], dtype=np.float32)
    weights = np.array([[0.5, 0.49999997, 0.0]], dtype=np.float32)
    s = DemandSample(p, p * 0.5, weights, np.ones(1), np.full(1, np.nan))
    assert float(weights.sum(dtype=float)) < 1.0
    assert s.quantile(np.array([1.0 - 1e-9])).tolist() == [30.0]
    assert s.quantile(np.array([0.5])).tolist() == [10.0]
