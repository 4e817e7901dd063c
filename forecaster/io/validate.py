"""Validate one input table: parse its cells and apply the table's own rules.

Problems that make the numbers meaningless stop the run (they are returned as
:class:`~forecaster.errors.InputError`, each naming file, column and rows);
problems the run can work around go to the :class:`QualityReport`.

Stops the run:
    a blank cell in a required column; text in a number column; a date that
    cannot be read; a date outside ``FIRST_DATE .. LAST_DATE`` in a required
    column; a value below the column's minimum (negative lead time, MOQ, case
    pack, cost …) or beyond its largest magnitude (:data:`~forecaster.io.schema.MAX_UNITS`
    and the other bounds); an unknown SKU status; a SKU, supplier or promotion
    (name, start and scope) listed twice with different values; a promotion
    that ends before it starts.

Reported and worked around:
    identical duplicate rows in master tables and in id-carrying tables
    (dropped); identical rows elsewhere (kept: order lines and stock locations
    are summed); returns (negative sales, netted); case pack 0 (read as 1);
    selling price at or below cost; a lead time beyond :data:`LONG_LEAD_DAYS`;
    a date outside ``FIRST_DATE .. LAST_DATE`` in an optional column (read as
    blank: ERP placeholders such as 0001-01-01 and 9999-12-31 mean "no date").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from forecaster.config import ColumnSettings
from forecaster.errors import InputError
from forecaster.io.files import RawTable
from forecaster.io.parse import constant_text, empty_text, to_date, to_number, to_text
from forecaster.io.quality import EXAMPLES_SHOWN, QualityReport
from forecaster.io.schema import FIRST_DATE, LAST_DATE, ColumnSpec, TableName

#: Internal column holding each row's number as the user sees it in the file.
ROW = "_row"

#: A lead time longer than this many days (a year) is warned about: plausible for few
#: goods, and an order covering it is large.
LONG_LEAD_DAYS = 365

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
    A parsed table is only meaningful when there are no errors. ``raw``'s cells
    are consumed: each column leaves ``raw.frame`` once parsed.
    """
    rows = raw.frame.index.to_numpy() + raw.first_row
    frame = pd.DataFrame({ROW: rows})
    errors: list[InputError] = []
    for spec in raw.spec.columns:
        parsed, problems = _parse_column(raw, spec, rows, report)
        frame[spec.name] = parsed
        errors.extend(problems)
        if spec.name in raw.frame.columns:
            # its cells as read are done with (the errors quote theirs): a long table's text
            # and its parsed columns are not held side by side
            del raw.frame[spec.name]
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
    raw: RawTable, spec: ColumnSpec, rows: np.ndarray, report: QualityReport
) -> tuple[pd.Series | object, list[InputError]]:
    if spec.name not in raw.frame.columns:
        if spec.kind == "date":
            return pd.Series(pd.NaT, index=range(len(rows)), dtype="datetime64[ns]"), []
        if spec.kind == "number":
            value = np.nan if spec.default is None else float(spec.default)  # type: ignore[arg-type]
            return pd.Series(value, index=range(len(rows)), dtype="float64"), []
        return constant_text(str(spec.default or ""), len(rows)), []

    values = raw.frame[spec.name]
    header = raw.columns.header(spec.name)
    # the header as the file spells it, with the column it was read as where they differ
    label = header if header == spec.name else f"'{header}' ('{spec.name}')"
    errors: list[InputError] = []
    if spec.kind == "text":
        parsed = to_text(values).reset_index(drop=True)
        blank = empty_text(parsed)
    else:
        outside = np.zeros(len(values), dtype=bool)
        if spec.kind == "number":
            parsed, bad = to_number(values)
            problem, hint = "text in a number column", "Numbers only, without units or notes"
        else:
            parsed, bad, outside = to_date(values)
            problem, hint = "cannot read the date", "Write dates as YYYY-MM-DD"
        parsed = parsed.reset_index(drop=True)
        errors += _cells_error(raw, label, rows, values, bad, problem, hint)
        if outside.any():
            errors.extend(_dates_outside(raw, spec, label, rows, values, outside, report))
        blank = parsed.isna().to_numpy() & ~bad & ~outside

    if spec.required and blank.any():
        errors.append(
            InputError(raw.file, "empty cells in a required column", column=label, rows=rows[blank])
        )
    elif spec.default is not None and blank.any():
        parsed = parsed.where(~blank, spec.default)
    if spec.kind == "number":
        errors.extend(_out_of_bounds(raw, spec, label, rows, parsed))
    return parsed, errors


def _cells_error(
    raw: RawTable,
    label: str,
    rows: np.ndarray,
    values: pd.Series,
    marked: np.ndarray,
    problem: str,
    hint: str | None = None,
) -> list[InputError]:
    """One error naming the ``marked`` cells of a column (rows and values); none if none."""
    if not marked.any():
        return []
    return [
        InputError(
            raw.file,
            problem,
            column=label,
            rows=rows[marked],
            values=values[marked].tolist(),
            hint=hint,
        )
    ]


def _out_of_bounds(
    raw: RawTable, spec: ColumnSpec, label: str, rows: np.ndarray, parsed: pd.Series
) -> list[InputError]:
    """Errors for numbers below the column's minimum or beyond its largest magnitude."""
    errors = []
    if spec.minimum is not None:
        problem = "negative values" if spec.minimum == 0 else f"values below {spec.minimum:g}"
        below = (parsed < spec.minimum).to_numpy()
        errors += _cells_error(raw, label, rows, parsed, below, problem)
    if spec.maximum is not None:
        huge = (parsed.abs() > spec.maximum).to_numpy()
        errors += _cells_error(
            raw,
            label,
            rows,
            parsed,
            huge,
            f"implausibly large values (the limit is {spec.maximum:,.0f})",
            "No real quantity is that large: check the export for a unit mix-up, "
            "a broken formula or a misplaced column",
        )
    return errors


def _dates_outside(
    raw: RawTable,
    spec: ColumnSpec,
    label: str,
    rows: np.ndarray,
    values: pd.Series,
    outside: np.ndarray,
    report: QualityReport,
) -> list[InputError]:
    """Dates outside FIRST_DATE .. LAST_DATE: an error in a required column, else a warning
    (the cells are read as blank: ERP exports write 0001-01-01 or 9999-12-31 for "no date")."""
    span = f"{FIRST_DATE:%Y-%m-%d} .. {LAST_DATE:%Y-%m-%d}"
    if spec.required:
        return _cells_error(
            raw,
            label,
            rows,
            values,
            outside,
            f"dates outside {span}",
            "Placeholders such as 0001-01-01 or 9999-12-31 mean 'no date' in ERP exports: "
            "enter the real date",
        )
    report.add(
        "warning",
        raw.file,
        "date_out_of_range",
        int(outside.sum()),
        f"dates outside {span} read as blank (ERP placeholders for 'no date' such as "
        "0001-01-01 and 9999-12-31)",
        column=raw.columns.header(spec.name),
        sample=[
            f"row {r} ({v})"
            for r, v in zip(
                rows[outside][:EXAMPLES_SHOWN], values[outside][:EXAMPLES_SHOWN], strict=True
            )
        ],
    )
    return []


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

    if name in _MASTER_TABLES:
        errors.extend(_key_clashes(table, frame))

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


#: What one row of a master table is, in words, for messages.
_ROW_NOUN: dict[TableName, str] = {
    "skus": "SKU",
    "suppliers": "supplier",
    "promotions": "promotion",
}


def _key_clashes(table: ParsedTable, frame: pd.DataFrame) -> list[InputError]:
    """A master-table key (a SKU, a supplier, a promotion's name, start and scope) listed
    twice with different values: the numbers contradict, so which row holds is not guessed.

    Run after identical rows are dropped. The error names the first such key, its rows
    and the columns that differ; the hint counts the other keys affected.
    """
    key = list(table.raw.spec.key)
    clash = frame.duplicated(subset=key, keep=False).to_numpy()
    if not clash.any():
        return []
    clashing = frame[clash]
    first = clashing.iloc[0]
    same = (clashing[key] == first[key]).all(axis=1).to_numpy()
    group = clashing[same]
    data = [c for c in frame.columns if c not in (ROW, *key)]
    differ = [c for c in data if group[c].nunique(dropna=False) > 1]
    what = f"{_ROW_NOUN[table.name]} {first[key[0]]!r}"
    if "start" in key:
        what += f" starting {first['start']:%Y-%m-%d}"
    keys = clashing[key].drop_duplicates()
    nouns = key[0] if len(key) == 1 else f"{', '.join(key[:-1])} and {key[-1]}"
    hint = f"Keep one row per {nouns}" + (
        f" ({len(keys)} keys are affected)" if len(keys) > 1 else ""
    )
    if differ:
        hint += f"; the rows differ in {', '.join(table.header(c) for c in differ)}"
    return [
        InputError(
            table.file,
            f"{what} is listed twice with different values",
            column=table.header(key[0]),
            rows=group[ROW].tolist(),
            hint=hint,
        )
    ]


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
    long_lead = (frame["lead_time_days"] > LONG_LEAD_DAYS).to_numpy()
    if long_lead.any():
        report.add(
            "warning",
            file,
            "long_lead_time",
            int(long_lead.sum()),
            f"lead time beyond {LONG_LEAD_DAYS} days: the order covers all that time; "
            "check the unit (days, not hours) and the export",
            column=table.header("lead_time_days"),
            sample=[
                f"{sku} ({days:g} days)"
                for sku, days in zip(
                    frame["sku"][long_lead], frame["lead_time_days"][long_lead], strict=True
                )
            ],
        )
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
