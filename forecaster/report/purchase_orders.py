"""One purchase-order workbook per supplier, ready to send.

Each file holds a header block (supplier, PO date, contact, order total and a
note when the order is below the supplier's minimum value) and the order lines
with their total. Every text cell is stored as text (a name starting with
``=`` never becomes a formula) and file names are made safe from the supplier
code, so a supplier called ``../../x`` still lands inside ``suppliers/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from forecaster.config import Lang
from forecaster.report.excel import SheetWriter, new_workbook
from forecaster.report.glossary import columns, header, label
from forecaster.report.staging import OutputStage, unique_names

if TYPE_CHECKING:
    from forecaster.pipeline import Plan

#: Folder of the supplier files, inside the output folder.
SUPPLIER_DIR = Path("suppliers")


def supplier_lines(plan: Plan) -> pd.DataFrame:
    """The lines to send: units with a suggested order, in PO columns, by supplier and SKU."""
    lines = plan.replenishment[plan.replenishment["suggested_order"] > 0]
    units = plan.units.loc[lines.index]
    return pd.DataFrame(
        {
            "supplier": lines["supplier"],
            "sku": lines["sku"],
            "name": lines["name"],
            "warehouse": lines["warehouse"],
            "quantity": lines["suggested_order"],
            "cases": lines["cases"],
            "case_pack": units["case_pack"],
            "unit_cost": units["unit_cost"],
            "line_value": lines["order_value"],
            "requested_delivery": lines["expected_arrival"],
        }
    ).sort_values(["supplier", "warehouse", "sku"], kind="stable")


def write_supplier_workbooks(
    plan: Plan, lines: pd.DataFrame, stage: OutputStage, lang: Lang
) -> list[str]:
    """Write one workbook per supplier in ``lines`` (from :func:`supplier_lines`);
    return the suppliers written."""
    suppliers = plan.dataset.suppliers.set_index("supplier")
    orders = plan.supplier_orders.set_index("supplier")
    codes = sorted(lines["supplier"].unique())
    names = unique_names(codes)
    for code, safe in zip(codes, names, strict=True):
        path = stage.path(SUPPLIER_DIR / f"PO_{safe}_{plan.as_of:%Y-%m-%d}.xlsx")
        terms = pd.concat([suppliers.loc[code], orders.loc[code, ["value", "below_minimum"]]])
        terms.name = code
        _write_one(plan, lines[lines["supplier"] == code], terms, path, lang)
    return codes


def _write_one(
    plan: Plan, lines: pd.DataFrame, supplier: pd.Series, path: Path, lang: Lang
) -> None:
    """One supplier's PO; ``supplier`` holds its terms and its order ``value`` and
    ``below_minimum`` flag (from the plan's supplier totals)."""
    total = float(supplier["value"])
    block = [
        (label("supplier_code", lang), str(supplier.name)),
        (header("supplier_name", lang), supplier["name"]),
        (label("po_date", lang), plan.as_of.date()),
        (label("contact", lang), supplier["contact"]),
        (label("po_total", lang), round(total, 2)),
    ]
    if supplier["below_minimum"]:
        minimum = float(supplier["min_order_value"])
        note = label("below_minimum", lang).format(value=total, minimum=minimum)
        block.append((label("note", lang), note))
    keys = [
        "sku",
        "name",
        "warehouse",
        "quantity",
        "cases",
        "case_pack",
        "unit_cost",
        "line_value",
        "requested_delivery",
    ]
    if not plan.dataset.per_warehouse:
        keys.remove("warehouse")
    wb = new_workbook()
    with SheetWriter(wb, label("purchase_order", lang)) as sheet:
        sheet.heading(f"{label('purchase_order', lang)} — {supplier['name'] or supplier.name}")
        sheet.key_values(block)
        sheet.blank()
        sheet.table(
            lines,
            columns(keys, lang, name=36),
            totals={
                "quantity": lines["quantity"].sum(),
                "cases": lines["cases"].sum(),
                "line_value": total,
            },
            total_label=label("total", lang),
            main=True,
        )
    wb.save(path)
