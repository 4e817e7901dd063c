"""Assembling the data set: as-of date, warehouses, and the data-quality report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecaster.config import Settings
from forecaster.io.dataset import daily_sums, distinct_codes, load_dataset
from tests.conftest import MINIMAL, ShopWriter

Load = Callable[..., object]


def issues(settings: Settings) -> dict[str, tuple[str, int, str]]:
    ds = load_dataset(settings)
    return {i.check: (i.severity, i.count, i.examples) for i in ds.quality.issues}


def test_the_minimal_shop_is_clean(
    shop: ShopWriter, settings_for: Callable[[Path], Settings]
) -> None:
    ds = load_dataset(settings_for(shop()))
    assert ds.as_of == pd.Timestamp("2026-03-02")
    assert not ds.per_warehouse
    assert ds.quality.warnings == []


def test_order_lines_and_returns_are_summed_per_day(
    shop: ShopWriter, settings_for: Callable[[Path], Settings]
) -> None:
    sales = [
        {"sku": "A", "date": "2026-03-01", "qty": 2, "order_id": "o1"},
        {"sku": "A", "date": "2026-03-01", "qty": 2, "order_id": "o2"},
        {"sku": "A", "date": "2026-03-01", "qty": -1, "order_id": "o3"},
        {"sku": "A", "date": "2026-03-02", "qty": 5, "order_id": "o4"},
        {"sku": "A", "date": "2026-03-02", "qty": 5, "order_id": "o4"},  # the same line twice
    ]
    settings = settings_for(shop(sales=sales))
    ds = load_dataset(settings)
    assert ds.sales["qty"].tolist() == [3.0, 5.0]
    found = issues(settings)
    assert found["returns"][:2] == ("note", 1)
    assert found["duplicate_rows"] == ("warning", 1, "6")


def test_warnings_of_the_brief(shop: ShopWriter, settings_for: Callable[[Path], Settings]) -> None:
    sales = [*MINIMAL["sales"], {"sku": "GHOST", "date": "2026-03-01", "qty": 1}]
    skus = [
        *MINIMAL["skus"],
        {"sku": "N", "supplier": "S2", "unit_cost": 9, "unit_price": 9, "lead_time_days": 3},
    ]
    inventory = [
        {"sku": "A", "on_hand": -4},
        {"sku": "B", "on_hand": 4},
        {"sku": "B", "on_hand": 4},
    ]
    settings = settings_for(
        shop(
            sales=sales,
            skus=skus,
            inventory=inventory,
            purchase_orders=[{"sku": "A", "qty": 5, "eta": "2026-02-20"}],
            suppliers=[{"supplier": "S1", "review_period_days": 14}],
        )
    ).with_overrides(as_of=pd.Timestamp("2026-03-01").date())
    found = issues(settings)
    assert found["unknown_sku"] == ("warning", 1, "GHOST")
    assert found["negative_stock"] == ("warning", 1, "A (row 2: -4)")
    assert found["duplicate_rows"][:2] == ("warning", 1)  # B's two identical rows: summed
    # N never sold; B's only sale (2026-03-02) is after the as-of date.
    assert found["no_sales"] == ("warning", 2, "B, N")
    assert found["after_as_of"][:2] == ("warning", 2)  # the two sales of 2026-03-02
    assert found["overdue_po"][:2] == ("warning", 1)
    assert found["unknown_supplier"] == ("warning", 1, "S2")
    assert found["price_below_cost"][2] == "N"
    ds = load_dataset(settings)
    assert ds.inventory.set_index("sku")["on_hand"].to_dict() == {"A": 0.0, "B": 8.0}
    assert ds.purchase_orders["eta"].tolist() == [pd.Timestamp("2026-03-02")]
    assert ds.suppliers.set_index("supplier")["review_period_days"].to_dict() == {"S1": 14, "S2": 7}


def test_stale_export_is_flagged(
    shop: ShopWriter, settings_for: Callable[[Path], Settings]
) -> None:
    settings = settings_for(shop()).with_overrides(as_of=pd.Timestamp("2026-03-09").date())
    assert issues(settings)["stale_sales"][:2] == ("warning", 7)


@pytest.mark.parametrize("with_inventory_warehouse", [True, False])
def test_warehouse_mode(
    shop: ShopWriter, settings_for: Callable[[Path], Settings], with_inventory_warehouse: bool
) -> None:
    sales = [{**row, "warehouse": "E" if i % 2 else "W"} for i, row in enumerate(MINIMAL["sales"])]
    inventory = [
        {"sku": "A", "on_hand": 3, "warehouse": "E"},
        {"sku": "A", "on_hand": 5, "warehouse": "W"},
    ]
    if not with_inventory_warehouse:
        inventory = [{"sku": "A", "on_hand": 8}]
    settings = settings_for(shop(sales=sales, inventory=inventory))
    ds = load_dataset(settings)
    assert ds.per_warehouse is with_inventory_warehouse
    if with_inventory_warehouse:
        assert sorted(ds.inventory["warehouse"]) == ["E", "W"]
    else:
        assert ds.inventory["warehouse"].tolist() == [""]
        assert ds.sales["warehouse"].unique().tolist() == [""]
        assert "warehouses_summed" in {i.check for i in ds.quality.issues}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["B", "A", "0012", "杯"]),
            st.sampled_from(["", "SOUTH", "EAST"]),
            st.integers(0, 40),
            st.integers(-3, 12).map(lambda q: q / 2),
            st.booleans(),
        ),
        min_size=1,
        max_size=60,
    ),
    st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_daily_sums_equal_a_groupby_of_the_kept_rows(
    rows: list[tuple[str, str, int, float, bool]], categorical: bool
) -> None:
    """Also when the key columns come categorical (a long table's text, parsed by its
    distinct values), their categories in another order than the text's and one unused."""
    sku, warehouse, day, qty, keep = zip(*rows, strict=True)
    frame = pd.DataFrame(
        {
            "sku": pd.Series(sku, dtype="str"),
            "warehouse": pd.Series(warehouse, dtype="str"),
            "date": pd.Timestamp("2026-01-01") + pd.to_timedelta(list(day), unit="D"),
            "qty": list(qty),
        }
    ).astype({"date": "datetime64[ns]"})
    kept = np.array(keep)
    expected = frame[kept].groupby(["sku", "warehouse", "date"], sort=True)["qty"].sum()
    if categorical:
        for key in ("sku", "warehouse"):
            order = sorted({*frame[key], "zz-unused"}, reverse=True)  # a category no row has
            frame[key] = pd.Categorical(frame[key], categories=pd.Index(order, dtype="str"))
    codes, skus = distinct_codes(frame["sku"])
    sums = daily_sums(codes, skus, frame, kept)
    # the key columns are categorical (int32 codes into the sorted distinct values)
    assert sums["sku"].dtype == "category" and sums["warehouse"].dtype == "category"
    pd.testing.assert_frame_equal(
        sums.astype({"sku": "str", "warehouse": "str"}),
        expected.reset_index(),
        check_index_type=False,
    )
