"""Promotion calendars as unit x day arrays.

A promotion row applies to a unit when its ``category`` is blank or equals the
unit's category, and its ``sku`` is blank or equals the unit's SKU; it covers
``start`` to ``end`` inclusive.
"""

from __future__ import annotations

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
    promotions: pd.DataFrame, units: pd.DataFrame, start: pd.Timestamp, days: int
) -> np.ndarray:
    """Demand multiplier (n_units, days): the promotion's ``uplift`` where one is
    given, else 1. Overlapping promotions take the largest uplift."""
    factor = np.full((len(units), days), np.nan)
    for scope, first, last, uplift in _cover(promotions, units, start, days):
        if np.isfinite(uplift):
            factor[scope, first:last] = np.fmax(factor[scope, first:last], uplift)
    return np.asarray(np.nan_to_num(factor, nan=1.0))
