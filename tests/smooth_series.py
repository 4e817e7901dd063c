"""Real-shaped series for the tests of the vectorised smooth models against statsmodels."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

#: The shared data beside the repository (``../shared/data``), read in place.
WALMART = Path(__file__).resolve().parents[2] / "shared" / "data" / "walmart_weekly_dev.csv.gz"
#: The comparisons with statsmodels are stated on the real series: without them they are
#: skipped (on the clean synthetic stand-in the vectorised seasonal ETS stops at SSEs up to
#: 30% above statsmodels' on some series -- a known weakness, see bench/README.md).
needs_walmart = pytest.mark.skipif(
    not WALMART.exists(), reason=f"the real Walmart series are not on disk ({WALMART})"
)


@cache
def walmart_weekly(count: int = 8) -> np.ndarray:
    """``count`` Walmart department series (stores 1-3) with sales in every one of the 143
    weeks, every k-th in store x department order, weekly dollars / 100; synthetic series
    of the same shape (level, trend, yearly swing, noise) when the data is not on disk."""
    if not WALMART.exists():
        rng = np.random.default_rng(16)
        t = np.arange(143)
        level = rng.uniform(50, 500, (count, 1))
        swing = 0.2 * np.sin(2 * np.pi * (t - rng.integers(0, 52, (count, 1))) / 52)
        noise = rng.normal(0, 0.08, (count, 143))
        out = np.asarray(level * (1 + 0.001 * t + swing + noise))
        out.flags.writeable = False  # shared between the tests (cached)
        return out
    sales = pd.read_csv(WALMART, usecols=["sku", "date", "qty"])
    store = sales["sku"].str.split("_").str[0].astype(int)
    wide = sales[store <= 3].pivot(index="sku", columns="date", values="qty")
    regular = wide[(wide.notna().all(axis=1)) & (wide > 0).all(axis=1)].sort_index()
    step = max(len(regular) // count, 1)
    out = np.asarray(regular.iloc[::step].head(count).to_numpy(dtype=float) / 100.0)
    out.flags.writeable = False  # shared between the tests (cached)
    return out
