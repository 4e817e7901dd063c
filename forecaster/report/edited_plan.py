"""Read back a planner's workbook after the planner edited its ``final_order`` column.

``forecaster run`` writes ``final_order`` next to ``suggested_order`` on the
Replenishment sheet (the same number to start with), the planning date on the
Summary sheet and every supplier's terms on the Suppliers sheet, so the
workbook alone is enough to regenerate the supplier files: ``forecaster po
--from <workbook>``. Sheet names and headers are recognised in English and in
Chinese, and the language the workbook was written in (its Final order header)
is the language of the POs unless the command says otherwise.

A blank ``final_order`` means no order. A line ordered by hand (no suggestion,
so no expected arrival) is requested for the planning date plus its lead time.
Text, a negative or a fractional quantity, an expected arrival that is not a
date, or an ordered line without its SKU or supplier, stops with an error naming
the file, the column and the rows, and a Final order holding a formula saved without
its value (by a tool that does not calculate) stops with an error naming the cell; a
quantity that breaks the MOQ or the case pack is kept and reported as a warning, and
so is a hidden sheet. The workbook is read through
:func:`forecaster.io.xlsx.read_workbook`: bounded in memory, and a damaged file
is an error, never a traceback.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from forecaster.config import Lang
from forecaster.errors import InputError, InvalidInput
from forecaster.glossary import LABELS, TERMS, sheet_name
from forecaster.io.columns import column_label
from forecaster.io.parse import blank_mask, to_date, to_number
from forecaster.io.xlsx import Sheet, cell_text, read_workbook

#: Supplier terms printed on the POs, read from the Suppliers sheet where it has them.
SUPPLIER_TERMS = ("currency", "payment_terms", "delivery_terms")
#: Columns of the Replenishment sheet the round trip needs (``warehouse`` and ``name`` may
#: be absent).
NEEDED = ("sku", "supplier", "final_order", "moq", "case_pack", "unit_cost", "expected_arrival")
_NUMBERS = ("final_order", "moq", "case_pack", "unit_cost")
#: The sheets read, by key (:func:`forecaster.glossary.sheet_name`).
SHEETS = ("summary", "replenishment", "suppliers")
#: Rows at the top of a sheet where its header row is looked for.
HEADER_ROWS = 3


@dataclass(frozen=True)
class EditedPlan:
    """What ``po --from`` needs of an edited planner's workbook.

    Attributes
    ----------
    as_of
        The planning date of the workbook.
    lines
        One row per line with a positive final order: ``supplier``, ``sku``,
        ``name``, ``warehouse``, ``quantity``, ``cases``, ``case_pack``,
        ``unit_cost``, ``line_value``, ``requested_delivery``, ``moq``; the
        columns of :func:`forecaster.report.purchase_orders.supplier_lines`.
    suppliers
        ``supplier``, ``name``, ``contact``, ``currency``, ``payment_terms``,
        ``delivery_terms`` (blank where the sheet has none), ``min_order_value``.
    per_warehouse
        Whether the Replenishment sheet has a warehouse column.
    warnings
        One sentence per hidden sheet, one if the Replenishment sheet holds only
        part of its table, and one per line whose quantity breaks its MOQ or case
        pack.
    lang
        The language the workbook was written in: that of its Final order header.
    """

    as_of: pd.Timestamp
    lines: pd.DataFrame
    suppliers: pd.DataFrame
    per_warehouse: bool
    warnings: list[str]
    lang: Lang = "en"


def read_edited_plan(path: Path) -> EditedPlan:
    """Read the Replenishment, Summary and Suppliers sheets of a planner's workbook.

    Raises
    ------
    InputError, InvalidInput
        The file or a sheet or column is missing, or a line is invalid.
    """
    sheets, notes = _read_sheets(path)
    as_of = _planning_date(path, sheets["summary"])
    lines, per_warehouse, lang = _final_lines(path, sheets["replenishment"], as_of)
    suppliers, _ = _keyed(
        sheets["suppliers"].frame(),
        path,
        sheets["suppliers"].name,
        ("supplier",),
        ("supplier_name", "contact", "min_order_value", *SUPPLIER_TERMS),
    )
    texts = ["supplier", "name", "contact", *SUPPLIER_TERMS]
    suppliers = suppliers.rename(columns={"supplier_name": "name"}).reindex(
        columns=[*texts, "min_order_value"]
    )
    suppliers[texts] = suppliers[texts].map(cell_text)
    suppliers["min_order_value"] = to_number(suppliers["min_order_value"])[0].fillna(0.0)
    cut = _cut_note(sheets["replenishment"])
    warnings = notes + cut + _rule_breaks(lines)
    return EditedPlan(as_of, lines, suppliers, per_warehouse, warnings, lang)


def _cut_note(sheet: Sheet) -> list[str]:
    """A warning when the sheet holds part of its table (its note above the header row says
    which part, and where the rest is): only the lines on the sheet become orders."""
    headers = {text for key in NEEDED for text in (TERMS[key].en, TERMS[key].zh)}
    top = _header_row([list(row) for row in sheet.cells[:HEADER_ROWS]], headers)
    above = [cell_text(c).strip() for row in sheet.cells[:top] for c in row if c is not None]
    if not above:
        return []
    return [f"sheet {sheet.name}: {' '.join(above)}; only the lines on the sheet are read"]


def _read_sheets(path: Path) -> tuple[dict[str, Sheet], list[str]]:
    """The sheets of :data:`SHEETS` by key, each under its English or its Chinese name
    (the English one where both are there), and a warning per hidden sheet."""
    names = {key: (sheet_name(key, "en"), sheet_name(key, "zh")) for key in SHEETS}
    wanted = [name for pair in names.values() for name in pair]
    book = read_workbook(path, wanted, formulas=names["replenishment"])
    found = {
        key: next((name for name in pair if name in book.sheets), None)
        for key, pair in names.items()
    }
    missing = [" or ".join(names[key]) for key, name in found.items() if name is None]
    if missing:
        raise InputError(
            path.name,
            f"no sheet named {', '.join(missing)}",
            hint="Pass the workbook written by `forecaster run` (replenishment_<date>.xlsx)",
        )
    read = set(found.values())
    notes = [
        f"sheet {name} is hidden: it is read all the same; check that it is the one you edited"
        if name in read
        else f"hidden sheet {name} is not read"
        for name in book.hidden
    ]
    return {key: book.sheets[str(name)] for key, name in found.items()}, notes


def _header_row(rows: list[list[object]], headers: Collection[str]) -> int:
    """Which of the sheet's first ``rows`` is the header row: the first holding the most of
    ``headers`` (0 when none holds any). A table too long for its sheet has a note above
    its header (:mod:`forecaster.report.side_tables`).

    >>> _header_row([["12 of 900 rows shown"], ["SKU", "Final order"]], {"SKU", "Final order"})
    1
    """
    found = [sum(cell_text(c).strip() in headers for c in row) for row in rows]
    return int(np.argmax(found)) if found and max(found) > 0 else 0


def _keyed(
    raw: pd.DataFrame,
    path: Path,
    sheet: str,
    needed: tuple[str, ...],
    optional: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The sheet's table with the headers of ``needed`` and ``optional`` turned back into
    keys (from English or Chinese), and the header each key had in the file.

    Only those keys are looked up: some Chinese headers are shared by several keys. A
    key under two headers is read once when both agree.

    Raises
    ------
    InputError
        A needed column is missing, or two columns of one key disagree.
    """
    keys = {TERMS[key].en: key for key in (*needed, *optional)} | {
        TERMS[key].zh: key for key in (*needed, *optional)
    }
    top = _header_row([list(raw.iloc[i]) for i in range(min(len(raw), HEADER_ROWS))], keys)
    headers = [cell_text(h).strip() for h in raw.iloc[top]] if len(raw) else []
    data = raw.iloc[top + 1 :]  # the index stays the sheet's row numbers: messages name them
    where: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = keys.get(header)
        if key is not None and key in where:
            pair = (where[key], position)
            _same_values(data, headers, pair, key, f"{path.name}, sheet {sheet}")
        elif key is not None:
            where[key] = position
    missing = [key for key in needed if key not in where]
    if missing:
        names = ", ".join(f"'{TERMS[key].en}' ({TERMS[key].zh})" for key in missing)
        raise InputError(f"{path.name}, sheet {sheet}", f"missing column {names}")
    frame = data.iloc[:, list(where.values())].set_axis(list(where), axis=1)
    return frame, {key: headers[p] for key, p in where.items()}


def _same_values(
    data: pd.DataFrame, headers: list[str], pair: tuple[int, int], key: str, where: str
) -> None:
    """Stop unless the columns at positions ``pair``, both of ``key``, hold the same values."""
    first, second = pair
    differ = (data.iloc[:, first].map(cell_text) != data.iloc[:, second].map(cell_text)).to_numpy()
    if differ.any():
        both = f"{column_label(headers[first], first)} and {column_label(headers[second], second)}"
        raise InputError(
            where,
            f"columns {both} both hold '{TERMS[key].en}' but disagree",
            rows=data.index[differ].tolist(),
            hint="Delete one of them",
        )


def _planning_date(path: Path, summary: Sheet) -> pd.Timestamp:
    labels = set(LABELS["planning_date"])
    for _, row in summary.frame().iterrows():
        if str(row.iloc[0]).strip() in labels and len(row) > 1:
            value = row.iloc[1]
            if isinstance(value, datetime | date):
                return pd.Timestamp(value).normalize()
    raise InputError(
        f"{path.name}, sheet {summary.name}",
        f"no '{LABELS['planning_date'][0]}' ({LABELS['planning_date'][1]}) date",
        hint="Pass the workbook written by `forecaster run`",
    )


def _final_lines(path: Path, sheet: Sheet, as_of: pd.Timestamp) -> tuple[pd.DataFrame, bool, Lang]:
    """The ordered lines, whether they name warehouses, and the sheet's language."""
    raw = sheet.frame()
    frame, shown = _keyed(raw, path, sheet.name, NEEDED, ("name", "warehouse", "lead_time_days"))
    lang: Lang = "zh" if shown["final_order"] == TERMS["final_order"].zh else "en"
    total_labels = set(LABELS["total"])
    frame = frame[~(frame["sku"].map(cell_text).isin(total_labels) & frame["supplier"].isna())]
    problems: list[InputError] = []
    unsaved = _unsaved_formulas(path, sheet, frame.index, shown["final_order"])
    if unsaved is not None:
        problems.append(unsaved)
    numbers = {}
    for key in _NUMBERS:
        parsed, bad = to_number(frame[key])
        if key == "final_order":
            bad |= parsed.lt(0).to_numpy() | (parsed.notna() & (parsed % 1 != 0)).to_numpy()
            problem = "not a whole number of units of at least 0"
        else:
            problem = "not a number"
        if bad.any():
            problems.append(
                InputError(
                    f"{path.name}, sheet {sheet.name}",
                    problem,
                    column=shown[key],
                    rows=frame.index[bad].tolist(),
                    values=frame[key][bad].tolist(),
                )
            )
        numbers[key] = parsed
    quantity = numbers["final_order"].fillna(0.0)
    ordered = quantity.gt(0).to_numpy()
    for key in ("sku", "supplier"):
        blank = blank_mask(frame[key]) & ordered
        if blank.any():
            problems.append(
                InputError(
                    f"{path.name}, sheet {sheet.name}",
                    "empty cells on a line with a final order",
                    column=shown[key],
                    rows=frame.index[blank].tolist(),
                    hint="Fill them in, or set the line's final order to 0",
                )
            )
    arrival, bad = to_date(frame["expected_arrival"])[:2]
    if bad.any():
        problems.append(
            InputError(
                f"{path.name}, sheet {sheet.name}",
                "not a date",
                column=shown["expected_arrival"],
                rows=frame.index[bad].tolist(),
                values=frame["expected_arrival"][bad].map(cell_text).tolist(),
            )
        )
    if problems:
        raise InvalidInput(problems)
    if "lead_time_days" in frame:
        lead, _ = to_number(frame["lead_time_days"])
        arrival = arrival.fillna(as_of + pd.to_timedelta(np.ceil(lead), unit="D"))
    case_pack = numbers["case_pack"].fillna(1.0).clip(lower=1.0)
    per_warehouse = "warehouse" in frame.columns
    lines = pd.DataFrame(
        {
            "supplier": frame["supplier"].map(cell_text),
            "sku": frame["sku"].map(cell_text),
            "name": frame["name"].map(cell_text) if "name" in frame else "",
            "warehouse": frame["warehouse"].map(cell_text) if per_warehouse else "",
            "quantity": quantity,
            "cases": quantity / case_pack,
            "case_pack": case_pack,
            "unit_cost": numbers["unit_cost"].fillna(0.0),
            "line_value": quantity * numbers["unit_cost"].fillna(0.0),
            "requested_delivery": arrival,
            "moq": numbers["moq"].fillna(0.0),
        },
        index=frame.index,
    )
    lines = lines[lines["quantity"] > 0]
    lines = lines.sort_values(["supplier", "warehouse", "sku"], kind="stable")
    return lines, per_warehouse, lang


def _unsaved_formulas(path: Path, sheet: Sheet, rows: pd.Index, header: str) -> InputError | None:
    """The error for Final order cells (column ``header``, on the lines ``rows``) holding
    a formula saved without its value: they read blank, and a blank is no order, so the
    line would be dropped without a word. None when there are none."""
    top = _header_row([list(row) for row in sheet.cells[:HEADER_ROWS]], {header})
    headers = [cell_text(h).strip() for h in sheet.cells[top]] if sheet.cells else []
    column = headers.index(header) + 1
    lines = set(rows)
    cells = sorted(row for row, col in sheet.uncached if col == column and row in lines)
    if not cells:
        return None
    letter = get_column_letter(column)
    names = [f"{sheet.name}!{letter}{row}" for row in cells]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    holds = "holds a formula" if len(names) == 1 else "hold formulas"
    return InputError(
        path.name,
        f"{shown} {holds} with no saved value: save the workbook in Excel or WPS, "
        "or enter a number",
    )


def _rule_breaks(lines: pd.DataFrame) -> list[str]:
    """A warning per line whose final quantity is below its MOQ or not whole cases."""
    warnings = []
    where = lines["sku"] + np.where(lines["warehouse"] != "", " in " + lines["warehouse"], "")
    for row, place, qty, moq, pack in zip(
        lines.index,
        where,
        lines["quantity"],
        lines["moq"],
        lines["case_pack"],
        strict=True,
    ):
        if qty < moq:
            warnings.append(f"row {row}: {place} orders {qty:,.0f}, below its MOQ of {moq:,.0f}")
        if qty % pack:
            warnings.append(
                f"row {row}: {place} orders {qty:,.0f}, not whole cases of {pack:,.0f} "
                f"({qty / pack:,.2f} cases)"
            )
    return warnings
