"""Promotion uplift learned from past promotions: hand-computed shops and properties."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecaster.config import PromotionSettings, Settings
from forecaster.io.dataset import load_dataset
from forecaster.models.uplift import Uplift, estimate_uplift, past_evidence, shrink
from forecaster.units import planning_units
from tests.conftest import write_tables

AS_OF = pd.Timestamp("2026-10-18")
#: Last year's promotion P: days -355..-353 from the as-of date.
PAST = (-355, -353)


def day(offset: int) -> str:
    return f"{AS_OF + pd.Timedelta(days=offset):%Y-%m-%d}"


def estimate(
    tmp_path: Path,
    daily: dict[str, Callable[[int], float]],
    categories: dict[str, str],
    launch: dict[str, int] | None = None,
    promotions: list[dict[str, object]] | None = None,
) -> tuple[pd.DataFrame, Uplift]:
    """The uplift of P per SKU; ``daily[sku](d)`` is the SKU's sales on day ``d``."""
    launch = launch or {}
    sales = [
        {"sku": sku, "date": day(d), "qty": qty(d)}
        for sku, qty in daily.items()
        for d in range(launch.get(sku, -400), 1)
    ]
    skus = [
        {"sku": sku, "supplier": "S", "unit_cost": 1, "unit_price": 2, "lead_time_days": 7,
         "category": category, "launch_date": day(launch.get(sku, -400))}
        for sku, category in categories.items()
    ]  # fmt: skip
    promotions = promotions or [
        {"name": "P", "start": day(PAST[0]), "end": day(PAST[1])},
        {"name": "P", "start": day(10), "end": day(12)},
    ]
    data = write_tables(
        tmp_path / "data",
        {
            "sales": sales,
            "skus": skus,
            "inventory": [{"sku": sku, "on_hand": 1} for sku in daily],
            "promotions": promotions,
        },
    )
    ds = load_dataset(Settings().with_overrides(data_dir=data))
    units = planning_units(ds)
    learned = PromotionSettings()
    evidence = past_evidence(ds.sales, units, ds.promotions, "P", ds.as_of, learned)
    return units, estimate_uplift(evidence, units, learned.uplift_prior_units)


def during(normal: float, promo: float) -> Callable[[int], float]:
    return lambda d: promo if PAST[0] <= d <= PAST[1] else normal


def by_sku(units: pd.DataFrame, values: np.ndarray) -> dict[str, float]:
    return dict(zip(units["sku"], np.round(values, 4).tolist(), strict=True))


def test_thin_skus_borrow_their_categorys_uplift(tmp_path: Path) -> None:
    # P lasted 3 days last year. sold / expected (normal daily x 3):
    #   cups: A 90 / 30 (own 3), B 15 / 3 (own 5); pets: C 120 / 60 (own 2);
    #   D (pets) launched after last year's P: no evidence.
    # shop = 225 / 93 = 2.41935; k = 30 expected units
    # cups = (105 + 30 x 2.41935) / (33 + 30) = 2.81874; pets = (120 + 72.5806) / 90 = 2.13978
    # A = (90 + 30 x 2.81874) / 60 = 2.90937   (own weight 30 / 60 = 50 %)
    # B = (15 + 84.5622) / 33 = 3.01704         (3 / 33 = 9 %: mostly the category)
    # C = (120 + 30 x 2.13978) / 90 = 2.04659   (60 / 90 = 67 %)
    # D = pets = 2.13978                        (no own evidence)
    units, up = estimate(
        tmp_path,
        {"A": during(10, 30), "B": during(1, 5), "C": during(20, 40), "D": lambda d: 2},
        {"A": "cups", "B": "cups", "C": "pets", "D": "pets"},
        launch={"D": -100},
    )
    assert up.occurrences == 1
    assert by_sku(units, up.uplift) == pytest.approx(
        {"A": 2.90937, "B": 3.01704, "C": 2.04659, "D": 2.13978}, abs=1e-4
    )
    own = by_sku(units, up.own)
    assert own == pytest.approx({"A": 3, "B": 5, "C": 2, "D": np.nan}, nan_ok=True)
    assert by_sku(units, up.weight) == pytest.approx(
        {"A": 0.5, "B": 3 / 33, "C": 60 / 90, "D": 0.0}, abs=1e-4
    )
    assert by_sku(units, up.category) == pytest.approx(
        {"A": 2.81874, "B": 2.81874, "C": 2.13978, "D": 2.13978}, abs=1e-4
    )


def test_pre_sale_lull_hangover_and_other_promotions_are_not_normal_days(tmp_path: Path) -> None:
    # 10 a day normally, 30 during P, but 4 a day in the week before and after it
    # (inside the 7 guard days) and 50 a day on another promotion Q within the
    # baseline window: none of those may lower or raise the normal 10 a day.
    def sales(d: int) -> float:
        if PAST[0] <= d <= PAST[1]:
            return 30
        if PAST[0] - 7 <= d <= PAST[1] + 7:
            return 4
        return 50 if -330 <= d <= -329 else 10

    _, up = estimate(
        tmp_path,
        {"A": sales},
        {"A": "cups"},
        promotions=[
            {"name": "P", "start": day(PAST[0]), "end": day(PAST[1])},
            {"name": "Q", "start": day(-330), "end": day(-329)},
            {"name": "P", "start": day(10), "end": day(12)},
        ],
    )
    assert up.own[0] == pytest.approx(3.0)
    assert up.uplift[0] == pytest.approx(3.0)


def test_a_steady_trend_cancels_between_both_sides(tmp_path: Path) -> None:
    # Normal demand 100 + (d - c) around the centre c of P; three times that during P.
    # The normal days lie symmetrically around c, so their mean is 100 and the
    # expected units are 300, against 3 x 300 sold: uplift exactly 3. (The normal
    # days before the promotion alone average 77.5 and would give 900 / 232.5 = 3.87.)
    centre = (PAST[0] + PAST[1]) // 2

    def sales(d: int) -> float:
        normal = 100 + (d - centre)
        return 3 * normal if PAST[0] <= d <= PAST[1] else normal

    _, up = estimate(tmp_path, {"A": sales}, {"A": "cups"})
    assert up.own[0] == pytest.approx(3.0)


def test_no_past_promotion_means_no_estimate(tmp_path: Path) -> None:
    _, up = estimate(
        tmp_path,
        {"A": during(10, 30)},
        {"A": "cups"},
        promotions=[{"name": "P", "start": day(10), "end": day(12)}],
    )
    assert up.occurrences == 0
    assert up.uplift.tolist() == [1.0] and np.isnan(up.category).all()


def test_shrink_by_hand() -> None:
    # One level below the shop; k = 10: shop 100 / 50 = 2;
    # a: (90 + 20) / (40 + 10) = 2.2; b: (10 + 20) / (10 + 10) = 1.5; c: no evidence, 2.
    top, group = shrink(
        np.array([90.0, 10.0, 0.0]), np.array([40.0, 10.0, 0.0]), [np.array(["a", "b", "c"])], 10
    )
    assert top.tolist() == [2.0, 2.0, 2.0]
    assert group.tolist() == pytest.approx([2.2, 1.5, 2.0])


ratios = st.lists(
    st.tuples(st.integers(0, 500), st.floats(0.5, 500), st.sampled_from(["x", "y", "z"])),
    min_size=1,
    max_size=20,
)


@given(ratios, st.floats(0.0, 1000.0))
def test_a_shrunk_ratio_lies_between_its_own_and_its_parent(
    rows: list[tuple[int, float, str]], k: float
) -> None:
    sold = np.array([r[0] for r in rows], dtype=float)
    expected = np.array([r[1] for r in rows])
    keys = np.array([r[2] for r in rows])
    top, group = shrink(sold, expected, [keys], k)
    for key in set(keys):
        mine = keys == key
        own = sold[mine].sum() / expected[mine].sum()
        lo, hi = sorted((own, top[0]))
        assert lo - 1e-9 <= group[mine][0] <= hi + 1e-9
        assert np.allclose(group[mine], group[mine][0])
    # Row order does not matter.
    order = np.argsort(keys, kind="stable")[::-1]
    _, again = shrink(sold[order], expected[order], [keys[order]], k)
    assert np.allclose(again, group[order])


@given(ratios)
def test_no_prior_keeps_the_own_ratio_and_a_huge_prior_the_parents(
    rows: list[tuple[int, float, str]],
) -> None:
    sold = np.array([r[0] for r in rows], dtype=float)
    expected = np.array([r[1] for r in rows])
    keys = np.array([r[2] for r in rows])
    top, own = shrink(sold, expected, [keys], 0.0)
    pooled = pd.DataFrame({"k": keys, "s": sold, "e": expected}).groupby("k").sum()
    assert np.allclose(own, (pooled["s"] / pooled["e"]).reindex(keys).to_numpy())
    _, parent = shrink(sold, expected, [keys], 1e12)
    assert np.allclose(parent, top, rtol=1e-6)


def noise_uplift(seed: int) -> tuple[float, float, float]:
    """Shop uplift, raw pooled ratio and largest SKU deviation from 1 of a festival without
    any effect: 20 SKUs of one category, two years of lumpy days (an order of 40 units
    with probability 0.1, 4 a day), 11.11 recurring in both years."""
    from forecaster.models.promotions import with_recurring

    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-10-19", AS_OF)
    skus = [f"S{i:02d}" for i in range(20)]
    qty = 40.0 * (rng.random((len(skus), len(dates))) < 0.1)
    sales = pd.DataFrame(
        {
            "sku": np.repeat(skus, len(dates)),
            "warehouse": "",
            "date": np.tile(dates, len(skus)),
            "qty": qty.ravel(),
        }
    )
    units = pd.DataFrame(
        {
            "sku": skus,
            "warehouse": "",
            "category": "c",
            "launch_date": pd.Timestamp("2024-10-19"),
            "first_sale": pd.Timestamp("2024-10-19"),
        }
    )
    settings = PromotionSettings()
    calendar = with_recurring(
        pd.DataFrame(columns=["name", "start", "end", "uplift", "category", "sku"]),
        settings.festivals,
        dates[0],
        AS_OF,
    )
    evidence = past_evidence(sales, units, calendar, "1111", AS_OF, settings)
    fit = estimate_uplift(evidence, units, settings.uplift_prior_units, shop_prior=1.0)
    raw = evidence.sold.sum() / evidence.expected.sum()
    return fit.shop, float(raw), float(np.abs(fit.uplift - 1).max())


def test_an_uplift_learned_from_pure_noise_shrinks_to_1() -> None:
    """Over 20 shops of pure noise the raw ratio sold / expected of 11.11 strays by 13% on
    average (44 orders of 40 expected: +/-15%). Counted in units the shrinkage would
    hardly touch it (1,760 expected units against a prior of 30: weight 0.98); counted in
    effective units (units / (variance / mean) of normal days, about 36 units a sale) the
    evidence is about 48 sales and the prior of 30 keeps 0.6 of it. Tolerance: the shrunk
    uplift is on average at most 0.65 x as far from 1 as the raw ratio, within 0.25 of 1
    at every shop and within 0.4 for every SKU (whose own two festivals of 2 orders each
    weigh 0.07)."""
    results = np.array([noise_uplift(seed) for seed in range(20)])
    shop, raw, sku = results.T
    assert np.abs(shop - 1).mean() <= 0.65 * np.abs(raw - 1).mean()
    assert np.abs(shop - 1).max() <= 0.25
    assert sku.max() <= 0.4
