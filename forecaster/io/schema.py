"""The seven input tables: their columns, kinds, limits and defaults.

This module is the single statement of what forecaster reads. Readers use it
to resolve column aliases, validation uses it to coerce and check values, and
the README's table tour is written from it.

Row numbers in messages follow the spreadsheet convention: the header is row 1,
the first data row is row 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

TableName = Literal[
    "sales", "inventory", "skus", "purchase_orders", "receipts", "suppliers", "promotions"
]
ColumnKind = Literal["text", "number", "date"]

# Bounds of what a cell may hold. A number beyond its bound is no real quantity (an
# export glitch, a unit mix-up, an overflowing formula) and stops the run; it would
# otherwise overflow the sums behind the forecast and reach the plan as NaN.

#: Largest number of units a cell may hold (a sales line, stock, an open PO, MOQ, case pack).
MAX_UNITS: Final = 1e9
#: Largest amount of money a cell may hold (a unit cost or price, a minimum order value).
MAX_MONEY: Final = 1e9
#: Longest span in days a cell may hold (a lead time, a review period, a return window).
MAX_DAYS: Final = 10_000
#: Largest promotion uplift (multiplier of normal daily demand).
MAX_UPLIFT: Final = 1_000
#: Earliest and latest date forecaster reads or plans for. Dates outside are ERP
#: placeholders for "no date" (0001-01-01, 1900-01-01, 9999-12-31) or typing errors: in an
#: optional column they read as blank, with a warning; in a required column they stop the run.
FIRST_DATE: Final = date(1990, 1, 1)
LAST_DATE: Final = date(2100, 12, 31)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an input table.

    Attributes
    ----------
    name
        Canonical (English) column name.
    kind
        ``text``, ``number`` or ``date``.
    required
        A missing required column stops the run; so does a blank cell in it.
    minimum
        Smallest allowed value of a number column (inclusive); smaller values
        stop the run. ``None``: any value.
    maximum
        Largest allowed magnitude of a number column (``abs(value) <= maximum``);
        larger values stop the run. Every number column has one (:data:`MAX_UNITS` ...).
    default
        Value used for a blank cell or an absent optional column.
    description
        What the column means, with its unit.
    """

    name: str
    kind: ColumnKind
    required: bool
    description: str
    minimum: float | None = None
    default: object = None
    maximum: float | None = None


@dataclass(frozen=True)
class TableSpec:
    """One input table, found in the data folder by its base name."""

    name: TableName
    columns: tuple[ColumnSpec, ...]
    required: bool
    key: tuple[str, ...]
    description: str

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.columns)


def _c(
    name: str,
    kind: ColumnKind,
    description: str,
    *,
    required: bool = False,
    minimum: float | None = None,
    default: object = None,
    maximum: float | None = None,
) -> ColumnSpec:
    return ColumnSpec(name, kind, required, description, minimum, default, maximum)


SKU = _c("sku", "text", "SKU code (kept as text: leading zeros survive)", required=True)
WAREHOUSE = _c("warehouse", "text", "warehouse code; planning is per SKU x warehouse", default="")

TABLES: dict[TableName, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "sales",
            (
                SKU,
                _c("date", "date", "sales date", required=True),
                _c(
                    "qty",
                    "number",
                    "units sold; negative = returns",
                    required=True,
                    maximum=MAX_UNITS,
                ),
                WAREHOUSE,
                _c("price", "number", "unit selling price", minimum=0, maximum=MAX_MONEY),
                _c("order_id", "text", "order number (order-line exports)", default=""),
            ),
            required=True,
            key=("sku", "warehouse", "date"),
            description="sales lines; several rows per SKU and day are summed",
        ),
        TableSpec(
            "inventory",
            (
                SKU,
                _c("on_hand", "number", "units in stock", required=True, maximum=MAX_UNITS),
                WAREHOUSE,
                _c(
                    "allocated",
                    "number",
                    "units reserved for unshipped orders",
                    minimum=0,
                    default=0.0,
                    maximum=MAX_UNITS,
                ),
                _c("last_receipt_date", "date", "date of the last goods receipt"),
            ),
            required=True,
            key=("sku", "warehouse"),
            description="stock on hand at the as-of date; several rows per SKU are summed",
        ),
        TableSpec(
            "skus",
            (
                SKU,
                _c("supplier", "text", "supplier code", required=True),
                _c(
                    "unit_cost",
                    "number",
                    "purchase cost per unit",
                    required=True,
                    minimum=0,
                    maximum=MAX_MONEY,
                ),
                _c(
                    "unit_price",
                    "number",
                    "selling price per unit",
                    required=True,
                    minimum=0,
                    maximum=MAX_MONEY,
                ),
                _c(
                    "lead_time_days",
                    "number",
                    "days from order to arrival",
                    required=True,
                    minimum=0,
                    maximum=MAX_DAYS,
                ),
                _c("name", "text", "product name", default=""),
                _c("category", "text", "product category", default=""),
                _c(
                    "lead_time_std_days",
                    "number",
                    "standard deviation of the lead time, days",
                    minimum=0,
                    default=0.0,
                    maximum=MAX_DAYS,
                ),
                _c(
                    "moq",
                    "number",
                    "minimum order quantity, units",
                    minimum=0,
                    default=0.0,
                    maximum=MAX_UNITS,
                ),
                _c(
                    "case_pack",
                    "number",
                    "units per case; orders are whole cases (0 or blank: 1)",
                    minimum=0,
                    default=1.0,
                    maximum=MAX_UNITS,
                ),
                _c("status", "text", "active or discontinued", default="active"),
                _c("launch_date", "date", "date the SKU went on sale"),
            ),
            required=True,
            key=("sku",),
            description="the SKU master: one row per SKU",
        ),
        TableSpec(
            "purchase_orders",
            (
                SKU,
                _c(
                    "qty",
                    "number",
                    "units still to arrive",
                    required=True,
                    minimum=0,
                    maximum=MAX_UNITS,
                ),
                _c("eta", "date", "expected arrival date", required=True),
                WAREHOUSE,
                _c("po_id", "text", "purchase-order number", default=""),
            ),
            required=False,
            key=("sku", "warehouse", "eta"),
            description="open purchase orders (units ordered, not yet received)",
        ),
        TableSpec(
            "receipts",
            (
                SKU,
                _c("date", "date", "receipt date", required=True),
                _c(
                    "qty",
                    "number",
                    "units received",
                    required=True,
                    minimum=0,
                    maximum=MAX_UNITS,
                ),
                WAREHOUSE,
            ),
            required=False,
            key=("sku", "warehouse", "date"),
            description="goods receipts, for the FIFO age of the stock",
        ),
        TableSpec(
            "suppliers",
            (
                _c("supplier", "text", "supplier code, as in skus", required=True),
                _c("name", "text", "supplier name", default=""),
                _c(
                    "review_period_days",
                    "number",
                    "days between two orders to this supplier",
                    minimum=1,
                    maximum=MAX_DAYS,
                ),
                _c(
                    "min_order_value",
                    "number",
                    "smallest order value the supplier accepts",
                    minimum=0,
                    default=0.0,
                    maximum=MAX_MONEY,
                ),
                _c("contact", "text", "contact person, phone or e-mail", default=""),
                _c(
                    "currency",
                    "text",
                    "currency of its prices (blank: the configured one)",
                    default="",
                ),
                _c("payment_terms", "text", "payment terms printed on its POs", default=""),
                _c("delivery_terms", "text", "delivery terms printed on its POs", default=""),
                _c(
                    "return_window_days",
                    "number",
                    "days after receipt within which the supplier takes unsold stock back "
                    "(0 or blank: no returns)",
                    minimum=0,
                    default=0.0,
                    maximum=MAX_DAYS,
                ),
            ),
            required=False,
            key=("supplier",),
            description="supplier terms; suppliers not listed get the configured defaults",
        ),
        TableSpec(
            "promotions",
            (
                _c("name", "text", "promotion name, e.g. 618, 1111, 1212", required=True),
                _c("start", "date", "first day (inclusive)", required=True),
                _c("end", "date", "last day (inclusive)", required=True),
                _c(
                    "uplift",
                    "number",
                    "multiplier of normal daily demand (3.0 = three times)",
                    minimum=0,
                    maximum=MAX_UPLIFT,
                ),
                _c("category", "text", "limit the promotion to this category", default=""),
                _c("sku", "text", "limit the promotion to this SKU", default=""),
            ),
            required=False,
            key=("name", "start", "category", "sku"),
            description="past and coming promotions",
        ),
    )
}

#: File extensions read, in the order tried when several exist (several is an error).
EXTENSIONS: tuple[str, ...] = (".csv", ".xlsx", ".parquet")
