"""The workbook of ``forecaster promo-check``: Summary, Promo check and Data quality sheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecaster.config import Lang
from forecaster.glossary import file_word, in_words, label, sheet_name
from forecaster.inventory.promo_check import COLUMNS, PromoCheck, shortfall_by_supplier
from forecaster.io.quality import QualityReport
from forecaster.report.excel import SheetWriter, new_workbook, write_table
from forecaster.report.headers import columns
from forecaster.report.staging import safe_filename
from forecaster.report.workbook import write_quality_sheet


def promo_workbook_name(name: str, as_of: pd.Timestamp, lang: Lang = "en") -> str:
    """``promo_<promotion>_<as-of>.xlsx``, or ``大促检查_<promotion>_<as-of>.xlsx`` in Chinese."""
    return f"{file_word('promo', lang)}_{safe_filename(name)}_{as_of:%Y-%m-%d}.xlsx"


def write_promo_workbook(
    check: PromoCheck,
    as_of: pd.Timestamp,
    per_warehouse: bool,
    quality: QualityReport,
    path: Path,
    lang: Lang,
) -> None:
    """The check of one promotion; ``quality`` (what validation found in the tables) becomes
    its Data quality sheet, as in the planner's workbook."""
    table = check.table.assign(
        excess_after=check.table["excess_after"].map(
            {True: label("EXCESS AFTER", lang), False: ""}
        ),
        status=in_words(check.table["status"], lang),
    )
    wb = new_workbook()
    counts = (
        check.table["status"].value_counts().reindex(["TOO LATE", "ORDER NOW", "OK"], fill_value=0)
    )
    suppliers = shortfall_by_supplier(check)
    supplier_keys = ["supplier", "lines", "shortfall", "shortfall_value", "order_value"]
    with SheetWriter(wb, sheet_name("summary", lang)) as sheet:
        sheet.heading(f"{label('promo_title', lang)} — {check.name}")
        sheet.key_values(
            [
                (label("promo_dates", lang), f"{check.start:%Y-%m-%d} – {check.end:%Y-%m-%d}"),
                (label("as_of", lang), as_of.date()),
                *[(label(status, lang), int(n)) for status, n in counts.items()],
                (label("EXCESS AFTER", lang), int(check.table["excess_after"].sum())),
            ]
        )
        sheet.blank()
        sheet.heading(label("shortfall_by_supplier", lang))
        sheet.table(
            suppliers,
            columns(supplier_keys, lang),
            totals={k: suppliers[k].sum() for k in supplier_keys[1:]},
            total_label=label("total", lang),
        )
    keys = [c for c in COLUMNS if c != "category"]
    if not per_warehouse:
        keys.remove("warehouse")
    write_table(
        wb,
        sheet_name("promo_check", lang),
        table,
        columns(keys, lang, name=24, uplift_source=36, action=48, wrap=("uplift_source", "action")),
        highlight=check.table["status"] != "OK",
        totals={
            k: table[k].sum() for k in ("shortfall", "shortfall_value", "order", "order_value")
        },
        total_label=label("total", lang),
    )
    write_quality_sheet(wb, quality, lang)
    wb.save(path)
