"""Tests of forecaster.models.engine: promotions cleaned out of the history, promotions and
recurring festivals multiplied into the forecast with learned uplifts, and the long forecast
table of ``forecaster forecast``.

Shops are written as files and loaded like a run does (tests/conftest.py); constant sales
give hand-computed forecasts, Poisson sales approximate ones.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecaster.config import Settings, load_settings
from forecaster.io.dataset import load_dataset, load_sales_file
from forecaster.models.engine import (
    CLEAN_WINDOW,
    QUANTILES,
    clean_promotions,
    forecast_table,
    forecast_units,
    options,
    weekday_prior,
)
from forecaster.models.forecast import Forecast
from forecaster.models.panel import forecast_daily
from forecaster.models.periods import Freq
from forecaster.units import demand_matrix, first_available, planning_units
from tests.conftest import write_tables

Shop = Callable[..., Path]
SKU_A = [{"sku": "A", "supplier": "S1", "unit_cost": 5, "unit_price": 10, "lead_time_days": 7}]


def one_worker(settings: Settings, **forecast: object) -> Settings:
    """``settings`` with the statsmodels fits in this process (and other forecast settings)."""
    return settings.model_copy(
        update={"forecast": settings.forecast.model_copy(update={"workers": 1, **forecast})}
    )


def daily_sales(
    dates: pd.DatetimeIndex, qty: Callable[[pd.Timestamp], float]
) -> list[dict[str, object]]:
    return [{"sku": "A", "date": f"{d:%Y-%m-%d}", "qty": qty(d)} for d in dates]


def forecast_shop(
    folder: Path, settings: Settings | None, horizon: int
) -> tuple[Forecast, pd.Timestamp, pd.DataFrame]:
    """Load the shop in ``folder`` and forecast its units ``horizon`` days from its as-of date."""
    settings = one_worker((settings or Settings()).with_overrides(data_dir=folder))
    ds = load_dataset(settings)
    units = planning_units(ds)
    fc = forecast_units(ds.sales, units, ds.promotions, ds.as_of, settings, horizon)
    return fc, ds.as_of, units


# --------------------------------------------------------------------------- clean_promotions


def test_clean_promotions_by_hand() -> None:
    """The docstring's case: day 2 (9, on promotion) -> mean of days 0, 1, 3 = 8 / 3."""
    out = clean_promotions(
        np.array([[2.0, 2, 9, 4]]), np.ones((1, 4), bool), np.array([[False, False, True, False]])
    )
    np.testing.assert_allclose(out, [[2, 2, 8 / 3, 4]])


def test_clean_window_edges() -> None:
    """70 days of 2, with 100 on day 0 and 1000 on day 58. A promotion on day 29 looks at days
    1..57 (29 -/+ 28): all 2 -> 2. On day 28: days 0..56 -> (100 + 55 x 2) / 56 = 3.75. On day
    30: days 2..58 -> (55 x 2 + 1000) / 56. Days not on promotion are left alone."""
    assert CLEAN_WINDOW == 28
    base = np.full(70, 2.0)
    base[0], base[58] = 100.0, 1000.0
    history = np.tile(base, (3, 1))
    promo = np.zeros((3, 70), dtype=bool)
    for row, day in enumerate((29, 28, 30)):
        history[row, day] = 50.0
        promo[row, day] = True
    out = clean_promotions(history, np.ones((3, 70), bool), promo)
    assert out[0, 29] == 2.0
    assert out[1, 28] == pytest.approx(3.75)
    assert out[2, 30] == pytest.approx((55 * 2 + 1000) / 56)
    np.testing.assert_array_equal(np.where(promo, 0, out), np.where(promo, 0, history))


def test_clean_without_normal_days_nearby() -> None:
    """Row 0: promotion on days 30..90 of 100 (sales 9 on them, 1 elsewhere): day 60 has no
    normal day within 28 days and keeps its 9; day 31 sees normal days 3..29 -> 1; day 88
    sees days 91..99 -> 1. Row 1: every day on promotion -> unchanged. Row 2: the promotion
    days are before its launch on day 40 (not on sale): unchanged, and the days before the
    launch are not normal for day 45 (it sees days 40..44 and 46..73 only)."""
    days = np.arange(100)
    promo = np.zeros((3, 100), dtype=bool)
    promo[0, 30:91] = True
    promo[1] = True
    promo[2, [10, 20, 45]] = True
    history = np.where(promo, 9.0, 1.0)
    history[2, :40] = 50.0  # not on sale: never normal demand
    on_sale = np.ones((3, 100), dtype=bool)
    on_sale[2, :40] = False
    out = clean_promotions(history, on_sale, promo)
    assert out[0, 60] == 9.0
    assert out[0, 31] == 1.0 and out[0, 88] == 1.0
    kept = (days >= 59) & (days <= 61)
    np.testing.assert_array_equal(out[0, kept], 9.0)
    np.testing.assert_array_equal(out[1], history[1])
    assert out[2, 10] == 50.0 and out[2, 20] == 50.0
    assert out[2, 45] == 1.0


# --------------------------------------------------------------------------- forecast_units

AS_OF_1111 = pd.Timestamp("2026-10-25")  # the forecast starts 10-26; 11-01 is day 6


def is_1111(d: pd.Timestamp) -> bool:
    return bool(d.month == 11 and d.day <= 11)


def promotions_1111() -> list[dict[str, object]]:
    """11.11 of the last two years and the coming one, uplift left blank."""
    return [
        {"name": "1111", "start": f"{y}-11-01", "end": f"{y}-11-11", "uplift": "", "sku": ""}
        for y in (2024, 2025, 2026)
    ]


def test_learned_1111_uplift_by_hand(shop: Shop) -> None:
    """A sells 10 a day and 30 on 11.11 (11-01 .. 11-11) in 2024 and 2025. The spikes are
    cleaned out of the history (their days become 10), so every model forecasts 10 a day --
    a seasonal model would otherwise repeat last year's spike -- and the coming 11.11, with
    a blank uplift, is multiplied by the uplift learned from the two past ones: sold 2 x 330
    over expected 2 x 110 = 3, each level shrunk by k = 30 expected units towards the one
    above, the shop towards 1 (one SKU: shop (660 + 30) / 250 = 2.76, category 2.9712, SKU
    2.996544) -> 29.96544 on days 6..16."""
    dates = pd.date_range("2024-06-01", AS_OF_1111)
    sales = daily_sales(dates, lambda d: 30 if is_1111(d) else 10)
    folder = shop(sales=sales, skus=SKU_A, inventory=[{"sku": "A", "on_hand": 1}],
                  promotions=promotions_1111())  # fmt: skip
    fc, as_of, _ = forecast_shop(folder, None, 28)
    assert as_of == AS_OF_1111
    expected = np.full(28, 10.0)
    expected[6:17] = 29.96544
    np.testing.assert_allclose(fc.mean[0], expected)
    # the spread is multiplied too: the variance of a 1111 day is uplift² x a normal day's
    steps = np.diff(fc.cum_var[0])
    assert steps[6] == pytest.approx(2.996544**2 * steps[0])


def test_learned_1111_uplift_noisy(shop: Shop) -> None:
    """The same with Poisson(10) and Poisson(30) sales: about 3 x normal on the coming 11.11,
    about 10 a day outside it (the spikes did not lift the baseline: uncleaned, last year's
    spike weeks would reach the forecast through the seasonal models)."""
    rng = np.random.default_rng(5)
    dates = pd.date_range("2024-06-01", AS_OF_1111)
    sales = daily_sales(dates, lambda d: int(rng.poisson(30 if is_1111(d) else 10)))
    folder = shop(sales=sales, skus=SKU_A, inventory=[{"sku": "A", "on_hand": 1}],
                  promotions=promotions_1111())  # fmt: skip
    fc, _, _ = forecast_shop(folder, None, 28)
    on = np.zeros(28, dtype=bool)
    on[6:17] = True
    outside = fc.mean[0, ~on].mean()
    assert outside == pytest.approx(10.0, rel=0.1)
    assert fc.mean[0, on].mean() / outside == pytest.approx(3.0, rel=0.1)
    assert fc.mean[0, ~on].max() < 12.0


AS_OF_618 = pd.Timestamp("2026-05-24")  # the forecast starts 05-25; 05-31 is day 6


def is_618(d: pd.Timestamp) -> bool:
    return bool((d.month == 5 and d.day == 31) or (d.month == 6 and d.day <= 18))


def test_recurring_618_without_a_promotions_table(shop: Shop) -> None:
    """No promotions table; A sells 10 a day and 20 during 618 (05-31 .. 06-18) in 2024 and
    2025. The recurring festival 618 is added for every year: last years' spikes are cleaned
    out and the coming 618 (days 6..24) gets the learned uplift: 2 x 380 sold over 2 x 190
    expected, shrunk towards 1 at the shop by k = 30 ((760 + 30) / 410), then the category
    and the SKU -> 19.996 (2 without the shop's prior)."""
    dates = pd.date_range("2024-03-01", AS_OF_618)
    sales = daily_sales(dates, lambda d: 20 if is_618(d) else 10)
    folder = shop(sales=sales, skus=SKU_A, inventory=[{"sku": "A", "on_hand": 1}])
    fc, as_of, _ = forecast_shop(folder, None, 35)
    assert as_of == AS_OF_618
    shop_level = (760 + 30) / 410
    category = (760 + 30 * shop_level) / 410
    expected = np.full(35, 10.0)
    expected[6:25] = 10 * (760 + 30 * category) / 410
    np.testing.assert_allclose(fc.mean[0], expected)


def test_no_recurring_festivals(shop: Shop, tmp_path: Path) -> None:
    """A config with ``[promotions.recurring]`` empty and no promotions table: nothing is
    cleaned or multiplied, the forecast is the daily models' forecast of the raw history,
    exactly (the seasonal models may still carry part of last year's spike, at its old
    place). With the default festivals the coming 618 is lifted about 2 x."""
    rng = np.random.default_rng(6)
    dates = pd.date_range("2024-03-01", AS_OF_618)
    sales = daily_sales(dates, lambda d: int(rng.poisson(20 if is_618(d) else 10)))
    folder = shop(sales=sales, skus=SKU_A, inventory=[{"sku": "A", "on_hand": 1}])
    config = tmp_path / "no_festivals.toml"
    config.write_text("[promotions.recurring]\n", encoding="utf-8")
    plain = load_settings(config)
    assert plain.promotions.recurring == {}
    default = Settings()
    with_618, _, _ = forecast_shop(folder, default, 35)
    fc, as_of, units = forecast_shop(folder, plain, 35)

    settings = one_worker(plain).with_overrides(data_dir=folder)
    days = settings.forecast.history_days
    history = demand_matrix(load_dataset(settings).sales, units, as_of, days)
    seen = pd.date_range(as_of - pd.Timedelta(days=days - 1), periods=days).to_numpy()
    launched = first_available(units).to_numpy(dtype="datetime64[ns]")
    first = (seen[None, :] >= launched[:, None]).argmax(axis=1)
    raw = forecast_daily(
        history,
        35,
        first,
        units["category"].to_numpy(),
        options(settings.forecast),
        weekday_prior(settings.forecast),
    )
    np.testing.assert_allclose(fc.mean, raw.mean)
    np.testing.assert_allclose(fc.cum_var, raw.cum_var)

    on = np.zeros(35, dtype=bool)
    on[6:25] = True
    lift = with_618.mean[0, on].mean() / with_618.mean[0, ~on].mean()
    assert lift == pytest.approx(2.0, rel=0.1)
    assert fc.mean[0, on].mean() / fc.mean[0, ~on].mean() < 1.6


def test_short_history_setting(shop: Shop) -> None:
    """history_days = 90 and 13 weeks ahead: 12 weekly buckets, fewer than MIN_TRAIN + 13, so
    no validation origin; every unit takes the mean of its weeks so far -> 2 a day."""
    dates = pd.date_range("2026-01-01", "2026-03-31")
    folder = shop(sales=daily_sales(dates, lambda d: 2), skus=SKU_A,
                  inventory=[{"sku": "A", "on_hand": 1}])  # fmt: skip
    settings = one_worker(Settings(), history_days=90)
    fc, _, _ = forecast_shop(folder, settings, 91)
    np.testing.assert_allclose(fc.mean[0], 2.0)


# --------------------------------------------------------------------------- forecast_table

CUTOFF = pd.Timestamp("2026-03-18")  # a Wednesday


def table_sales(tmp_path: Path, settings: Settings) -> pd.DataFrame:
    """A: 5 a day for a year, and 500 a day after the cutoff (must not be used). B: sold in
    2023 only (nothing in the 728 days of history). C: 1 every fourth day. D: first sold
    after the cutoff (not forecast)."""
    days = pd.date_range("2025-03-01", "2026-03-31")
    rows = [{"sku": "A", "date": f"{d:%Y-%m-%d}", "qty": 5 if d <= CUTOFF else 500} for d in days]
    rows += [{"sku": "B", "date": "2023-06-01", "qty": 4}]
    rows += [{"sku": "C", "date": f"{d:%Y-%m-%d}", "qty": 1} for d in days[::4]]
    rows += [{"sku": "D", "date": "2026-03-20", "qty": 3}]
    path = write_tables(tmp_path / "data", {"sales": rows}) / "sales.csv"
    sales, _ = load_sales_file(path, settings)
    return sales


@pytest.mark.parametrize(
    ("freq", "first", "step", "a_forecast"),
    [
        ("D", "2026-03-19", pd.DateOffset(days=1), [5.0, 5.0, 5.0]),
        ("W", "2026-03-23", pd.DateOffset(weeks=1), [35.0, 35.0, 35.0]),
        ("M", "2026-04-01", pd.DateOffset(months=1), [150.0, 155.0, 150.0]),
    ],
)
def test_forecast_table(
    tmp_path: Path, freq: Freq, first: str, step: pd.DateOffset, a_forecast: list[float]
) -> None:
    """One row per SKU and period, sorted; the first period is the first whole one after the
    cutoff (the day after; the Monday after a Wednesday; the 1st of next month). A at 5 a day:
    5 a day, 35 a week, 30 x 5, 31 x 5, 30 x 5 for April, May, June. B (no sales in the
    history) is there with 0; D (first sold after the cutoff) is not; sales after the cutoff
    change nothing."""
    settings = one_worker(Settings())
    sales = table_sales(tmp_path, settings)
    table = forecast_table(sales, CUTOFF, 3, freq, settings)
    assert table.columns.tolist() == ["sku", "date", "forecast", *QUANTILES, "model"]
    assert table["sku"].tolist() == ["A"] * 3 + ["B"] * 3 + ["C"] * 3
    labels = [pd.Timestamp(first) + k * step for k in range(3)]
    for sku in "ABC":
        assert table.loc[table["sku"] == sku, "date"].tolist() == labels
    a = table[table["sku"] == "A"]
    # A's weekday profile is shrunk towards the shop's (C's every fourth day is not spread
    # evenly over the weekdays of 52 weeks) and the coming 618's uplift learned at shop level
    # (A's own is 1): both move A by less than 0.1%
    assert a["forecast"].to_numpy() == pytest.approx(a_forecast, rel=1e-3)
    b = table[table["sku"] == "B"]
    assert (b[["forecast", *QUANTILES]].to_numpy() == 0).all()
    c = table[table["sku"] == "C"]
    assert c["forecast"].to_numpy() == pytest.approx(np.array(a_forecast) / 20, rel=0.2)
    assert (table["p50"] <= table["p90"]).all() and (table["p90"] <= table["p95"]).all()
    assert (table["forecast"] >= 0).all()
    assert (table["model"].str.len() > 0).all()

    before = sales[sales["date"] <= CUTOFF]
    again = forecast_table(before, CUTOFF, 3, freq, settings)
    pd.testing.assert_frame_equal(table, again)


def test_forecast_table_cutoff_on_a_sunday_and_month_end(tmp_path: Path) -> None:
    """The week after a Sunday cutoff starts the next day; the month after the 31st, too."""
    settings = one_worker(Settings())
    sales = table_sales(tmp_path, settings)
    weekly = forecast_table(sales, pd.Timestamp("2026-03-22"), 2, "W", settings)
    assert weekly["date"].iloc[0] == pd.Timestamp("2026-03-23")
    monthly = forecast_table(sales, pd.Timestamp("2026-01-31"), 1, "M", settings)
    assert monthly["date"].iloc[0] == pd.Timestamp("2026-02-01")
    a = monthly[monthly["sku"] == "A"]
    assert a["forecast"].iloc[0] == pytest.approx(28 * 5.0, rel=1e-3)


# --------------------------------------------------------------------------- festivals by market


def test_market_none_has_no_festival_effect(shop: Shop) -> None:
    """A UK-style shop (``market = "none"``) selling 10 a day and 20 during every 618: no
    festival is added, so the coming 618 is not lifted and nothing is cleaned out; the
    forecast equals the one with ``[promotions.recurring]`` empty, exactly. The same shop
    with the default market ``cn`` lifts it about 2 x. The Data quality notes say which."""
    dates = pd.date_range("2024-03-01", AS_OF_618)
    sales = daily_sales(dates, lambda d: 20 if is_618(d) else 10)
    folder = shop(sales=sales, skus=SKU_A, inventory=[{"sku": "A", "on_hand": 1}])
    none = Settings().model_copy(
        update={"promotions": Settings().promotions.model_copy(update={"market": "none"})}
    )
    empty = Settings().model_copy(
        update={"promotions": Settings().promotions.model_copy(update={"recurring": {}})}
    )
    assert none.promotions.festivals == {}
    uk, _, _ = forecast_shop(folder, none, 35)
    plain, _, _ = forecast_shop(folder, empty, 35)
    cn, _, _ = forecast_shop(folder, Settings(), 35)
    np.testing.assert_array_equal(uk.mean, plain.mean)
    assert uk.festivals is not None and uk.festivals.empty
    on = np.zeros(35, dtype=bool)
    on[6:25] = True
    assert uk.mean[0, on].mean() / uk.mean[0, ~on].mean() < 1.6
    assert cn.mean[0, on].mean() / cn.mean[0, ~on].mean() == pytest.approx(2.0, rel=0.1)


def test_cn_data_quality_lists_the_festivals_applied(shop: Shop) -> None:
    """The default market ``cn``: the plan's Data quality report has one note per festival
    in the history or the forecast (3.8, 618, 11.11, 12.12), with its learned uplift and the
    units behind it; 618 learned 2 x from two past years (shrunk: 1.93) and is in the
    forecast. ``market = "none"`` gets a single note instead."""
    from forecaster.pipeline import plan

    dates = pd.date_range("2024-03-01", AS_OF_618)
    sales = daily_sales(dates, lambda d: 20 if is_618(d) else 10)
    folder = shop(sales=sales, skus=SKU_A, inventory=[{"sku": "A", "on_hand": 1}])
    settings = one_worker(Settings()).with_overrides(data_dir=folder)
    notes = plan(settings).quality.to_frame()
    festivals = notes[notes["check"] == "festival"]["message"].tolist()
    assert len(festivals) == 4
    (line_618,) = [m for m in festivals if m.startswith("Festival 618 ")]
    assert "market cn" in line_618 and "2 past occurrence(s)" in line_618
    assert "7,600 units sold where normal demand would have sold 3,800" not in line_618
    assert "760 units sold where normal demand would have sold 380" in line_618
    assert "uplift 1.93" in line_618 and "the coming one from 2026-05-31" in line_618
    for name in ("38", "1111", "1212"):
        assert any(m.startswith(f"Festival {name} ") for m in festivals)

    uk = settings.model_copy(
        update={"promotions": settings.promotions.model_copy(update={"market": "none"})}
    )
    notes = plan(uk).quality.to_frame()
    assert (notes["check"] == "festival").sum() == 0
    (line,) = notes.loc[notes["check"] == "festivals", "message"]
    assert line == 'No recurring festivals: market "none" has none'
