"""New SKUs borrow their category's rate until their own history says otherwise (issue 14).

The category: six SKUs, three selling 2 a day and three 4 a day on average (3 a day
each on the whole), all lumpy in the same way: every other week they sell twice their
rate every day, the weeks between nothing. Counted in the weekly buckets the models see
(ending on the last day), SKU i sells ``14 r_i`` and 0 in turn, so over its last 52
weeks its mean is ``m_i = 7 r_i`` (14 or 28) and its variance ``s_i^2 = 52 x (7 r_i)^2 / 51``.
By hand (Bühlmann, :mod:`forecaster.models.credibility`):

* units per independent sale ``d_i = s_i^2 / m_i = 52 / 51 x 7 r_i``: 14.27 and 28.55,
  median ``d = 52 / 51 x 21 = 21.41``;
* ``EPV = d x mean(m_i) = 21.41 x 21 = 449.65``;
* ``VHM = var(m_i) - d x mean(m_i / 52) = 58.8 - 21.41 x 21 / 52 = 50.15`` (the sample
  variance of 14, 14, 14, 28, 28, 28 is 58.8);
* ``K = EPV / VHM = 8.966`` weeks; the category's rate is 21 a week.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from forecaster.config import Settings
from forecaster.models.credibility import group_prior
from forecaster.models.panel import forecast_daily
from forecaster.models.selection import BORROWED, Options
from forecaster.pipeline import run
from tests.conftest import MINIMAL, write_tables

WEEKS = 60
D = 52 / 51 * 21
EPV = D * 21
VHM = 6 * 49 / 5 - D * 21 / 52
K = EPV / VHM
CATEGORY_WEEK = 21.0


def category(days: int) -> np.ndarray:
    """The six lumpy SKUs: twice their rate every day of every other week counted back."""
    week_back = (days - 1 - np.arange(days)) // 7
    busy = week_back % 2 == 0
    rates = np.array([2.0, 2, 2, 4, 4, 4])
    return np.where(busy[None, :], 2 * rates[:, None], 0.0)


def forecast_new(days_on_sale: int) -> tuple[float, str, float]:
    """28-day total, model and own weight of a SKU selling 85 a day for its last days."""
    days = 7 * WEEKS
    new = np.zeros((1, days))
    new[0, days - days_on_sale :] = 85.0
    y = np.vstack([category(days), new])
    start = np.r_[np.zeros(6, dtype=int), days - days_on_sale]
    fc = forecast_daily(
        y, 28, start, np.array(["X"] * 7), Options(workers=1), weekday_prior_units=None
    )
    assert fc.own_weight is not None
    return float(fc.mean[6].sum()), str(fc.model[6]), float(fc.own_weight[6])


def test_hand_computed_prior() -> None:
    assert pytest.approx(449.647, abs=1e-3) == EPV
    assert pytest.approx(50.153, abs=1e-3) == VHM
    assert pytest.approx(8.9655, abs=1e-3) == K


def test_two_days_at_85_stay_close_to_the_category() -> None:
    """Two days at 85: the first is the first sale (a sale by construction), so one day of
    evidence, 85 units, a rate of 595 a week over 1/7 of a week. ``Z = (1/7) / (1/7 + K)
    = 0.0157``; the week is ``0.0157 x 595 + 0.9843 x 21 = 30.0``, 4.3 a day: close to
    the category's 3, nowhere near 85. Its own rate would have forecast 2,380 for 28 days."""
    total, model, weight = forecast_new(2)
    z = (1 / 7) / (1 / 7 + K)
    week = z * 595 + (1 - z) * CATEGORY_WEEK
    assert weight == pytest.approx(z, rel=1e-9)
    assert total == pytest.approx(4 * week, rel=1e-9)
    assert total / 28 < 4.4
    assert model == BORROWED


def test_ten_steady_weeks_of_its_own_outweigh_the_category() -> None:
    """Ten weeks at 85 every day (69 days of evidence after the first sale, 9.857 weeks):
    still too young to validate a model (it needs 17 weeks). Its days do not vary, so its
    units per sale are 1 (the floor), against the category's 21.41: its ``K`` is
    ``8.966 / 21.41 = 0.419`` weeks and ``Z = 9.857 / (9.857 + 0.419) = 0.959``; the week
    is ``0.959 x 595 + 0.041 x 21 = 571.6``."""
    total, model, weight = forecast_new(70)
    e = 69 / 7
    z = e / (e + K / D)
    assert z == pytest.approx(0.9593, abs=1e-4)
    assert weight == pytest.approx(z, rel=1e-9)
    assert total == pytest.approx(4 * (z * 595 + (1 - z) * CATEGORY_WEEK), rel=1e-9)
    assert model == BORROWED


def test_a_lumpy_start_stays_with_the_category_longer() -> None:
    """Ten weeks again, but as one order of 595 a week: the first is the first sale, so 69
    days of evidence hold 9 orders, 5,355 units, 543.3 a week. Its days' variance over mean,
    its units per sale, is ``(9 x 595^2 - 69 x 77.61^2) / 68 / 77.61 = 525.0``, so its ``K``
    is ``8.966 x 525.0 / 21.41 = 219.8`` weeks and ``Z = 9.857 / (9.857 + 219.8) = 0.043``:
    the week is ``0.043 x 543.3 + 0.957 x 21 = 43.4``, near the category's, where the
    steady launch's was 571.6."""
    days = 7 * WEEKS
    new = np.zeros((1, days))
    new[0, days - 70 :: 7] = 595.0
    y = np.vstack([category(days), new])
    start = np.r_[np.zeros(6, dtype=int), days - 70]
    fc = forecast_daily(y, 28, start, np.array(["X"] * 7), Options(workers=1), None)
    assert fc.own_weight is not None
    rate = 9 * 595 / 69
    d = (9 * 595**2 - 69 * rate**2) / 68 / rate
    assert d == pytest.approx(525.0, abs=0.1)
    e = 69 / 7
    z = e / (e + K * d / D)
    assert fc.own_weight[6] == pytest.approx(z, rel=1e-9)
    week = z * 7 * rate + (1 - z) * CATEGORY_WEEK
    assert week == pytest.approx(43.4, abs=0.05)
    assert fc.mean[6].sum() == pytest.approx(4 * week, rel=1e-9)


@pytest.mark.parametrize(("weeks", "borrows"), [(13, True), (14, False)])
def test_an_established_series_keeps_its_own_rate_without_a_usable_origin(
    weeks: int, borrows: bool
) -> None:
    """One order of 595 a week for 13 or 14 weeks: neither can be validated (that needs 17),
    but 14 weeks on sale -- 13 after the week of its first sale, which the fits leave out --
    is a quarter of the season: established, as the series the priors are made of, it keeps
    its own rate, 595 a week, 2,380 for 28 days. A week less, it is still new and leans on
    the category (the lumpy case above)."""
    days = 7 * WEEKS
    new = np.zeros((1, days))
    new[0, days - 7 * weeks :: 7] = 595.0
    y = np.vstack([category(days), new])
    start = np.r_[np.zeros(6, dtype=int), days - 7 * weeks]
    fc = forecast_daily(y, 28, start, np.array(["X"] * 7), Options(workers=1), None)
    assert fc.own_weight is not None
    assert (fc.model[6] == BORROWED) is borrows
    if borrows:
        assert fc.own_weight[6] < 0.2 and fc.mean[6].sum() < 600
    else:
        assert fc.own_weight[6] == 1.0
        assert fc.mean[6].sum() == pytest.approx(4 * 595, rel=0.02)


def test_enough_history_of_its_own_says_otherwise() -> None:
    """Thirty weeks at 85 a day: its models are validated on its own history and the
    forecast is its own 85 a day; the category no longer counts."""
    total, model, weight = forecast_new(210)
    assert weight == 1.0
    assert model != BORROWED
    assert total == pytest.approx(28 * 85, rel=0.01)


def test_the_planner_sees_a_borrowed_forecast(tmp_path: Path) -> None:
    """A shop of the category above (six SKUs, sales as in :func:`category`, 60 weeks to
    2026-03-29) and NEW, first sold two days ago at 85 a day: the workbook read back names
    its model ``category``, its Forecast basis and the why of its order say it is new, with
    1 day of its own sales and 98% of the forecast borrowed from category X; the Data
    quality sheet counts it. The established SKUs carry no such note."""
    days = 7 * WEEKS
    as_of = pd.Timestamp("2026-03-29")
    dates = pd.date_range(end=as_of, periods=days)
    y = category(days)
    names = [f"C{i}" for i in range(6)]
    sales = [
        {"sku": sku, "date": f"{d:%Y-%m-%d}", "qty": q}
        for sku, row in zip(names, y, strict=True)
        for d, q in zip(dates, row, strict=True)
        if q > 0
    ] + [{"sku": "NEW", "date": f"{d:%Y-%m-%d}", "qty": 85} for d in dates[-2:]]
    skus = [
        {"sku": sku, "supplier": "S1", "unit_cost": 5, "unit_price": 10, "lead_time_days": 7,
         "category": "X"}
        for sku in [*names, "NEW"]
    ]  # fmt: skip
    data = write_tables(
        tmp_path / "data",
        {
            **MINIMAL,
            "sales": sales,
            "skus": skus,
            "inventory": [{"sku": sku, "on_hand": 0} for sku in [*names, "NEW"]],
            "purchase_orders": None,
        },
    )
    settings = Settings().with_overrides(data_dir=data, out_dir=tmp_path / "out")
    settings = settings.model_copy(
        update={"forecast": settings.forecast.model_copy(update={"workers": 1})}
    )
    result = run(settings)
    wb = load_workbook(next(p for p in result.files if p.name.startswith("replenishment_")))
    forecast = {row["SKU"]: row for row in sheet_rows(wb["Forecast"])}
    lines = {row["SKU"]: row for row in sheet_rows(wb["Replenishment"])}
    note = "new: 1 d of its own sales, 98% of the forecast borrowed from category X"
    assert forecast["NEW"]["Model"] == BORROWED
    assert forecast["NEW"]["Forecast basis"] == note
    assert str(lines["NEW"]["Why"]).startswith(note + "; ")
    for sku in names:
        assert not forecast[sku]["Forecast basis"]
        assert not str(lines[sku]["Why"]).startswith("new:")
    quality = sheet_rows(wb["Data quality"])
    (borrowed,) = [row for row in quality if row["Check"] == "new_sku_borrowed"]
    assert borrowed["Count"] == 1 and borrowed["Examples"] == "NEW"


def sheet_rows(ws: Any) -> list[dict[str, Any]]:
    """The rows of a sheet's main table as dicts keyed by header."""
    rows = ws.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, row, strict=False)) for row in rows]


def test_spread_of_rates_is_pooled_over_categories() -> None:
    """Category A: five series of 20 periods selling 2, 6, 2, 6 and 4 a period, alternating
    by 1 (``s^2 = 20 / 19``); category B: five selling 10, alternating by 1. By hand:

    * A: ``d = (20/19) / 4``, raw spread ``var(m) - d x mean(m) / 20 = 4 - d / 5``, over
      its squared rate 16;
    * B: ``d = (20/19) / 10``, raw spread ``0 - d x 10 / 20`` (its rates are alike), over 100;
    * pooled with 4 degrees of freedom each: ``(rel_A + rel_B) / 2``; each category's
      ``VHM`` is that times its squared rate, and ``K = d x rate / VHM``.

    B alone would have measured no spread at all and kept a new series at 10 for ever.
    """
    a = np.array([[1.0, 3] * 10, [5.0, 7] * 10] * 2 + [[3.0, 5] * 10])
    b = np.array([[9.0, 11] * 10] * 5)
    prior = group_prior(np.vstack([a, b]), np.zeros(10, dtype=int), np.array(["A"] * 5 + ["B"] * 5))
    d_a, d_b = 20 / 19 / 4, 20 / 19 / 10
    rel = ((4 - d_a / 5) / 16 + (-d_b * 10 / 20) / 100) / 2
    assert prior.rate_var[0] == pytest.approx(rel * 16, rel=1e-9)
    assert prior.rate_var[5] == pytest.approx(rel * 100, rel=1e-9)
    assert prior.k[0] == pytest.approx(d_a * 4 / (rel * 16), rel=1e-9)
    assert prior.k[5] == pytest.approx(d_b * 10 / (rel * 100), rel=1e-9)
    assert prior.k[5] == pytest.approx(0.0855, abs=1e-4)
    assert not prior.pooled.any()
