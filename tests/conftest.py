"""Shared fixtures: tiny shops written as files, and settings pointing at them.

Property tests run with Hypothesis' ``ci`` profile by default: the same examples on
every run, so the suite's verdict does not depend on luck. ``HYPOTHESIS_PROFILE=explore
pytest`` draws new examples each run (and more of them) to look for new failures; a
failure it finds becomes a hand-written test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings as hypothesis_settings

from forecaster.config import Settings

hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", max_examples=200)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

Rows = Sequence[Mapping[str, object]]
ShopWriter = Callable[..., Path]

#: A minimal valid shop: two SKUs of one supplier, a few days of sales.
MINIMAL: dict[str, list[dict[str, object]]] = {
    "sales": [
        {"sku": "A", "date": "2026-03-01", "qty": 2},
        {"sku": "A", "date": "2026-03-02", "qty": 3},
        {"sku": "B", "date": "2026-03-02", "qty": 1},
    ],
    "inventory": [{"sku": "A", "on_hand": 10}, {"sku": "B", "on_hand": 4}],
    "skus": [
        {"sku": "A", "supplier": "S1", "unit_cost": 5, "unit_price": 10, "lead_time_days": 7},
        {"sku": "B", "supplier": "S1", "unit_cost": 2, "unit_price": 3, "lead_time_days": 7},
    ],
}


def write_tables(folder: Path, tables: Mapping[str, Rows | pd.DataFrame | None]) -> Path:
    """Write each table as ``<name>.csv`` (UTF-8) into ``folder``; ``None`` leaves it out."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        if rows is None:
            continue
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


@pytest.fixture
def shop(tmp_path: Path) -> ShopWriter:
    """``shop(sales=[...], skus=[...])`` writes a shop folder; unspecified tables come
    from :data:`MINIMAL`; a table given as ``None`` is left out."""

    def make(**tables: Rows | pd.DataFrame | None) -> Path:
        merged: dict[str, Rows | pd.DataFrame | None] = {**MINIMAL, **tables}
        return write_tables(tmp_path / "data", merged)

    return make


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[[Path], Settings]:
    """Settings reading ``data`` and writing into ``tmp_path / 'out'``."""

    def make(data: Path) -> Settings:
        return Settings().with_overrides(data_dir=data, out_dir=tmp_path / "out")

    return make
