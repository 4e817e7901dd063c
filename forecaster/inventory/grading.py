"""Slow movers and their S/A/B/C grades (滞销品分级).

A slow mover is a unit with stock on hand and ``days_of_cover`` above
``slow_movers.cover_days`` or ``movement_rate_30d`` below
``slow_movers.movement_rate``. Each slow mover gets the grade of the first rule
of ``slow_movers.rules`` that matches (the last rule matches every unit), the
disposal action of its grade, and the cash expected back from it: the grade's
recovery rate x stock value at cost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecaster.config import SlowMoverSettings

COLUMNS = [
    "sku",
    "warehouse",
    "name",
    "grade",
    "action",
    "movement_rate_30d",
    "inventory_age_days",
    "gross_margin",
    "lifecycle",
    "days_since_last_sale",
    "days_of_cover",
    "stock_value",
    "expected_recovery",
]


def slow_mover_mask(health: pd.DataFrame, settings: SlowMoverSettings) -> np.ndarray:
    """True for units with stock and long cover or little movement."""
    cover = health["days_of_cover"].to_numpy(dtype=float)
    moves = health["movement_rate_30d"].to_numpy(dtype=float)
    stocked = health["on_hand"].to_numpy(dtype=float) > 0
    return np.asarray(stocked & ((cover > settings.cover_days) | (moves < settings.movement_rate)))


def grade_units(health: pd.DataFrame, settings: SlowMoverSettings) -> np.ndarray:
    """Grade of every unit: S/A/B/C for slow movers, ``""`` for the others.

    Rules are evaluated on whole columns, so a unit's grade depends only on its
    own metrics, never on row order.
    """
    slow = slow_mover_mask(health, settings)
    grades = np.full(len(health), "", dtype=object)
    open_ = slow.copy()
    for rule in settings.rules:
        match = open_.copy()
        for condition in rule.all:
            match &= condition.holds(health[condition.metric])
        if rule.any:
            either = np.zeros(len(health), dtype=bool)
            for condition in rule.any:
                either |= condition.holds(health[condition.metric])
            match &= either
        grades[match] = rule.grade
        open_ &= ~match
    return grades


def slow_movers(
    health: pd.DataFrame, grades: np.ndarray, settings: SlowMoverSettings
) -> pd.DataFrame:
    """The slow movers with grade, disposal action and expected cash recovery, by stock value."""
    graded = health.assign(grade=grades)[grades != ""]
    action = graded["grade"].map({g: a.action for g, a in settings.grades.items()})
    rates = {g: a.recovery_rate for g, a in settings.grades.items()}
    rate = graded["grade"].map(rates).astype("float64")  # float even with no slow movers
    out = graded.assign(action=action, expected_recovery=graded["stock_value"] * rate)
    return (
        out[COLUMNS]
        .sort_values("stock_value", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
