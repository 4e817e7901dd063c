"""The workbook of ``forecaster simulate``.

Sheets: Overall (the verdict, fill against target per ABC class, the exchange
curve as a table and a chart with forecaster's point on it), Classes (each
class's own exchange curve, forecaster's rows in bold), SKUs and Weeks.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties

from forecaster.config import Lang
from forecaster.glossary import header, label
from forecaster.report.excel import SheetWriter, new_workbook, write_table
from forecaster.report.headers import columns
from forecaster.simulation.outcome import Outcome, verdict
from forecaster.simulation.replay import FORECASTER, Replay

RULE_COLOR = "7F7F7F"
FORECASTER_COLOR = "C00000"

POLICY_KEYS = [
    "policy",
    "safety_days",
    "fill_rate",
    "stock_value",
    "stockout_days",
    "lines_per_week",
    "units_ordered",
]
CLASS_KEYS = [
    "abc_class",
    "units",
    "demand",
    "fill_rate_target",
    "fill_rate",
    "gap",
    "stock_value",
    "rule_stock_value",
    "stock_ratio",
    "bias_p",
    "rule_bias_p",
]
SKU_KEYS = [
    "sku",
    "name",
    "warehouse",
    "supplier",
    "abc_class",
    "fill_rate_target",
    "demand",
    "served",
    "fill_rate",
    "stockout_days",
    "avg_stock",
    "stock_value",
    "order_lines",
    "bias_p",
    "rule_fill_rate",
    "rule_stock_value",
]
WEEK_KEYS = [
    "week_start",
    "demand",
    "fill_rate",
    "stock_value",
    "stockout_days",
    "order_lines",
    "order_value",
    "rule_fill_rate",
    "rule_stock_value",
]


def simulation_workbook_name(replay: Replay) -> str:
    first = replay.start + pd.Timedelta(days=1)
    return f"simulation_{first:%Y-%m-%d}_{replay.end:%Y-%m-%d}.xlsx"


def write_simulation_workbook(
    replay: Replay, outcome: Outcome, window: int, path: Path, lang: Lang
) -> None:
    """Write the replay's workbook to ``path`` (see the module docstring)."""
    wb = new_workbook()
    first = replay.start + pd.Timedelta(days=1)
    unmet = label("backorder" if replay.backorder else "lost", lang)
    with SheetWriter(wb, "Overall") as sheet:
        sheet.heading(
            f"{label('simulation_title', lang)}: {first:%Y-%m-%d} – {replay.end:%Y-%m-%d}"
        )
        sheet.heading(verdict(outcome))
        sheet.key_values(
            [
                (label("reviews", lang), replay.reviews),
                (label("units_short", lang), len(replay.units)),
                (label("unmet_demand", lang), unmet),
            ]
        )
        sheet.heading(f"{label('rule', lang)}: {label('rule_text', lang).format(window=window)}")
        sheet.blank()
        sheet.heading(label("by_class", lang))
        classes = outcome.classes.assign(
            abc_class=outcome.classes["abc_class"].replace({"all": label("all_units", lang)})
        )
        sheet.table(classes, columns(CLASS_KEYS, lang))
        sheet.blank()
        sheet.heading(label("exchange_curve", lang))
        top = sheet.next_row
        sheet.table(outcome.policies, columns(POLICY_KEYS, lang))
        chart = _exchange_chart(sheet.title, top, len(outcome.policies), lang)
        sheet.chart(chart, f"A{top + len(outcome.policies) + 2}")
    curves = outcome.class_curves
    write_table(
        wb,
        "Classes",
        curves,
        columns(["abc_class", *POLICY_KEYS[:4]], lang),
        subtotal=curves["policy"] == FORECASTER,
    )
    highlight = outcome.skus["fill_rate"] < outcome.skus["fill_rate_target"] - 0.05
    write_table(wb, "SKUs", outcome.skus, columns(SKU_KEYS, lang, name=30), highlight=highlight)
    write_table(wb, "Weeks", outcome.weeks, columns(WEEK_KEYS, lang))
    wb.save(path)


def _exchange_chart(title: str, header_row: int, rows: int, lang: Lang) -> ScatterChart:
    """Fill rate against stock: the rule's variants as a line, forecaster as one big point.

    The policies table starts at ``header_row`` with forecaster on the first
    data row; its stock value is column D and its fill rate column C.
    """
    sheet = "'" + title.replace("'", "''") + "'"
    first, last = header_row + 1, header_row + rows

    def ref(column: str, lo: int, hi: int) -> Reference:
        return Reference(range_string=f"{sheet}!${column}${lo}:${column}${hi}")

    chart = ScatterChart()
    chart.title = label("exchange_curve", lang)
    chart.style = 13
    chart.x_axis.title = header("stock_value", lang)
    chart.y_axis.title = header("fill_rate", lang)
    chart.y_axis.number_format = "0%"
    chart.x_axis.number_format = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 9, 16
    rule = Series(ref("C", first + 1, last), ref("D", first + 1, last), title=label("rule", lang))
    rule.marker = Marker(symbol="circle", size=6)
    rule.marker.graphicalProperties = GraphicalProperties(solidFill=RULE_COLOR)
    rule.graphicalProperties.line.solidFill = RULE_COLOR
    ours = Series(ref("C", first, first), ref("D", first, first), title="forecaster")
    ours.marker = Marker(symbol="diamond", size=14)
    ours.marker.graphicalProperties = GraphicalProperties(solidFill=FORECASTER_COLOR)
    ours.marker.graphicalProperties.line.solidFill = FORECASTER_COLOR
    ours.graphicalProperties.line.noFill = True
    chart.series.extend([rule, ours])
    return chart
