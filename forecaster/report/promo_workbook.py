"""The workbook of ``forecaster promo-check``: Summary and Promo check sheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecaster.config import Lang
from forecaster.inventory.promo_check import COLUMNS, PromoCheck
from forecaster.report.excel import SheetWriter, new_workbook, write_table
from forecaster.report.glossary import columns, label
from forecaster.report.staging import safe_filename


def promo_workbook_name(name: str, as_of: pd.Timestamp) -> str:
    return f"promo_{safe_filename(name)}_{as_of:%Y-%m-%d}.xlsx"


def shortfall_by_supplier(check: PromoCheck) -> pd.DataFrame:
    """Per supplier: SKUs short, units short and the value of the orders covering them."""
    short = check.table[check.table["shortfall"] > 0]
    return (
        short.groupby("supplier")
        .agg(
            lines=("sku", "size"),
            shortfall=("shortfall", "sum"),
            shortfall_value=("order_value", "sum"),
        )
        .reset_index()
    )


def write_promo_workbook(
    check: PromoCheck, as_of: pd.Timestamp, per_warehouse: bool, path: Path, lang: Lang
) -> None:
    table = check.table.assign(
        excess_after=check.table["excess_after"].map({True: "EXCESS AFTER", False: ""})
    )
    wb = new_workbook()
    counts = table["status"].value_counts().reindex(["TOO LATE", "ORDER NOW", "OK"], fill_value=0)
    suppliers = shortfall_by_supplier(check)
    with SheetWriter(wb, "Summary") as sheet:
        sheet.heading(f"{label('promo_title', lang)} — {check.name}")
        sheet.key_values(
            [
                (label("promo_dates", lang), f"{check.start:%Y-%m-%d} – {check.end:%Y-%m-%d}"),
                (label("as_of", lang), as_of.date()),
                *[(status, int(n)) for status, n in counts.items()],
            ]
        )
        sheet.blank()
        sheet.heading(label("shortfall_by_supplier", lang))
        sheet.table(
            suppliers,
            columns(["supplier", "lines", "shortfall", "shortfall_value"], lang),
            totals={k: suppliers[k].sum() for k in ("lines", "shortfall", "shortfall_value")},
            total_label=label("total", lang),
        )
    keys = [c for c in COLUMNS if c not in ("category", "stock_after")]
    if not per_warehouse:
        keys.remove("warehouse")
    write_table(
        wb,
        "Promo check",
        table,
        columns(keys, lang, name=30),
        highlight=table["status"] != "OK",
        totals={"shortfall": table["shortfall"].sum(), "order_value": table["order_value"].sum()},
        total_label=label("total", lang),
    )
    wb.save(path)
