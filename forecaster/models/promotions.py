"""Promotion calendars as unit x day arrays.

A promotion row applies to a unit when its ``category`` is blank or equals the
unit's category, and its ``sku`` is blank or equals the unit's SKU; it covers
``start`` to ``end`` inclusive. The yearly shopping festivals (618, 11.11,
12.12) join the table for every year it does not list them
(:func:`with_recurring`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def _cover(
    promotions: pd.DataFrame, units: pd.DataFrame, start: pd.Timestamp, days: int
) -> list[tuple[np.ndarray, int, int, float]]:
    """For each promotion overlapping the window: (unit mask, first col, end col, uplift)."""
    spans = []
    end = start + pd.Timedelta(days=days - 1)
    for promo in promotions.itertuples(index=False):
        if promo.end < start or promo.start > end:
            continue
        scope = np.ones(len(units), dtype=bool)
        if promo.category:
            scope &= (units["category"] == promo.category).to_numpy()
        if promo.sku:
            scope &= (units["sku"] == promo.sku).to_numpy()
        first = max((promo.start - start).days, 0)
        last = min((promo.end - start).days, days - 1) + 1
        spans.append((scope, first, last, float(promo.uplift)))
    return spans


def promotion_days(
    promotions: pd.DataFrame, units: pd.DataFrame, start: pd.Timestamp, days: int
) -> np.ndarray:
    """Boolean (n_units, days): the unit was (or will be) on promotion that day."""
    mask = np.zeros((len(units), days), dtype=bool)
    for scope, first, last, _ in _cover(promotions, units, start, days):
        mask[scope, first:last] = True
    return mask


def uplift_factors(
    promotions: pd.DataFrame,
    units: pd.DataFrame,
    start: pd.Timestamp,
    days: int,
    learned: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Demand multiplier (n_units, days) over the days from ``start``.

    A promotion multiplies demand by its ``uplift`` where one is given, else by
    ``learned[name]`` (one value per unit) when there is one, else by 1.
    Overlapping promotions take the largest uplift.
    """
    learned = learned or {}
    factor = np.full((len(units), days), np.nan)
    names = [p.name for p in promotions.itertuples(index=False) if _overlaps(p, start, days)]
    for name, (scope, first, last, uplift) in zip(
        names, _cover(promotions, units, start, days), strict=True
    ):
        if np.isfinite(uplift):
            value = np.full(len(units), uplift)
        elif name in learned:
            value = np.asarray(learned[name], dtype=float)
        else:
            continue
        rows = np.flatnonzero(scope)
        factor[rows, first:last] = np.fmax(factor[rows, first:last], value[rows, None])
    return np.asarray(np.nan_to_num(factor, nan=1.0))


def _overlaps(promo: Any, start: pd.Timestamp, days: int) -> bool:
    return bool(promo.end >= start and promo.start <= start + pd.Timedelta(days=days - 1))


def with_recurring(
    promotions: pd.DataFrame,
    recurring: Mapping[str, tuple[str, str]],
    first: pd.Timestamp,
    last: pd.Timestamp,
) -> pd.DataFrame:
    """``promotions`` plus each recurring festival for every year from ``first`` to ``last``
    in which the table has no promotion of that name.

    ``recurring`` maps a name to its first and last day as ``"MM-DD"``; an
    added row has a blank uplift, category and SKU.

    >>> table = pd.DataFrame({"name": ["618"], "start": [pd.Timestamp("2025-06-01")],
    ...                       "end": [pd.Timestamp("2025-06-18")], "uplift": [2.0],
    ...                       "category": [""], "sku": [""]})
    >>> out = with_recurring(table, {"618": ("05-31", "06-18")},
    ...                      pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31"))
    >>> [(r.name, f"{r.start:%Y-%m-%d}", r.uplift) for r in out.itertuples()]
    [('618', '2025-06-01', 2.0), ('618', '2024-05-31', nan)]
    """
    listed = {
        (name, start.year)
        for name, start in zip(promotions["name"], promotions["start"], strict=True)
    }
    rows = []
    for name, (begin, end) in recurring.items():
        for year in range(first.year, last.year + 1):
            if (name, year) in listed:
                continue
            lo, hi = pd.Timestamp(f"{year}-{begin}"), pd.Timestamp(f"{year}-{end}")
            if hi < lo:  # a festival that runs over the new year
                hi = pd.Timestamp(f"{year + 1}-{end}")
            if hi >= first and lo <= last:
                rows.append(
                    {
                        "name": name,
                        "start": lo,
                        "end": hi,
                        "uplift": np.nan,
                        "category": "",
                        "sku": "",
                    }
                )
    if not rows:
        return promotions
    added = pd.DataFrame(rows)
    return pd.concat([promotions, added], ignore_index=True) if len(promotions) else added
