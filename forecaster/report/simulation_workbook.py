"""The workbook of ``forecaster simulate``.

Sheets: Overall (the verdict, fill against target per ABC class, the exchange
curve as a table and a chart with forecaster's point on it), Classes (each
class's own exchange curve, forecaster's rows in bold), SKUs and Weeks.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecaster.config import Lang
from forecaster.glossary import file_word, header, label, sheet_name
from forecaster.report.charts import exchange_chart
from forecaster.report.excel import SheetWriter, new_workbook, write_table
from forecaster.report.headers import columns
from forecaster.simulation.outcome import Outcome, policy_names, verdict
from forecaster.simulation.replay import FORECASTER, Replay

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


def simulation_workbook_name(replay: Replay, lang: Lang = "en") -> str:
    """``simulation_<first day>_<last day>.xlsx``, or ``补货回放_…`` in Chinese."""
    first = replay.start + pd.Timedelta(days=1)
    return f"{file_word('simulation', lang)}_{first:%Y-%m-%d}_{replay.end:%Y-%m-%d}.xlsx"


def write_simulation_workbook(
    replay: Replay, outcome: Outcome, window: int, path: Path, lang: Lang
) -> None:
    """Write the replay's workbook to ``path`` (see the module docstring)."""
    wb = new_workbook()
    first = replay.start + pd.Timedelta(days=1)
    unmet = label("backorder" if replay.backorder else "lost", lang)
    with SheetWriter(wb, sheet_name("overall", lang)) as sheet:
        sheet.heading(
            f"{label('simulation_title', lang)}: {first:%Y-%m-%d} – {replay.end:%Y-%m-%d}"
        )
        sheet.heading(verdict(outcome, lang=lang))
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
        policies = outcome.policies.assign(policy=policy_names(outcome.policies, lang))
        sheet.table(policies, columns(POLICY_KEYS, lang))
        chart = exchange_chart(
            label("exchange_curve", lang),
            sheet.title,
            top,
            len(outcome.policies),
            stock=POLICY_KEYS.index("stock_value") + 1,
            fill=POLICY_KEYS.index("fill_rate") + 1,
            names=(label("rule", lang), "forecaster"),
            axes=(header("stock_value", lang), header("fill_rate", lang)),
        )
        sheet.chart(chart, f"A{top + len(outcome.policies) + 2}")
    curves = outcome.class_curves
    write_table(
        wb,
        sheet_name("classes", lang),
        curves.assign(policy=policy_names(curves, lang)),
        columns(["abc_class", *POLICY_KEYS[:4]], lang),
        subtotal=curves["policy"] == FORECASTER,
    )
    highlight = outcome.skus["fill_rate"] < outcome.skus["fill_rate_target"] - 0.05
    write_table(
        wb,
        sheet_name("skus", lang),
        outcome.skus,
        columns(SKU_KEYS, lang, name=30),
        highlight=highlight,
    )
    write_table(wb, sheet_name("weeks", lang), outcome.weeks, columns(WEEK_KEYS, lang))
    wb.save(path)
