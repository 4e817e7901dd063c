"""Validate one input table: parse its cells and apply the table's own rules.

Problems that make the numbers meaningless stop the run (they are returned as
:class:`~forecaster.errors.InputError`, each naming file, column and rows);
problems the run can work around go to the :class:`QualityReport`.

Stops the run:
    a blank cell in a required column; text in a number column; a date that
    cannot be read; a value below the column's minimum (negative lead time,
    MOQ, case pack, cost …); an unknown SKU status; a SKU (or supplier) listed
    twice with different values; a promotion that ends before it starts.

Reported and worked around:
    identical duplicate rows in master tables and in id-carrying tables
    (dropped); identical rows elsewhere (kept: order lines and stock locations
    are summed); returns (negative sales, netted); case pack 0 (read as 1);
    selling price at or below cost.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from forecaster.config import ColumnSettings
from forecaster.errors import InputError
from forecaster.io.files import RawTable
from forecaster.io.parse import to_date, to_number, to_text
from forecaster.io.quality import QualityReport
from forecaster.io.schema import ColumnSpec, TableName

#: Internal column holding each row's number as the user sees it in the file.
ROW = "_row"

#: Tables whose identical duplicate rows are dropped (master data), and tables
#: where a row id makes identical rows duplicates of one line.
_MASTER_TABLES: frozenset[TableName] = frozenset({"skus", "suppliers", "promotions"})
_ID_COLUMN: dict[TableName, str] = {"sales": "order_id", "purchase_orders": "po_id"}


@dataclass(frozen=True)
class ParsedTable:
    """A validated table: every column of its spec present and typed.

    ``frame`` holds text columns as ``object`` (``""`` for blank), numbers as
    ``float64`` (NaN only where the column has no default), dates as
    ``datetime64[ns]`` (NaT for blank), and :data:`ROW`.
    """

    raw: RawTable
    frame: pd.DataFrame

    @property
    def name(self) -> TableName:
        return self.raw.spec.name

    @property
    def file(self) -> str:
        return self.raw.file

    def header(self, column: str) -> str:
        return self.raw.columns.header(column)

    def has(self, column: str) -> bool:
        """Whether the file had this column (rather than it being filled with defaults)."""
        return column in self.raw.columns.source


def parse_table(
    raw: RawTable, columns: ColumnSettings, report: QualityReport
) -> tuple[ParsedTable, list[InputError]]:
    """Parse and check ``raw``; add what it noticed to ``report``.

    Returns the parsed table and the errors found (an empty list when valid).
    A parsed table is only meaningful when there are no errors.
    """
    rows = raw.frame.index.to_numpy() + raw.first_row
    frame = pd.DataFrame({ROW: rows})
    errors: list[InputError] = []
    for spec in raw.spec.columns:
        parsed, problems = _parse_column(raw, spec, rows)
        frame[spec.name] = parsed
        errors.extend(problems)
    if raw.spec.name == "skus" and not errors:
        errors.extend(_check_status(raw, frame, columns, rows))
    # The parsed frame replaces the text as read: keep the file's description, not its cells.
    raw = replace(raw, frame=raw.frame.iloc[:0])
    table = ParsedTable(raw, frame)
    if errors:
        return table, errors
    frame, errors = _table_rules(table, report)
    return ParsedTable(raw, frame), errors


# --------------------------------------------------------------------------- columns


def _parse_column(
    raw: RawTable, spec: ColumnSpec, rows: np.ndarray
) -> tuple[pd.Series | object, list[InputError]]:
    if spec.name not in raw.frame.columns:
        if spec.kind == "date":
            return pd.Series(pd.NaT, index=range(len(rows)), dtype="datetime64[ns]"), []
        if spec.kind == "number":
            value = np.nan if spec.default is None else float(spec.default)  # type: ignore[arg-type]
            return pd.Series(value, index=range(len(rows)), dtype="float64"), []
        return pd.Series([spec.default or ""] * len(rows), dtype="str"), []

    values = raw.frame[spec.name]
    header = raw.columns.header(spec.name)
    label = header if header == spec.name else f"{header}' ('{spec.name}"
    errors: list[InputError] = []
    if spec.kind == "text":
        parsed = to_text(values).reset_index(drop=True)
        blank = (parsed == "").to_numpy()
    else:
        if spec.kind == "number":
            parsed, bad = to_number(values)
            problem, hint = "text in a number column", "Numbers only, without units or notes"
        else:
            parsed, bad = to_date(values)
            problem, hint = "cannot read the date", "Write dates as YYYY-MM-DD"
        parsed = parsed.reset_index(drop=True)
        if bad.any():
            errors.append(
                InputError(
                    raw.file,
                    problem,
                    column=label,
                    rows=rows[bad],
                    values=values[bad].tolist(),
                    hint=hint,
                )
            )
        blank = parsed.isna().to_numpy() & ~bad

    if spec.required and blank.any():
        errors.append(
            InputError(raw.file, "empty cells in a required column", column=label, rows=rows[blank])
        )
    elif spec.default is not None and blank.any():
        parsed = parsed.where(~blank, spec.default)
    if spec.kind == "number" and spec.minimum is not None:
        below = (parsed < spec.minimum).to_numpy()
        if below.any():
            problem = "negative values" if spec.minimum == 0 else f"values below {spec.minimum:g}"
            errors.append(
                InputError(
                    raw.file, problem, column=label, rows=rows[below], values=parsed[below].tolist()
                )
            )
    return parsed, errors


def _status_key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def _check_status(
    raw: RawTable, frame: pd.DataFrame, columns: ColumnSettings, rows: np.ndarray
) -> list[InputError]:
    lookup = {
        _status_key(alias): status
        for status, aliases in columns.status_values.items()
        for alias in [status, *aliases]
    }
    keys = frame["status"].map(_status_key)
    mapped = keys.map(lookup)
    unknown = mapped.isna().to_numpy()
    if unknown.any():
        known = ", ".join(sorted({a for al in columns.status_values.values() for a in al}))
        return [
            InputError(
                raw.file,
                "unknown SKU status",
                column=raw.columns.header("status"),
                rows=rows[unknown],
                values=frame["status"][unknown].tolist(),
                hint=f"Use one of: {known} (or add it under [columns.status_values])",
            )
        ]
    frame["status"] = mapped
    return []


# --------------------------------------------------------------------------- table rules


def _table_rules(
    table: ParsedTable, report: QualityReport
) -> tuple[pd.DataFrame, list[InputError]]:
    name, file, frame = table.name, table.file, table.frame
    errors: list[InputError] = []
    id_column = _ID_COLUMN.get(name)
    drops_identical = name in _MASTER_TABLES or (
        id_column is not None and table.has(id_column) and (frame[id_column] != "").all()
    )
    # Elsewhere identical rows are ordinary (order lines, deliveries) and left alone.
    if drops_identical or name == "inventory":
        data = [c for c in frame.columns if c != ROW]
        identical = frame.duplicated(subset=data, keep="first").to_numpy()
    else:
        identical = np.zeros(len(frame), dtype=bool)
    if identical.any():
        if drops_identical:
            report.add(
                "warning",
                file,
                "duplicate_rows",
                int(identical.sum()),
                "identical duplicate rows: each counted once",
                sample=frame[ROW][identical].tolist(),
            )
            frame = frame[~identical].reset_index(drop=True)
        elif name == "inventory":
            report.add(
                "warning",
                file,
                "duplicate_rows",
                int(identical.sum()),
                "identical rows for the same SKU: summed as separate stock locations; "
                "check the export if they are copies",
                sample=frame[ROW][identical].tolist(),
            )

    if name in ("skus", "suppliers"):
        key = "sku" if name == "skus" else "supplier"
        clash = frame.duplicated(subset=[key], keep=False).to_numpy()
        if clash.any():
            first = frame[key][clash].iloc[0]
            errors.append(
                InputError(
                    file,
                    f"{'SKU' if key == 'sku' else 'supplier'} {first!r} is listed twice "
                    "with different values",
                    column=table.header(key),
                    rows=frame[ROW][frame[key] == first].tolist(),
                    hint=f"Keep one row per {key}"
                    + (
                        f" ({int(frame[key][clash].nunique())} keys are affected)"
                        if frame[key][clash].nunique() > 1
                        else ""
                    ),
                )
            )

    if name == "skus" and not errors:
        frame = _sku_rules(table, frame, report)
    elif name == "sales":
        returns = (frame["qty"] < 0).to_numpy()
        if returns.any():
            report.add(
                "note",
                file,
                "returns",
                int(returns.sum()),
                "rows with negative quantity read as returns and netted against the day's sales",
                column=table.header("qty"),
                sample=frame[ROW][returns].tolist(),
            )
    elif name == "promotions":
        backwards = (frame["end"] < frame["start"]).to_numpy()
        if backwards.any():
            errors.append(
                InputError(
                    file,
                    "the promotion ends before it starts",
                    column=table.header("end"),
                    rows=frame[ROW][backwards].tolist(),
                    values=frame["name"][backwards].tolist(),
                )
            )
    return frame, errors


def _sku_rules(table: ParsedTable, frame: pd.DataFrame, report: QualityReport) -> pd.DataFrame:
    file = table.file
    zero_pack = (frame["case_pack"] == 0).to_numpy()
    if zero_pack.any():
        report.add(
            "note",
            file,
            "case_pack_zero",
            int(zero_pack.sum()),
            "case pack 0 read as 1 (no case rounding)",
            column=table.header("case_pack"),
            sample=frame["sku"][zero_pack].tolist(),
        )
        frame.loc[zero_pack, "case_pack"] = 1.0
    fraction = (frame["case_pack"] % 1 != 0).to_numpy() | (frame["moq"] % 1 != 0).to_numpy()
    if fraction.any():
        report.add(
            "warning",
            file,
            "fractional_pack",
            int(fraction.sum()),
            "MOQ or case pack is not a whole number: rounded up",
            sample=frame["sku"][fraction].tolist(),
        )
        frame["case_pack"] = np.ceil(frame["case_pack"])
        frame["moq"] = np.ceil(frame["moq"])
    no_margin = (frame["unit_price"] <= frame["unit_cost"]).to_numpy()
    if no_margin.any():
        report.add(
            "warning",
            file,
            "price_below_cost",
            int(no_margin.sum()),
            "selling price at or below unit cost: gross margin is zero or negative",
            column=table.header("unit_price"),
            sample=frame["sku"][no_margin].tolist(),
        )
    return frame
