"""The planning stages chained: the orders alone are the orders of the full plan."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecaster import sample_shop
from forecaster.config import Settings
from forecaster.io.dataset import load_dataset
from forecaster.pipeline import plan_dataset, plan_orders


def test_plan_orders_orders_exactly_as_the_full_plan(tmp_path: Path) -> None:
    """Per warehouse (the lifecycle stage then comes from the SKU's pooled sales), with a
    declining unit among them (it is ordered without safety stock)."""
    sample_shop.write(
        sample_shop.generate(n_skus=10, start="2025-01-01", end="2026-03-31"), tmp_path
    )
    settings = Settings().with_overrides(data_dir=tmp_path)
    settings = settings.model_copy(
        update={"forecast": settings.forecast.model_copy(update={"workers": 1})}
    )
    ds = load_dataset(settings)
    assert ds.per_warehouse
    full = plan_dataset(ds, settings)
    assert (full.health["lifecycle"] == "decline").any()
    orders = plan_orders(ds, settings)
    pd.testing.assert_frame_equal(orders.units, full.units)
    pd.testing.assert_frame_equal(orders.replenishment, full.replenishment)
    pd.testing.assert_frame_equal(orders.supplier_orders, full.supplier_orders)
