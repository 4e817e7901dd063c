"""The seven input tables: their columns, kinds, limits and defaults.

This module is the single statement of what forecaster reads. Readers use it
to resolve column aliases, validation uses it to coerce and check values, and
the README's table tour is written from it.

Row numbers in messages follow the spreadsheet convention: the header is row 1,
the first data row is row 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TableName = Literal[
    "sales", "inventory", "skus", "purchase_orders", "receipts", "suppliers", "promotions"
]
ColumnKind = Literal["text", "number", "date"]


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
) -> ColumnSpec:
    return ColumnSpec(name, kind, required, description, minimum, default)


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
                _c("qty", "number", "units sold; negative = returns", required=True),
                WAREHOUSE,
                _c("price", "number", "unit selling price", minimum=0),
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
                _c("on_hand", "number", "units in stock", required=True),
                WAREHOUSE,
                _c(
                    "allocated",
                    "number",
                    "units reserved for unshipped orders",
                    minimum=0,
                    default=0.0,
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
                _c("unit_cost", "number", "purchase cost per unit", required=True, minimum=0),
                _c("unit_price", "number", "selling price per unit", required=True, minimum=0),
                _c(
                    "lead_time_days",
                    "number",
                    "days from order to arrival",
                    required=True,
                    minimum=0,
                ),
                _c("name", "text", "product name", default=""),
                _c("category", "text", "product category", default=""),
                _c(
                    "lead_time_std_days",
                    "number",
                    "standard deviation of the lead time, days",
                    minimum=0,
                    default=0.0,
                ),
                _c("moq", "number", "minimum order quantity, units", minimum=0, default=0.0),
                _c(
                    "case_pack",
                    "number",
                    "units per case; orders are whole cases (0 or blank: 1)",
                    minimum=0,
                    default=1.0,
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
                _c("qty", "number", "units still to arrive", required=True, minimum=0),
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
                _c("qty", "number", "units received", required=True, minimum=0),
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
                ),
                _c(
                    "min_order_value",
                    "number",
                    "smallest order value the supplier accepts",
                    minimum=0,
                    default=0.0,
                ),
                _c("contact", "text", "contact person, phone or e-mail", default=""),
                _c(
                    "return_window_days",
                    "number",
                    "days after receipt within which the supplier takes unsold stock back "
                    "(0 or blank: no returns)",
                    minimum=0,
                    default=0.0,
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
