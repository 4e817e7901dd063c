"""Property tests of the inventory-health stage on random little shops read from files.

Each example writes a shop of 1-3 SKUs in 1-2 warehouses with random sales (returns
included), stock, receipts and launch dates (some in the future), then checks what must
hold whatever the numbers: shares stay in [0, 1], every slow mover gets exactly one grade,
and the order of the input rows changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecaster.config import Settings
from forecaster.inventory.assessment import Assessment, assess_inventory
from forecaster.inventory.grading import slow_mover_mask
from forecaster.io.dataset import load_dataset
from forecaster.models.forecast import Forecast
from forecaster.pipeline import forecast_horizon
from forecaster.units import planning_units
from tests.conftest import write_tables

AS_OF = pd.Timestamp("2026-03-31")
SKUS = ["A", "B", "C"]
WAREHOUSES = ["W1", "W2"]


def day(offset: int) -> str:
    return f"{AS_OF - pd.Timedelta(days=offset):%Y-%m-%d}"


sale = st.fixed_dictionaries(
    {
        "sku": st.sampled_from(SKUS),
        "warehouse": st.sampled_from(WAREHOUSES),
        "date": st.integers(0, 120).map(day),
        "qty": st.integers(-5, 12),
    }
)
stock = st.fixed_dictionaries(
    {
        "sku": st.sampled_from(SKUS),
        "warehouse": st.sampled_from(WAREHOUSES),
        "on_hand": st.integers(0, 60),
        "allocated": st.integers(0, 10),
    }
)
receipt = st.fixed_dictionaries(
    {
        "sku": st.sampled_from(SKUS),
        "warehouse": st.sampled_from(WAREHOUSES),
        "date": st.integers(0, 400).map(day),
        "qty": st.integers(1, 40),
    }
)
shops = st.fixed_dictionaries(
    {
        "sales": st.lists(sale, min_size=1, max_size=40),
        "inventory": st.lists(stock, max_size=6).map(
            lambda rows: list({(r["sku"], r["warehouse"]): r for r in rows}.values())
        ),
        "receipts": st.lists(receipt, max_size=8).map(
            lambda rows: list({(r["sku"], r["warehouse"], r["date"]): r for r in rows}.values())
        ),
        "launch": st.lists(st.one_of(st.none(), st.integers(-10, 300)), min_size=3, max_size=3),
        "levels": st.lists(st.floats(0.0, 5.0), min_size=3, max_size=3),
        "window": st.sampled_from([0, 30]),
    }
)


def write(folder: Path, shop: dict[str, object], order: np.random.Generator | None) -> Path:
    """Write ``shop``; an anchor sale on the as-of date fixes the planning date.

    With ``order``, the rows of every table are shuffled first.
    """
    tables: dict[str, pd.DataFrame] = {
        "sales": pd.DataFrame(
            [*shop["sales"], {"sku": "A", "warehouse": "W1", "date": day(0), "qty": 1}]  # type: ignore[misc]
        ),
        "inventory": pd.DataFrame(
            shop["inventory"] or [{"sku": "A", "warehouse": "W1", "on_hand": 0, "allocated": 0}],
        ),
        "receipts": pd.DataFrame(shop["receipts"], columns=["sku", "warehouse", "date", "qty"]),
        "skus": pd.DataFrame(
            {
                "sku": SKUS,
                "supplier": ["S1", "S1", "S2"],
                "unit_cost": [4, 6, 9],
                "unit_price": [10, 8, 9],
                "lead_time_days": [7, 14, 3],
                "launch_date": [
                    "" if launch is None else day(launch)
                    for launch in shop["launch"]  # type: ignore[attr-defined]
                ],
            }
        ),
        "suppliers": pd.DataFrame(
            {"supplier": ["S1", "S2"], "return_window_days": [shop["window"], 60]}
        ),
    }
    if order is not None:
        tables = {name: frame.iloc[order.permutation(len(frame))] for name, frame in tables.items()}
    return write_tables(folder, tables)


def assess(folder: Path, levels: list[float]) -> Assessment:
    config = Settings().with_overrides(data_dir=folder)
    ds = load_dataset(config)
    units = planning_units(ds)
    horizon = forecast_horizon(units, config)
    daily = units["sku"].map(dict(zip(SKUS, levels, strict=True))).to_numpy(dtype=float)
    forecast = Forecast.independent_days(
        ds.as_of + pd.Timedelta(days=1),
        np.repeat(daily[:, None], horizon, axis=1),
        np.full(len(units), 0.5),
        np.full(len(units), "given", dtype=object),
    )
    return assess_inventory(ds, units, forecast, config)


def in_unit_interval(values: pd.Series) -> bool:
    known = values.dropna().to_numpy(dtype=float)
    return bool(((known >= 0.0) & (known <= 1.0)).all())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop=shops)
def test_shares_in_unit_interval_and_one_grade_per_slow_mover(shop: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = assess(write(Path(tmp), shop, None), shop["levels"])  # type: ignore[arg-type]
    for frame in (result.health, result.sku_totals):
        assert in_unit_interval(frame["sell_through_30d"])
        assert in_unit_interval(frame["movement_rate_30d"])
        slow = slow_mover_mask(frame, Settings().slow_movers)
        assert frame["grade"][slow].isin(["S", "A", "B", "C"]).all()
        assert (frame["grade"][~slow] == "").all()
        assert (frame["returnable"] <= frame["on_hand"].clip(lower=0) + 1e-9).all()
    # every graded unit is listed once on the Slow movers sheet
    graded = result.health[result.health["grade"] != ""]
    listed = result.slow_movers
    assert sorted(zip(listed["sku"], listed["warehouse"], strict=True)) == sorted(
        zip(graded["sku"], graded["warehouse"], strict=True)
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop=shops, seed=st.integers(0, 2**32 - 1))
def test_row_order_of_the_inputs_changes_nothing(shop: dict[str, object], seed: int) -> None:
    """Shuffling the rows of every input file gives the same health, grades and alerts."""
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        levels: list[float] = shop["levels"]  # type: ignore[assignment]
        first = assess(write(Path(a), shop, None), levels)
        second = assess(write(Path(b), shop, np.random.default_rng(seed)), levels)
    pd.testing.assert_frame_equal(first.health, second.health)
    pd.testing.assert_frame_equal(first.sku_totals, second.sku_totals)
    pd.testing.assert_frame_equal(first.alerts, second.alerts)
    pd.testing.assert_frame_equal(first.slow_movers, second.slow_movers)
