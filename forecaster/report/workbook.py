"""The planner's workbook: Summary, Dashboard, Replenishment, Inventory health, Alerts,
Slow movers, Forecast, Charts, Tracking and Changes (when the run is archived:
:mod:`forecaster.history.sheets`), Suppliers and Data quality.

Every table sheet has a frozen header row and filters and prints landscape, one page
wide, with its header row on every page; rows of units with a stock-out alert are
highlighted on Replenishment and Inventory health, and ``days_of_cover`` carries a
data bar. Replenishment puts the decision first (SKU and name stay in view), its Final
order is the input cell, and its cases, value and totals are formulas over it.
The Dashboard and Charts sheets are :mod:`forecaster.report.dashboard`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from forecaster.config import Lang
from forecaster.glossary import file_word, header, in_words, label, say, sheet_name
from forecaster.history.sheets import changes_sheet, tracking_sheet
from forecaster.inventory.flags import FLAGS
from forecaster.io.quality import QualityReport
from forecaster.models.distributions import count_quantiles
from forecaster.models.engine import QUANTILES
from forecaster.plan import Plan
from forecaster.report.dashboard import charts_sheet, dashboard_sheet
from forecaster.report.excel import (
    INFINITE_DAYS,
    LIVE_SUM,
    Column,
    Overflow,
    SheetWriter,
    new_workbook,
    write_table,
)
from forecaster.report.headers import columns
from forecaster.report.side_tables import overflow_beside
from forecaster.report.summary import Summary

#: What the looks of the sheets mean, in the Summary's legend (``legend.<key>`` label and
#: sentence in the glossary).
LEGEND = ("red", "input", "live", "bold", "bar", "infinite")
#: Days summarised by the p50/p90/p95 columns of the Forecast sheet.
FORECAST_QUANTILE_DAYS = 28
_STOCKOUT_ALERTS = ("OUT_OF_STOCK", "STOCKOUT_RISK")


def planner_workbook_name(as_of: pd.Timestamp, lang: Lang = "en") -> str:
    """``replenishment_<as-of>.xlsx``, or ``补货建议_<as-of>.xlsx`` in Chinese."""
    return f"{file_word('replenishment', lang)}_{as_of:%Y-%m-%d}.xlsx"


def write_planner_workbook(
    plan: Plan,
    summary: Summary,
    path: Path,
    lang: Lang,
    side_path: Callable[[str], Path] | None = None,
) -> None:
    """Write the planner's workbook to ``path``.

    A table longer than ``output.sheet_rows`` goes in full to a Parquet file at
    ``side_path(name)`` (default: beside ``path``), and its sheet keeps the rows
    of the SKUs the planner acts on first (:mod:`forecaster.report.side_tables`).
    """
    wb = new_workbook()
    name = planner_workbook_name(plan.as_of, plan.settings.output.names_lang(lang))
    side = overflow_beside(name, side_path or path.with_name, plan.settings.output.sheet_rows, lang)
    acted = _acted_on(plan)
    _summary_sheet(wb, plan, summary, lang)
    dashboard_sheet(wb, plan, summary, lang)
    _replenishment_sheet(wb, plan, lang, side)
    _health_sheet(wb, plan, lang, side, acted)
    _alerts_sheet(wb, plan, lang, side)
    _slow_movers_sheet(wb, plan, summary, lang, side)
    _forecast_sheet(wb, plan, lang, side, acted)
    charts_sheet(wb, plan, lang)
    if plan.history is not None:
        limit = plan.settings.history.tracking_limit
        per_warehouse = plan.dataset.per_warehouse
        tracking_sheet(wb, plan.history, plan.as_of, limit, per_warehouse, lang, side)
        changes_sheet(wb, plan.history, per_warehouse, lang, side)
    _suppliers_sheet(wb, plan, lang)
    write_quality_sheet(wb, plan.quality, lang)
    wb.save(path)


def _acted_on(plan: Plan) -> set[str]:
    """The SKUs with an order, an alert or a slow mover: the rows a sheet too long for
    Excel keeps first."""
    ordered = plan.replenishment.loc[plan.replenishment["suggested_order"] > 0, "sku"]
    return {*ordered, *plan.alerts["sku"], *plan.slow_movers["sku"]}


def _keys(plan: Plan, keys: list[str]) -> list[str]:
    """Drop the warehouse column when planning is not per warehouse."""
    return keys if plan.dataset.per_warehouse else [k for k in keys if k != "warehouse"]


def _shown(values: pd.Series, infinite: str) -> pd.Series:
    """Numbers as they are, infinity as the text ``infinite`` (NaN stays blank)."""
    out = values.astype(object)
    return out.where(~np.isposinf(values.to_numpy(dtype=float)), infinite)


def _stockout_units(plan: Plan) -> pd.Series:
    flagged = plan.alerts[plan.alerts["alert"].isin(_STOCKOUT_ALERTS)]
    keys = set(zip(flagged["sku"], flagged["warehouse"], strict=True))
    return pd.Series(
        [k in keys for k in zip(plan.units["sku"], plan.units["warehouse"], strict=True)],
        index=plan.units.index,
    )


def _summary_sheet(wb: Workbook, plan: Plan, summary: Summary, lang: Lang) -> None:
    ds = plan.dataset
    with SheetWriter(wb, sheet_name("summary", lang)) as sheet:
        sheet.heading(f"{label('title', lang)} — {label('as_of', lang)} {plan.as_of:%Y-%m-%d}")
        sheet.key_values(
            [
                (label("planning_date", lang), plan.as_of.date()),
                (label("data_folder", lang), str(plan.settings.data.dir)),
                (label("files_read", lang), ", ".join(ds.sources.values())),
                (label("per_warehouse", lang), label("yes" if ds.per_warehouse else "no", lang)),
                (label("skus_planned", lang), summary.skus),
                (label("planning_units", lang), summary.units),
                (label("stock_value", lang), round(summary.stock_value, 2), "money"),
                (label("median_cover", lang), round(summary.median_cover, 1), "days"),
                (label("order_lines", lang), summary.order_lines),
                (label("order_value", lang), round(summary.order_value, 2), "money"),
                (label("slow_value", lang), round(summary.slow_value, 2), "money"),
                (label("expected_recovery", lang), round(summary.expected_recovery, 2), "money"),
                (label("dq_warnings", lang), summary.warnings),
                *_last_month(plan, lang),
            ]
        )
        sheet.blank()
        sheet.heading(label("flags_title", lang))
        sheet.table(
            summary.flags.assign(flag=[header(f, lang) for f in summary.flags["flag"]]),
            columns(["flag", "lines", "ordered"], lang),
        )
        sheet.blank()
        sheet.heading(label("legend_title", lang))
        sheet.key_values([(label(f"legend.{k}", lang), say(f"legend.{k}", lang)) for k in LEGEND])
        sheet.blank()
        sheet.heading(label("alerts_by_kind", lang))
        sheet.table(
            summary.alerts.assign(alert=in_words(summary.alerts["alert"], lang)),
            columns(["alert", "high", "medium", "low", "count"], lang),
            totals={k: int(summary.alerts[k].sum()) for k in ("high", "medium", "low", "count")},
            total_label=label("total", lang),
        )
        sheet.blank()
        sheet.heading(label("orders_by_supplier", lang))
        sheet.table(
            summary.suppliers.assign(status=in_words(summary.suppliers["status"], lang)),
            columns(
                [
                    "supplier",
                    "supplier_name",
                    "lines",
                    "units",
                    "value",
                    "min_order_value",
                    "status",
                ],
                lang,
            ),
            totals={k: summary.suppliers[k].sum() for k in ("lines", "units", "value")},
            total_label=label("total", lang),
        )
        sheet.blank()
        sheet.heading(label("slow_by_grade", lang))
        sheet.table(
            summary.grades,
            columns(["grade", "action", "count", "stock_value", "expected_recovery"], lang),
            totals={
                k: summary.grades[k].sum() for k in ("count", "stock_value", "expected_recovery")
            },
            total_label=label("total", lang),
        )
        sheet.blank()
        sheet.heading(label("stock_by_lifecycle", lang))
        stages = summary.lifecycle.assign(lifecycle=in_words(summary.lifecycle["lifecycle"], lang))
        sheet.table(
            stages,
            columns(["lifecycle", "count", "stock_value"], lang),
            totals={k: stages[k].sum() for k in ("count", "stock_value")},
            total_label=label("total", lang),
        )


def _last_month(plan: Plan, lang: Lang) -> list[tuple[str, object]]:
    """The Summary's line on how the forecast did last month (none when not archived)."""
    if plan.history is None:
        return []
    month = plan.history.last_month
    if month is None:
        text = say("tracking_none", lang, runs=plan.history.runs_before)
    else:
        text = say(
            "forecast_last_month_text",
            lang,
            bias=month.bias,
            wape=month.wape,
            actual=month.actual,
            weeks=month.weeks,
            flagged=month.flagged,
        )
    return [(label("forecast_last_month", lang), text)]


#: The Replenishment sheet's live cells: cases and value follow the Final order the planner
#: types (a blank Final order is no order).
CASES_FORMULA = '=IF(ISNUMBER({final_order}),{final_order}/MAX({case_pack},1),"")'
VALUE_FORMULA = "=IF(ISNUMBER({final_order}),{final_order}*{unit_cost},0)"
#: Columns of the Replenishment sheet that stay in view when it scrolls sideways.
FROZEN_COLUMNS = ("sku", "name")


def replenishment_columns(plan: Plan, lang: Lang) -> list[Column]:
    """The Replenishment sheet's columns: the decision first (what to order, from whom, by
    when, the flags and why), then the numbers behind it."""
    keys = _keys(
        plan,
        [
            "sku",
            "name",
            "supplier",
            "warehouse",
            "suggested_order",
            "final_order",
            "cases",
            "order_value",
            "order_by",
            *FLAGS,
            "why",
            "on_hand",
            "on_order",
            "position",
            "abc_class",
            "fill_rate_target",
            "lead_time_days",
            "protection_days",
            "demand_over_p",
            "safety_stock",
            "order_up_to",
            "moq",
            "case_pack",
            "unit_cost",
            "expected_arrival",
        ],
    )
    live = {
        "final_order": {"role": "input"},
        "cases": {"formula": CASES_FORMULA, "fmt": "number"},
        "order_value": {"formula": VALUE_FORMULA},
    }
    table = columns(keys, lang, why=90, name=30, promotion_ahead=16, wrap=("why",))
    return [replace(c, **live.get(c.key, {})) for c in table]  # type: ignore[arg-type]


def _replenishment_sheet(wb: Workbook, plan: Plan, lang: Lang, side: Overflow) -> None:
    yes = label("yes", lang)
    lines = plan.replenishment.assign(
        _ordered=plan.replenishment["suggested_order"] > 0,
        final_order=plan.replenishment["suggested_order"],  # the planner edits this one
        moq=plan.units["moq"],
        case_pack=plan.units["case_pack"],
        lead_time_days=plan.units["lead_time_days"],
        unit_cost=plan.units["unit_cost"],
        **{f: plan.replenishment[f].map({True: yes, False: ""}) for f in FLAGS[:-1]},
    )
    highlight = _stockout_units(plan)
    order = lines.sort_values(
        ["_ordered", "supplier", "order_value", "sku"],
        ascending=[False, True, False, True],
        kind="stable",
    ).index
    table = replenishment_columns(plan, lang)
    write_table(
        wb,
        sheet_name("replenishment", lang),
        lines.loc[order],
        table,
        highlight=highlight.loc[order],
        totals={key: LIVE_SUM for key in ("suggested_order", "final_order", "order_value")},
        total_label=label("total", lang),
        freeze_columns=len(FROZEN_COLUMNS),
        print_columns=next(i for i, c in enumerate(table, 1) if c.key == "why"),
        overflow=side,  # the lines with an order are on top: a cut keeps them
    )


def _health_sheet(wb: Workbook, plan: Plan, lang: Lang, side: Overflow, acted: set[str]) -> None:
    frame = health_rows(plan, label("all_warehouses", lang))
    health = frame.assign(
        turnover_days=frame["turnover_days"].replace(np.inf, INFINITE_DAYS),
        days_since_last_sale=_shown(frame["days_since_last_sale"], label("never", lang)),
        lifecycle=in_words(frame["lifecycle"], lang),
    )
    keys = _keys(
        plan,
        [
            "sku",
            "warehouse",
            "name",
            "category",
            "on_hand",
            "on_order",
            "avg_daily_sales_30d",
            "turnover_days",
            "days_of_cover",
            "sell_through_30d",
            "movement_rate_30d",
            "days_since_last_sale",
            "inventory_age_days",
            "returnable",
            "gross_margin",
            "stock_value",
            "lifecycle",
            "grade",
        ],
    )
    write_table(
        wb,
        sheet_name("health", lang),
        health,
        columns(keys, lang, name=30),
        highlight=health["_stockout"],
        subtotal=health["_total"],
        data_bar="days_of_cover",
        first=health["sku"].isin(acted),
        overflow=side,
    )


def health_rows(plan: Plan, all_warehouses: str) -> pd.DataFrame:
    """The rows of the Inventory health sheet.

    Each unit and, for a SKU planned in several warehouses, its total row right
    under them with ``all_warehouses`` as its warehouse (a SKU in one warehouse
    has no total row: its row is the total). ``_stockout`` flags units with a
    stock-out alert; ``_total`` flags the total rows.
    """
    units = plan.health.assign(_stockout=_stockout_units(plan).to_numpy(), _total=False)
    spread = units["sku"].value_counts()
    several = plan.sku_totals["sku"].isin(spread.index[spread > 1])
    if not several.any():
        return units
    totals = plan.sku_totals[several].assign(warehouse=all_warehouses, _stockout=False, _total=True)
    rows = pd.concat([units, totals], ignore_index=True)
    return rows.sort_values(["sku", "_total"], kind="stable").reset_index(drop=True)


def _alerts_sheet(wb: Workbook, plan: Plan, lang: Lang, side: Overflow) -> None:
    alerts = plan.alerts
    keys = _keys(plan, list(alerts.columns))
    write_table(
        wb,
        sheet_name("alerts", lang),
        alerts.assign(
            alert=in_words(alerts["alert"], lang), severity=in_words(alerts["severity"], lang)
        ),
        columns(keys, lang, name=30, action=60, detail=60, wrap=("action", "detail")),
        highlight=alerts["severity"] == "high",
        overflow=side,  # by severity: a cut keeps the worst
    )


def _slow_movers_sheet(
    wb: Workbook, plan: Plan, summary: Summary, lang: Lang, side: Overflow
) -> None:
    slow = plan.slow_movers.assign(
        days_since_last_sale=_shown(plan.slow_movers["days_since_last_sale"], label("never", lang)),
        lifecycle=in_words(plan.slow_movers["lifecycle"], lang),
    )
    keys = _keys(plan, list(slow.columns))  # sku, warehouse, name, grade, action, inputs, value
    write_table(
        wb,
        sheet_name("slow_movers", lang),
        slow,
        columns(keys, lang, name=30),
        totals={"stock_value": summary.slow_value, "expected_recovery": summary.expected_recovery},
        total_label=label("total", lang),
        overflow=side,  # by stock value: a cut keeps the dearest
    )


def _forecast_sheet(wb: Workbook, plan: Plan, lang: Lang, side: Overflow, acted: set[str]) -> None:
    forecast, units = plan.forecast, plan.units
    weeks = plan.settings.forecast.sheet_weeks
    edges = np.arange(weeks + 1) * 7
    weekly, _ = forecast.period_moments(edges)
    mean_28, var_28 = forecast.period_moments(np.array([0, FORECAST_QUANTILE_DAYS]))
    frame = pd.DataFrame(
        {
            "sku": units["sku"],
            "warehouse": units["warehouse"],
            "name": units["name"],
            "model": forecast.model,
            "forecast_basis": forecast.basis(units["category"].to_numpy(), lang),
            "demand_class": None
            if forecast.demand_class is None
            else in_words(pd.Series(forecast.demand_class), lang).to_numpy(),
            "forecast_daily": mean_28[:, 0] / FORECAST_QUANTILE_DAYS,
            **{
                f"{q}_28d": count_quantiles(mean_28, var_28, level)[:, 0]
                for q, level in QUANTILES.items()
            },
        }
    )
    week_columns = []
    for k in range(weeks):
        start = forecast.start + pd.Timedelta(days=7 * k)
        key = f"week_{k + 1}"
        frame[key] = weekly[:, k]
        week_columns.append(Column(key, f"{label('week_of', lang)} {start:%m-%d}", "number"))
    shown = ["sku", "warehouse", "name", "model", "demand_class", "forecast_daily"]
    keys = _keys(plan, [*shown, "p50_28d", "p90_28d", "p95_28d", "forecast_basis"])
    table = [*columns(keys, lang, name=30, forecast_basis=60), *week_columns]
    write_table(
        wb,
        sheet_name("forecast", lang),
        frame,
        table,
        first=frame["sku"].isin(acted),
        overflow=side,
    )


def _suppliers_sheet(wb: Workbook, plan: Plan, lang: Lang) -> None:
    """Every supplier's terms: what the PO files of ``forecaster po --from`` are headed with
    (the currency as the POs state it: the supplier's, else the configured one)."""
    suppliers = plan.dataset.suppliers.rename(columns={"name": "supplier_name"})
    default = plan.settings.purchase_orders.currency
    suppliers = suppliers.assign(currency=suppliers["currency"].replace("", default))
    keys = [
        "supplier",
        "supplier_name",
        "contact",
        "currency",
        "payment_terms",
        "delivery_terms",
        "review_period_days",
        "min_order_value",
        "return_window_days",
    ]
    write_table(wb, sheet_name("suppliers", lang), suppliers, columns(keys, lang))


def write_quality_sheet(wb: Workbook, quality: QualityReport, lang: Lang) -> None:
    """The Data quality sheet: what validation found in the tables (and a plan's forecast
    notes), warnings first; the sentences wrap, it prints landscape."""
    frame = quality.to_frame()
    keys = ["severity", "file", "column", "check", "count", "message", "examples"]
    with SheetWriter(wb, sheet_name("data_quality", lang)) as sheet:
        sheet.table(
            frame.assign(severity=in_words(frame["severity"], lang)),
            columns(keys, lang, message=80, examples=40, wrap=("message", "examples")),
            highlight=frame["severity"] == "warning",
            main=True,
        )
