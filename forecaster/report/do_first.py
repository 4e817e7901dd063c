"""What to act on first this week, picked from a plan's orders and alerts.

Three lists, each most urgent first; nothing is recomputed, every number comes
from ``plan.replenishment``, ``plan.alerts`` and ``plan.health``:

TOO LATE
    Units whose stock runs out before an order placed today can arrive: an
    OUT_OF_STOCK alert with nothing on order, or a high STOCKOUT_RISK (days of
    cover shorter than the lead time). Order now and expedite. Fewest days of
    cover first, then the largest order value.
Expedite
    OUT_OF_STOCK units with an open PO: chase it. Largest forecast demand per
    day first (the units lost each day the PO is late).
Order today
    Lines with a suggested order whose order-by date is the as-of date. Largest
    order value first.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from forecaster.plan import Plan

_KEY = ["sku", "warehouse"]


@dataclass(frozen=True)
class DoFirst:
    """The three lists of :mod:`forecaster.report.do_first`, every row, most urgent first.

    Attributes
    ----------
    too_late
        ``sku``, ``warehouse``, ``order`` (the suggested order, units), ``value``
        (at cost), ``detail`` (the alert's).
    expedite
        ``sku``, ``warehouse``, ``action`` and ``detail`` (the alert's), ``daily``
        (forecast units per day).
    order_today
        ``sku``, ``warehouse``, ``supplier``, ``order`` (units), ``value`` (at cost).
    """

    too_late: pd.DataFrame
    expedite: pd.DataFrame
    order_today: pd.DataFrame


def do_first(plan: Plan) -> DoFirst:
    """The units to act on first in ``plan`` (see the module's docstring for the order)."""
    lines = plan.replenishment.rename(columns={"suggested_order": "order", "order_value": "value"})
    lines = lines.assign(daily=lines["demand_over_p"] / lines["protection_days"])
    alerts = plan.alerts.merge(
        plan.health[[*_KEY, "on_order", "days_of_cover"]], on=_KEY, how="left"
    ).merge(lines[[*_KEY, "order", "value", "daily"]], on=_KEY, how="left")
    out_of_stock = alerts["alert"] == "OUT_OF_STOCK"
    open_po = alerts["on_order"] > 0
    too_short = (alerts["alert"] == "STOCKOUT_RISK") & (alerts["severity"] == "high")
    too_late = alerts[(out_of_stock & ~open_po) | too_short].sort_values(
        ["days_of_cover", "value", "sku", "warehouse"],
        ascending=[True, False, True, True],
        na_position="first",
        kind="stable",
    )
    expedite = alerts[out_of_stock & open_po].sort_values(
        ["daily", "sku", "warehouse"], ascending=[False, True, True], kind="stable"
    )
    due = (lines["order"] > 0) & (lines["order_by"] == plan.as_of)
    order_today = lines[due].sort_values(
        ["value", "sku", "warehouse"], ascending=[False, True, True], kind="stable"
    )
    return DoFirst(
        too_late=too_late[[*_KEY, "order", "value", "detail"]].reset_index(drop=True),
        expedite=expedite[[*_KEY, "action", "detail", "daily"]].reset_index(drop=True),
        order_today=order_today[[*_KEY, "supplier", "order", "value"]].reset_index(drop=True),
    )
