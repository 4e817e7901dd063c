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

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings as hypothesis_settings
from scipy import integrate, optimize, stats

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


def gamma(mean: float, sd: float) -> stats.rv_continuous:
    """The gamma distribution of ``mean`` and ``sd`` (scipy's, for checks by integration)."""
    return stats.gamma((mean / sd) ** 2, scale=sd**2 / mean)


def gamma_short(level: float, mean: float, sd: float) -> float:
    """``E(D - level)+`` of the gamma ``D`` of ``mean`` and ``sd``, integrated numerically."""
    density = gamma(mean, sd).pdf
    return float(integrate.quad(lambda x: (x - level) * density(x), level, np.inf)[0])


def gamma_level(p: tuple[float, float], lead: tuple[float, float], allowed: float) -> float:
    """The order-up-to level whose shortage per cycle, ``E(D_P - S)+ - E(D_L - S)+`` for the
    gamma totals ``p`` and ``lead`` (mean, sd), is ``allowed`` -- by numerical integration and
    root finding, independently of the policy's closed form."""
    return float(
        optimize.brentq(
            lambda s: gamma_short(s, *p) - gamma_short(s, *lead) - allowed,
            p[0],
            p[0] + 10 * p[1],
            xtol=1e-10,
        )
    )
