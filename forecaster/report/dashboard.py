"""The planner's workbook at a glance: the Dashboard and Charts sheets.

* **Dashboard**: stock value by slow-mover grade and by lifecycle stage, alerts by
  kind, how many units have how many days of cover, and order value per
  supplier; each a small table with its bar chart beside it.
* **Charts**: for the SKUs that matter most this week -- the top
  ``output.chart_skus`` by order value and by stock-out risk (the sales value the
  stock on hand and on order does not cover before an order placed today
  arrives; a discontinued SKU is meant to sell out) -- the weekly sales of the
  last :data:`HISTORY_WEEKS` weeks, then the forecast and its p90 for
  :data:`FORECAST_WEEKS` weeks, as a table and a line chart.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
from openpyxl import Workbook

from forecaster.config import Lang
from forecaster.glossary import header, in_words, label, sheet_name
from forecaster.models.distributions import count_quantiles
from forecaster.plan import Plan
from forecaster.report.charts import CHART_ROWS, bar_chart, history_chart
from forecaster.report.excel import SheetWriter
from forecaster.report.headers import columns
from forecaster.report.summary import Summary

#: Weeks of sales history and of forecast on the Charts sheet.
HISTORY_WEEKS = 26
FORECAST_WEEKS = 13
#: Upper ends of the days-of-cover buckets (the last is open).
COVER_EDGES = (0, 7, 14, 30, 60, 90, 180)
#: Column of the sheet the charts start in (after a table of up to three columns).
CHART_COLUMN = "E"


def dashboard_sheet(wb: Workbook, plan: Plan, summary: Summary, lang: Lang) -> None:
    """The Dashboard sheet (module docstring)."""
    blocks = [
        (
            label("slow_by_grade", lang),
            summary.grades.assign(grade=summary.grades["grade"].astype(str)),
            ["grade", "stock_value"],
        ),
        (
            label("stock_by_lifecycle", lang),
            summary.lifecycle.assign(lifecycle=in_words(summary.lifecycle["lifecycle"], lang)),
            ["lifecycle", "stock_value"],
        ),
        (
            label("alerts_by_kind", lang),
            summary.alerts.assign(alert=in_words(summary.alerts["alert"], lang)),
            ["alert", "count"],
        ),
        (label("cover_spread", lang), cover_buckets(plan.health), ["days_of_cover", "count"]),
        (label("orders_by_supplier", lang), summary.suppliers, ["supplier", "value"]),
    ]
    with SheetWriter(wb, sheet_name("dashboard", lang)) as sheet:
        sheet.heading(f"{label('title', lang)} — {label('as_of', lang)} {plan.as_of:%Y-%m-%d}")
        for title, frame, keys in blocks:
            sheet.blank()
            sheet.heading(title)
            top = sheet.next_row
            sheet.table(frame, columns(keys, lang))
            chart = bar_chart(title, sheet.title, top, len(frame), [2])
            sheet.chart(chart, f"{CHART_COLUMN}{top - 1}")
            for _ in range(max(0, CHART_ROWS - len(frame) - 1)):
                sheet.blank()


def cover_buckets(health: pd.DataFrame) -> pd.DataFrame:
    """Units with stock per days-of-cover bucket: ``days_of_cover`` (the bucket, as text)
    and ``count``.

    >>> frame = pd.DataFrame({"on_hand": [5, 5, 0, 5], "days_of_cover": [3.0, 400, 9, np.inf]})
    >>> cover_buckets(frame)["count"].tolist()
    [0, 1, 0, 0, 0, 0, 0, 2]
    """
    stocked = health.loc[health["on_hand"] > 0, "days_of_cover"].to_numpy(dtype=float)
    edges = np.array(COVER_EDGES, dtype=float)
    # bucket k holds covers in (edges[k-1], edges[k]]; 0 holds exactly 0; the last is open
    bucket = np.searchsorted(edges, stocked, side="left")
    counts = np.bincount(bucket, minlength=len(edges) + 1)
    names = ["0"] + [f"{lo:g}–{hi:g}" for lo, hi in pairwise(edges)]
    return pd.DataFrame({"days_of_cover": [*names, f">{edges[-1]:g}"], "count": counts})


def chart_units(plan: Plan, n: int) -> list[tuple[int, str]]:
    """The units to chart: the top ``n`` by order value, then the top ``n`` by stock-out risk
    not already chosen, as (row of ``plan.units``, why it is there)."""
    lines, units = plan.replenishment, plan.units
    lead = np.ceil(units["lead_time_days"].to_numpy(dtype=float)).astype(int)
    before_arrival, _ = plan.forecast.total(lead)
    cover = (lines["on_hand"] + lines["on_order"] - lines["allocated"]).to_numpy(dtype=float)
    risk = np.maximum(before_arrival - cover, 0.0) * units["unit_price"].to_numpy(dtype=float)
    risk = np.where(lines["orderable"].to_numpy(dtype=bool), risk, 0.0)  # not what sells out
    value = lines["order_value"].to_numpy(dtype=float)
    chosen: list[tuple[int, str]] = []
    for score, reason in ((value, "top_order_value"), (risk, "top_stockout_risk")):
        taken = {i for i, _ in chosen}
        order = np.argsort(-score, kind="stable")
        picked = [int(i) for i in order if score[i] > 0 and i not in taken][:n]
        chosen.extend((i, reason) for i in picked)
    return chosen


def weekly_frame(
    plan: Plan, row: int, sales: pd.DataFrame, moments: tuple[np.ndarray, np.ndarray]
) -> pd.DataFrame:
    """One unit's last :data:`HISTORY_WEEKS` weeks of sales (weeks ending on the as-of date)
    and its next :data:`FORECAST_WEEKS` weeks of forecast mean and p90: ``week_start``,
    ``weekly_sales``, ``weekly_forecast``, ``weekly_p90``.

    ``sales`` holds (at least) the unit's daily sales, ``moments`` every unit's weekly
    forecast mean and variance (:meth:`~forecaster.models.forecast.Forecast.period_moments`).
    """
    unit = plan.units.iloc[row]
    own = sales[(sales["sku"] == unit["sku"]) & (sales["warehouse"] == unit["warehouse"])]
    first = plan.as_of - pd.Timedelta(days=7 * HISTORY_WEEKS - 1)
    week = ((own["date"] - first).dt.days // 7).to_numpy()
    inside = (week >= 0) & (week < HISTORY_WEEKS)
    history = np.bincount(week[inside], own["qty"].to_numpy()[inside], minlength=HISTORY_WEEKS)
    mean, var = moments
    p90 = count_quantiles(mean[row : row + 1], var[row : row + 1], 0.9)[0]
    starts = [first + pd.Timedelta(days=7 * k) for k in range(HISTORY_WEEKS + FORECAST_WEEKS)]
    blank = [np.nan] * HISTORY_WEEKS
    return pd.DataFrame(
        {
            "week_start": starts,
            "weekly_sales": [*history, *[np.nan] * FORECAST_WEEKS],
            "weekly_forecast": [*blank, *mean[row]],
            "weekly_p90": [*blank, *p90],
        }
    )


def charts_sheet(wb: Workbook, plan: Plan, lang: Lang) -> None:
    """The Charts sheet (module docstring): a table and a chart per chosen unit."""
    keys = ["week_start", "weekly_sales", "weekly_forecast", "weekly_p90"]
    with SheetWriter(wb, sheet_name("charts", lang)) as sheet:
        sheet.heading(label("charts_title", lang).format(n=plan.settings.output.chart_skus))
        chosen = chart_units(plan, plan.settings.output.chart_skus)
        skus = plan.units["sku"].iloc[[row for row, _ in chosen]]
        sales = plan.dataset.sales[
            plan.dataset.sales["sku"].isin(skus)
        ]  # one pass, not one a chart
        moments = plan.forecast.period_moments(np.arange(FORECAST_WEEKS + 1) * 7)
        for row, reason in chosen:
            unit = plan.units.iloc[row]
            where = f" · {unit['warehouse']}" if plan.dataset.per_warehouse else ""
            title = f"{unit['sku']} {unit['name']}{where} ({label(reason, lang)})"
            sheet.blank()
            sheet.heading(title)
            top = sheet.next_row
            frame = weekly_frame(plan, row, sales, moments)
            sheet.table(frame, columns(keys, lang))
            sheet.chart(history_chart(title, sheet.title, top, len(frame)), f"F{top}")
        if sheet.next_row == 2:
            sheet.key_values([(header("sku", lang), label("nothing_to_chart", lang))])
