"""One purchase-order workbook per supplier, ready to send.

Each file holds a header block -- the PO number (stable for a supplier and
planning date: :func:`po_number`), supplier, PO date, contact, currency,
payment and delivery terms (the suppliers table's, else the configured
currency), the ship-to address of each warehouse delivered to (configured per
warehouse), the order total and a note when the order is below the supplier's
minimum value -- and the order lines with their total. It prints portrait, one
page wide, the lines' header on every page. Every text cell is stored as text (a name starting with
``=`` never becomes a formula) and file names are made safe from the supplier
code, so a supplier called ``../../x`` still lands inside ``suppliers/``.

File and folder names follow the language of the file names (``output.file_names``):
``suppliers/PO_<supplier>_<date>.xlsx`` in English, ``供应商/采购单_<supplier>_<date>.xlsx``
in Chinese.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from forecaster.config import Lang, PurchaseOrderSettings
from forecaster.glossary import file_word, header, label, sheet_name
from forecaster.plan import Plan
from forecaster.report.excel import NumberFormat, SheetWriter, new_workbook
from forecaster.report.headers import columns
from forecaster.report.staging import OutputStage, safe_filename, unique_names

#: Languages of file names: the superseded POs of a date are looked for under each.
_NAME_LANGS: tuple[Lang, ...] = ("en", "zh")


def supplier_dir(lang: Lang = "en") -> Path:
    """Folder of the supplier files, inside the output folder: ``suppliers`` (``供应商``)."""
    return Path(file_word("suppliers", lang))


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
    lines: pd.DataFrame,
    suppliers: pd.DataFrame,
    as_of: pd.Timestamp,
    per_warehouse: bool,
    stage: OutputStage,
    terms: PurchaseOrderSettings,
    lang: Lang,
    names: Lang | None = None,
    expedite: str | None = None,
) -> list[str]:
    """Write one workbook per supplier in ``lines``; return the suppliers written.

    Parameters
    ----------
    lines
        PO lines as :func:`supplier_lines` makes them.
    suppliers
        Supplier terms: ``supplier``, ``name``, ``contact``, ``min_order_value`` and
        optionally ``currency``, ``payment_terms``, ``delivery_terms``; a supplier
        missing here gets a header without them.
    as_of
        The planning date, printed as the PO date and in the file names.
    per_warehouse
        Show the deliver-to warehouse of each line.
    terms
        The configured currency and ship-to addresses.
    lang, names
        The language of the workbooks, and of the file and folder names (default
        ``lang``).
    expedite
        The promotion an expedite order is for (``promo-check --expedite``): the files
        are ``EXPEDITE_<promotion>_<supplier>_<date>.xlsx``, headed as the expedite
        order for it and numbered ``EX-...``; the week's POs are left as they are.

    POs of the same planning date already in the folder for suppliers not
    written now are removed when the stage commits, and so are the POs of that
    date named in the other language (the same PO numbers, superseded too).
    """
    names_lang = lang if names is None else names
    folder = supplier_dir(names_lang)
    known = suppliers.set_index("supplier")
    codes = sorted(lines["supplier"].unique())
    safe_codes = unique_names(codes)
    written = {folder / _file_name(safe, as_of, names_lang, expedite) for safe in safe_codes}
    for code, safe in zip(codes, safe_codes, strict=True):
        path = stage.path(folder / _file_name(safe, as_of, names_lang, expedite))
        own = known.loc[code] if code in known.index else pd.Series(dtype=object)
        header_block = pd.Series(
            {
                "name": own.get("name", ""),
                "contact": own.get("contact", ""),
                "currency": own.get("currency", "") or terms.currency,
                "payment_terms": own.get("payment_terms", ""),
                "delivery_terms": own.get("delivery_terms", ""),
                "min_order_value": float(own.get("min_order_value", 0.0)),
            },
            name=code,
        )
        own_lines = lines[lines["supplier"] == code]
        _write_one(own_lines, header_block, as_of, per_warehouse, terms, path, lang, expedite)
    if expedite is None:
        _retire_superseded(stage, written, as_of)
    return codes


def po_number(code: str, as_of: pd.Timestamp, prefix: str = "PO") -> str:
    """The PO number of supplier ``code``'s order of ``as_of``: the same every time the
    plan of that day is written (a rerun or ``po --from`` replaces the PO, it does not
    issue a new one), different for every supplier.

    The supplier's letters and digits (at most 10) make it readable, four hex digits of
    its code's hash keep two codes that read alike apart:

    >>> po_number("SUP-HK", pd.Timestamp("2026-10-18"))
    'PO-20261018-SUPHK-e126'
    """
    readable = re.sub(r"[^0-9A-Za-z]", "", code)[:10].upper()
    digest = hashlib.sha1(code.encode("utf-8")).hexdigest()[:4]
    return f"{prefix}-{as_of:%Y%m%d}-{readable or 'X'}-{digest}"


def ship_to(warehouses: list[str], terms: PurchaseOrderSettings) -> list[tuple[str, str]]:
    """The delivery address of each warehouse the lines go to, as (warehouse, address);
    blank where none is configured."""
    return [(w, terms.ship_to.get(w, terms.ship_to_default)) for w in warehouses]


def _file_name(
    safe_code: str, as_of: pd.Timestamp, lang: Lang = "en", expedite: str | None = None
) -> str:
    """``PO_<supplier>_<date>.xlsx``, or ``采购单_<supplier>_<date>.xlsx`` in Chinese; an
    expedite order ``EXPEDITE_<promotion>_<supplier>_<date>.xlsx``."""
    if expedite is not None:
        kind = f"{file_word('expedite', lang)}_{safe_filename(expedite)}"
        return f"{kind}_{safe_code}_{as_of:%Y-%m-%d}.xlsx"
    return f"{file_word('po', lang)}_{safe_code}_{as_of:%Y-%m-%d}.xlsx"


def _retire_superseded(stage: OutputStage, written: set[Path], as_of: pd.Timestamp) -> None:
    """Have the stage remove the POs of the same planning date that this run no longer
    writes (a supplier whose lines were all cut or edited to 0, or a PO named in the other
    language), so no stale PO is sent. ``written`` holds the paths relative to the output
    folder."""
    for lang in _NAME_LANGS:
        relative = supplier_dir(lang)
        folder = stage.out_dir / relative
        if not folder.is_dir():
            continue
        for old in sorted(folder.glob(_file_name("*", as_of, lang))):
            if relative / old.name not in written:
                stage.retire(relative / old.name)


def _write_one(
    lines: pd.DataFrame,
    supplier: pd.Series,
    as_of: pd.Timestamp,
    per_warehouse: bool,
    terms: PurchaseOrderSettings,
    path: Path,
    lang: Lang,
    expedite: str | None = None,
) -> None:
    """One supplier's PO (the expedite order for promotion ``expedite``); ``supplier``
    (named by its code) holds its name, contact, currency, payment and delivery terms and
    minimum order value."""
    total = float(lines["line_value"].sum())
    minimum = float(supplier["min_order_value"])
    currency = str(supplier["currency"])
    prefix = "PO" if expedite is None else "EX"
    title = label("purchase_order", lang)
    if expedite is not None:
        title = label("expedite_order", lang).format(promo=expedite)
    block: list[tuple[str, object] | tuple[str, object, NumberFormat]] = [
        (label("po_number", lang), po_number(str(supplier.name), as_of, prefix)),
        (label("supplier_code", lang), str(supplier.name)),
        (header("supplier_name", lang), supplier["name"]),
        (label("po_date", lang), as_of.date()),
        (label("contact", lang), supplier["contact"]),
        (header("currency", lang), currency),
        (header("payment_terms", lang), supplier["payment_terms"]),
        (header("delivery_terms", lang), supplier["delivery_terms"]),
    ]
    warehouses = sorted(lines["warehouse"].astype(str).unique())
    for warehouse, address in ship_to(warehouses, terms):
        where = f" ({warehouse})" if per_warehouse else ""
        block.append((f"{label('ship_to', lang)}{where}", address))
    block.append((f"{label('po_total', lang)} ({currency})", round(total, 2), "money"))
    if total < minimum:
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
    if not per_warehouse:
        keys.remove("warehouse")
    wb = new_workbook()
    with SheetWriter(wb, sheet_name("purchase_order", lang)) as sheet:
        sheet.portrait()
        sheet.heading(f"{title} — {supplier['name'] or supplier.name}")
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
