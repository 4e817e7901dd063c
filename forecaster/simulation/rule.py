"""The planner's rule of thumb that forecaster is measured against.

"Order up to the trailing ``N``-day average x (lead + review + ``k`` days)":
the spreadsheet or ERP min/max rule most shops use today. Every ``k`` of the
settings is one policy of the replay, so the rule's stock and fill rate trace
an exchange curve, and forecaster's single point is read against it.
"""

from __future__ import annotations

import numpy as np


def rule_order_up_to(
    history: np.ndarray, window: int, cover_days: np.ndarray, safety_days: np.ndarray
) -> np.ndarray:
    """Order-up-to levels of the rule, shape (len(safety_days), n).

    Parameters
    ----------
    history
        Daily demand per unit up to the review date, shape (n, days); the
        average is over its last ``window`` days (days before the data count as 0,
        as in a spreadsheet's 28-day sum / 28).
    cover_days
        Lead time + review period per unit, days, shape (n,).
    safety_days
        The extra days ``k`` of each rule variant, shape (k,).

    >>> rule_order_up_to(np.array([[2.0] * 28]), 28, np.array([10]), np.array([0, 7])).tolist()
    [[20.0], [34.0]]
    """
    average = history[:, -window:].sum(axis=1) / window
    return np.asarray(average[None, :] * (cover_days[None, :] + safety_days[:, None]))
