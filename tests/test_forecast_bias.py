"""The forecast of stationary demand is unbiased: totals over a protection period.

A replenishment planner orders the forecast total of the protection period (lead time +
review, 7 to 60 days), so its mean must be right. Every panel below is one demand
process, each row a SKU with its own random draws (its own seed): the mean over the rows
is the forecast's mean over seeds, to compare with the true rate. Seeded, deterministic.

- Poisson(20) a day for half a year, a year and two years, through ``forecast_units`` with
  the default settings (recurring festivals included): within 3% over every span.
- Slower Poisson SKUs that start at different days of the history: not biased low.
- Lumpy demand (rare orders of very uneven size): the model choice on a few weeks'
  squared error used to favour the lower candidate (-12% here); long validation windows.
- Slow movers before 11.11: a shop whose past 11.11 saw few of them on sale learns an
  uplift near 1, not 0.25 or 1.4 (the first sale, a sale by construction, is no evidence).
- Syntetos' correction of Croston is unbiased where SBA is low.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecaster.config import Settings
from forecaster.models.engine import forecast_units, no_promotions, sku_units
from forecaster.models.intermittent import sba, sy
from forecaster.models.panel import forecast_matrix
from forecaster.models.selection import Options
from forecaster.models.uplift import Evidence, estimate_uplift, evidence_start, past_evidence

SPANS = (7, 14, 21, 28, 60)
ONE = Options(workers=1)


def settings() -> Settings:
    """The defaults, with the statsmodels fits in this process (no pool to start)."""
    base = Settings()
    return base.model_copy(update={"forecast": base.forecast.model_copy(update={"workers": 1})})


def sales_table(y: np.ndarray, as_of: pd.Timestamp) -> pd.DataFrame:
    """Daily sales rows (``sku, warehouse, date, qty``) of a SKU x day matrix up to ``as_of``."""
    n, days = y.shape
    dates = pd.date_range(end=as_of, periods=days)
    table = pd.DataFrame(
        {
            "sku": np.repeat([f"S{i:03d}" for i in range(n)], days),
            "warehouse": "",
            "date": np.tile(dates, n),
            "qty": y.ravel(),
        }
    )
    return table[table["qty"] > 0].reset_index(drop=True)


def poisson_panel(
    lam: float, skus: int, days: int, seed: int, staggered: bool = False
) -> np.ndarray:
    """Poisson(``lam``) a day; ``staggered``: each SKU starts on a random day of the first half."""
    rng = np.random.default_rng(seed)
    y = rng.poisson(lam, (skus, days)).astype(float)
    if staggered:
        first = rng.integers(0, days // 2, skus)
        y[np.arange(days)[None, :] < first[:, None]] = 0.0
    return y


def span_bias(mean: np.ndarray, rate: float) -> dict[int, float]:
    """Mean over SKUs of each span's forecast total, relative to the true total, minus 1."""
    return {d: float(mean[:, :d].sum(axis=1).mean() / (rate * d) - 1) for d in SPANS}


def engine_forecast(y: np.ndarray, as_of: str, horizon: int) -> np.ndarray:
    day = pd.Timestamp(as_of)
    sales = sales_table(y, day)
    fc = forecast_units(sales, sku_units(sales), no_promotions(), day, settings(), horizon)
    return np.asarray(fc.mean)


@pytest.mark.parametrize(("days", "seed"), [(180, 1), (365, 2), (730, 3)])
def test_poisson_20_totals_are_unbiased(days: int, seed: int) -> None:
    y = poisson_panel(20.0, 30, days, seed)
    mean = engine_forecast(y, "2026-03-15", 60)
    bias = span_bias(mean, 20.0)
    assert all(abs(b) < 0.03 for b in bias.values()), bias
    assert mean.mean() == pytest.approx(20.0, rel=0.03)
    assert mean[:, :21].sum(axis=1).mean() == pytest.approx(420.0, rel=0.03)


def test_poisson_20_protection_period_of_21_days() -> None:
    """Asked for exactly the 21 days of a protection period (4 weeks of validation)."""
    mean = engine_forecast(poisson_panel(20.0, 30, 365, 4), "2026-03-15", 21)
    assert mean.mean() == pytest.approx(20.0, rel=0.03)
    assert mean.sum(axis=1).mean() == pytest.approx(420.0, rel=0.03)


@pytest.mark.parametrize(("lam", "seed"), [(2.0, 5), (0.5, 6), (0.3, 7)])
def test_slow_poisson_is_not_biased_low(lam: float, seed: int) -> None:
    """SKUs that start inside the history (known from their first sale) too."""
    y = poisson_panel(lam, 300, 365, seed, staggered=True)
    mean = engine_forecast(y, "2026-03-15", 28)
    assert mean[:, :21].sum(axis=1).mean() / (21 * lam) > 0.9
    assert mean.sum(axis=1).mean() / (28 * lam) == pytest.approx(1.0, abs=0.1)


def test_lumpy_demand_is_not_biased_low() -> None:
    """Orders on 5% of days, 3 x lognormal(0, 1.5) units each (mean 3 e^1.125): the total
    of a 4-week validation window is mostly well below its mean, and choosing on it by
    squared error used to pick the lower candidate (-12%); lumpy series are validated on
    13-week windows."""
    rng = np.random.default_rng(11)
    orders = rng.poisson(0.05, (2000, 365))
    y = np.zeros(orders.shape)
    for k in range(orders.max()):
        placed = orders > k
        y[placed] += 3 * rng.lognormal(0.0, 1.5, placed.sum())
    fc = forecast_matrix(y, 28, "D", options=ONE)
    assert (fc.demand_class == "lumpy").mean() > 0.9
    assert fc.mean.mean() / (0.05 * 3 * np.exp(1.125)) > 0.92


def test_a_launch_inside_a_week_does_not_count_as_a_week() -> None:
    """Launched on day 10 (inside the week of days 7..13) without a sale until day 14, then
    one a day: the part week is no week of zero demand."""
    y = np.zeros((1, 35))
    y[0, 14:] = 1.0
    fc = forecast_matrix(y, 14, "D", start=np.array([10]), options=ONE)
    np.testing.assert_allclose(fc.mean.sum(), 14.0)


@pytest.mark.parametrize(("lam", "seed"), [(0.05, 8), (0.3, 9)])
def test_slow_movers_before_11_11_keep_their_rate(lam: float, seed: int) -> None:
    """A year of slow movers, each first selling somewhere in its first half, forecast from
    10-25 (11.11 on days 7..17). Last 11.11 came days after the data began: few SKUs were
    on sale, and those were mostly known from a first sale close to it. Counting that sale
    as evidence, with the shop's ratio unshrunk, learned 0.25 to 1.4 for the coming one;
    now the 21-day total stays within 15% of the rate."""
    y = poisson_panel(lam, 400, 365, seed, staggered=True)
    mean = engine_forecast(y, "2026-10-25", 21)
    assert mean.sum(axis=1).mean() / (21 * lam) == pytest.approx(1.0, abs=0.15)


def test_a_first_sale_is_no_evidence_of_an_uplift() -> None:
    """A SKU without a launch date first sells on a promotion's first day: it is known from
    the day after, so it was not on sale when the promotion began and does not count."""
    as_of = pd.Timestamp("2026-03-01")
    days = pd.date_range("2025-12-01", as_of)
    sales = pd.DataFrame({"sku": "A", "warehouse": "", "date": days, "qty": 1.0})
    sales = sales[sales["date"] >= "2026-01-10"].reset_index(drop=True)
    units = sku_units(sales)
    assert str(evidence_start(units)[0])[:10] == "2026-01-11"
    promo = pd.DataFrame(
        {
            "name": ["P"],
            "start": [pd.Timestamp("2026-01-10")],
            "end": [pd.Timestamp("2026-01-12")],
            "uplift": [np.nan],
            "category": [""],
            "sku": [""],
        }
    )
    evidence = past_evidence(sales, units, promo, "P", as_of, settings().promotions)
    assert evidence.expected.tolist() == [0.0]


def test_thin_shop_evidence_is_shrunk_towards_no_uplift() -> None:
    """One slow SKU expected 0.8 units during last year's festival and sold none: alone the
    shop's ratio would be 0, a forecast of nothing for the festival days."""
    units = pd.DataFrame({"sku": ["A", "B"], "category": ["", ""]})
    thin = Evidence(sold=np.array([0.0, 0.0]), expected=np.array([0.8, 0.0]), occurrences=1)
    assert estimate_uplift(thin, units, 30.0).uplift.tolist() == [0.0, 0.0]
    shrunk = estimate_uplift(thin, units, 30.0, shop_prior=1.0).uplift
    assert shrunk.min() > 0.9 and shrunk.max() <= 1.0


def test_syntetos_correction_is_unbiased_where_sba_is_low() -> None:
    """Demand of 5 units in a period with probability 1/2 (mean interval 2): Croston's
    z / p overstates 2.5 by about alpha / (2 - alpha) x (p - 1) / p; SBA's 1 - alpha / 2
    takes off more than that, SY takes off that."""
    rng = np.random.default_rng(12)
    y = 5.0 * (rng.random((4000, 120)) < 0.5)
    start = np.zeros(len(y), dtype=int)
    assert sy(y, start, alpha=0.2).forecast.mean() == pytest.approx(2.5, rel=0.01)
    assert sba(y, start, alpha=0.2).forecast.mean() / 2.5 < 0.95
