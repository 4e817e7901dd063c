"""The figures of the Summary sheet and the console summary, computed once from a plan."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecaster.config import STAGES
from forecaster.inventory.alerts import ALERT_KINDS, SEVERITY_ORDER
from forecaster.inventory.flags import FLAGS
from forecaster.plan import Plan


@dataclass(frozen=True)
class Summary:
    """Key figures of a plan.

    Attributes
    ----------
    skus, units
        SKUs planned, and planning units (SKU x warehouse).
    stock_value
        Stock on hand at cost.
    median_cover
        Median ``days_of_cover`` of units with stock.
    order_lines, order_units, order_value
        Suggested purchase-order lines, units and value at cost.
    slow_value, expected_recovery
        Stock value of slow movers and the cash expected back from them.
    warnings
        Data-quality warnings.
    alerts
        Alerts by kind (rows, in :data:`ALERT_KINDS` order) and severity (columns
        ``high``, ``medium``, ``low``, ``count``).
    suppliers
        Suggested orders per supplier: ``supplier``, ``supplier_name``, ``lines``,
        ``units``, ``value``, ``min_order_value``, ``status``.
    grades
        Slow movers per grade: ``grade``, ``action``, ``count``, ``stock_value``,
        ``expected_recovery``.
    lifecycle
        Planning units per lifecycle stage: ``lifecycle``, ``count``, ``stock_value``.
    flags
        Order lines per flag (:data:`~forecaster.inventory.flags.FLAGS`): ``flag``,
        ``lines`` (all of them), ``ordered`` (those with a suggested order).
    """

    skus: int
    units: int
    stock_value: float
    median_cover: float
    order_lines: int
    order_units: float
    order_value: float
    slow_value: float
    expected_recovery: float
    warnings: int
    alerts: pd.DataFrame
    suppliers: pd.DataFrame
    grades: pd.DataFrame
    lifecycle: pd.DataFrame
    flags: pd.DataFrame


def summarise(plan: Plan) -> Summary:
    """Aggregate a plan into its :class:`Summary`."""
    health, lines = plan.health, plan.replenishment
    stocked = health["on_hand"] > 0
    cover = health.loc[stocked, "days_of_cover"].dropna()
    ordered = lines["suggested_order"] > 0
    return Summary(
        skus=int(plan.units["sku"].nunique()),
        units=len(plan.units),
        stock_value=float(health["stock_value"].sum()),
        median_cover=float(np.median(cover)) if len(cover) else float("nan"),
        order_lines=int(ordered.sum()),
        order_units=float(lines.loc[ordered, "suggested_order"].sum()),
        order_value=float(lines.loc[ordered, "order_value"].sum()),
        slow_value=float(plan.slow_movers["stock_value"].sum()),
        expected_recovery=float(plan.slow_movers["expected_recovery"].sum()),
        warnings=len(plan.quality.warnings),
        alerts=_alerts_by_kind(plan.alerts),
        suppliers=_supplier_totals(plan.supplier_orders),
        grades=_grades(plan),
        lifecycle=_lifecycle(health),
        flags=_flags(lines),
    )


def _flags(lines: pd.DataFrame) -> pd.DataFrame:
    """Lines per flag; a text flag (the promotions ahead) counts where it is not blank."""
    ordered = lines["suggested_order"] > 0
    rows = []
    for flag in FLAGS:
        raised = lines[flag].astype(bool)
        rows.append(
            {"flag": flag, "lines": int(raised.sum()), "ordered": int((raised & ordered).sum())}
        )
    return pd.DataFrame(rows, columns=["flag", "lines", "ordered"])


def _alerts_by_kind(alerts: pd.DataFrame) -> pd.DataFrame:
    table = pd.crosstab(alerts["alert"], alerts["severity"]) if len(alerts) else pd.DataFrame()
    table = table.reindex(index=list(ALERT_KINDS), columns=list(SEVERITY_ORDER), fill_value=0)
    table = table.fillna(0).astype(int)
    table["count"] = table.sum(axis=1)
    return table.rename_axis("alert").reset_index()


def _supplier_totals(orders: pd.DataFrame) -> pd.DataFrame:
    status = np.where(orders["below_minimum"], "below minimum order value", "ok")
    return orders.rename(columns={"name": "supplier_name"}).assign(status=status)[
        ["supplier", "supplier_name", "lines", "units", "value", "min_order_value", "status"]
    ]


def _grades(plan: Plan) -> pd.DataFrame:
    slow = plan.slow_movers
    actions = {g: a.action for g, a in plan.settings.slow_movers.grades.items()}
    table = (
        slow.groupby("grade")
        .agg(
            count=("sku", "size"),
            stock_value=("stock_value", "sum"),
            expected_recovery=("expected_recovery", "sum"),
        )
        .reindex(list(actions), fill_value=0)
        .rename_axis("grade")
        .reset_index()
    )
    table.insert(1, "action", table["grade"].map(actions))
    return table


def _lifecycle(health: pd.DataFrame) -> pd.DataFrame:
    table = (
        health.groupby("lifecycle")
        .agg(count=("sku", "size"), stock_value=("stock_value", "sum"))
        .reindex(list(STAGES), fill_value=0)
    )
    return table.rename_axis("lifecycle").reset_index()
