"""Load the data folder into one validated :class:`Dataset`.

This is the boundary: after :func:`load_dataset` returns, every later stage may
trust the frames' columns, types and keys.

Decisions made here (each reported on the data-quality sheet when it applies):

* **As-of date** -- the planning date; default the last sales date. Sales and
  receipts after it are ignored, so a past week can be re-planned exactly.
* **Warehouses** -- planning is per SKU x warehouse when both ``sales`` and
  ``inventory`` carry a ``warehouse`` column; then ``purchase_orders`` and
  ``receipts`` must carry it too. Otherwise warehouses are summed away.
* **Sales** -- net units per SKU, warehouse and day (order lines and returns
  summed).
* **Stock** -- several inventory rows per SKU and warehouse are summed; a
  negative total is read as 0.
* **Open POs** -- an ETA on or before the as-of date is counted as arriving
  the next day (before it: reported as overdue).
* **Unknown SKUs** -- rows for SKUs missing from ``skus`` cannot be planned
  (no supplier, cost or lead time); they are left out and reported.
* **Promotion scope** -- a promotion row limited to a SKU or a category that
  ``skus`` does not hold covers nothing; it is kept and reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from forecaster.config import Settings
from forecaster.errors import InputError, InvalidInput
from forecaster.io.files import ENCODING_LABELS, RawTable, find_table, read_table
from forecaster.io.quality import QualityReport, Severity
from forecaster.io.schema import EXTENSIONS, TABLES, TableName
from forecaster.io.validate import ROW, ParsedTable, parse_table
from forecaster.memory import release_unused_memory

_LOCATION_TABLES: tuple[TableName, ...] = ("sales", "inventory", "purchase_orders", "receipts")


@dataclass(frozen=True)
class Dataset:
    """The validated input of one planning run.

    Attributes
    ----------
    as_of
        Planning date (midnight). The forecast starts the next day.
    per_warehouse
        Whether planning is per SKU x warehouse (else ``warehouse`` is ``""``).
    sales
        Net units per ``sku``, ``warehouse``, ``date`` (one row each, dates <= as_of;
        may be negative on a day of returns), sorted. Only SKUs of the master. ``sku``
        and ``warehouse`` are categorical (sorted categories: 4 bytes a row); any long
        text column of few distinct values in the other tables may be too
        (:func:`~forecaster.io.parse.to_text`).
    inventory
        ``sku``, ``warehouse``, ``on_hand`` (>= 0), ``allocated``, ``last_receipt_date``;
        one row per SKU and warehouse. Only SKUs of the master.
    skus
        The SKU master, one row per ``sku``; ``status`` is ``active`` or ``discontinued``.
    purchase_orders
        Open POs: ``po_id``, ``sku``, ``warehouse``, ``qty`` (> 0), ``eta`` (> as_of).
    receipts
        ``sku``, ``warehouse``, ``date`` (<= as_of), ``qty``.
    suppliers
        One row per supplier of the master: ``supplier``, ``name``,
        ``review_period_days`` (filled from the settings), ``min_order_value``, ``contact``,
        ``return_window_days`` (0: the supplier takes no returns).
    promotions
        ``name``, ``start``, ``end``, ``uplift`` (NaN: to estimate), ``category``, ``sku``.
    quality
        What validation noticed.
    sources
        Table name -> file name read (absent optional tables are missing).
    """

    as_of: pd.Timestamp
    per_warehouse: bool
    sales: pd.DataFrame
    inventory: pd.DataFrame
    skus: pd.DataFrame
    purchase_orders: pd.DataFrame
    receipts: pd.DataFrame
    suppliers: pd.DataFrame
    promotions: pd.DataFrame
    quality: QualityReport
    sources: dict[TableName, str]


#: Called once per table read, with the table name; lets a front end show progress.
OnTable = Callable[[str], None]


#: The columns of :attr:`Dataset.sales`, net units per unit and day.
SALES_COLUMNS = ("sku", "warehouse", "date", "qty")


def load_dataset(settings: Settings, on_table: OnTable | None = None) -> Dataset:
    """Read, validate and assemble every table in ``settings.data.dir``.

    Raises
    ------
    InvalidInput
        Listing every problem found, each naming file, column and rows.
    """
    data_dir = Path(settings.data.dir)
    if not data_dir.is_dir():
        raise InvalidInput(
            [InputError(str(data_dir), "data folder not found", hint="Pass --data DIR")]
        )
    report = QualityReport()
    tables: dict[TableName, ParsedTable] = {}
    problems: list[InputError] = []
    for name, spec in TABLES.items():
        if on_table is not None:
            on_table(name)
        try:
            path = find_table(data_dir, name)
            if path is None:
                if spec.required:
                    extensions = "/".join(EXTENSIONS)
                    problems.append(
                        InputError(
                            f"{name}{EXTENSIONS[0]}",
                            f"required table not found in {data_dir}",
                            hint=f"Export it as {name} ({extensions})",
                        )
                    )
                continue
            raw = read_table(
                path, spec, settings.columns.aliases, settings.columns.table_aliases.get(name, {})
            )
        except InputError as exc:
            problems.append(exc)
            continue
        if spec.required and raw.frame.empty:
            problems.append(InputError(raw.file, "the table has a header but no data rows"))
            continue
        table, errors = parse_table(raw, settings.columns, report)
        problems.extend(errors)
        tables[name] = table
        _note_reading(raw, report)
        del raw  # the cells as read: the parsed table replaces them
        release_unused_memory()
    if problems:
        raise InvalidInput(problems)
    dataset = _assemble(tables, settings, report)
    release_unused_memory()
    return dataset


def load_sales_file(path: Path, settings: Settings) -> tuple[pd.DataFrame, QualityReport]:
    """Read one sales table (any format) for forecasting alone.

    Returns
    -------
    sales
        Net units per ``sku`` and ``date`` (warehouses summed), sorted.
    report
        What validation noticed.

    Raises
    ------
    InvalidInput
        The file is missing, unreadable or invalid.
    """
    report = QualityReport()
    if not path.is_file():
        raise InvalidInput([InputError(str(path), "sales file not found")])
    try:
        raw = read_table(
            path,
            TABLES["sales"],
            settings.columns.aliases,
            settings.columns.table_aliases.get("sales", {}),
        )
    except InputError as exc:
        raise InvalidInput([exc]) from exc
    if raw.frame.empty:
        raise InvalidInput([InputError(raw.file, "the table has a header but no data rows")])
    table, errors = parse_table(raw, settings.columns, report)
    if errors:
        raise InvalidInput(errors)
    _note_reading(raw, report)
    frame = table.frame.assign(warehouse="")
    codes, skus = distinct_codes(frame["sku"])
    daily = daily_sums(codes, skus, frame, keep=np.ones(len(frame), dtype=bool))
    return daily.drop(columns="warehouse"), report


def _note_reading(raw: RawTable, report: QualityReport) -> None:
    """Say how a table was read (encoding, sheet, renamed columns) and what reading noticed."""
    source = raw.columns.source
    renamed = {canonical: header for canonical, header in source.items() if header != canonical}
    parts = []
    if raw.encoding is not None and raw.encoding != "utf-8-sig":
        parts.append(f"encoding {ENCODING_LABELS.get(raw.encoding, raw.encoding)}")
    if raw.sheet is not None:
        parts.append(f"sheet '{raw.sheet}'")
    if renamed:
        parts.append("columns " + ", ".join(f"{h} → {c}" for c, h in renamed.items()))
    if parts:
        report.add("note", raw.file, "read_as", len(renamed), "read with " + "; ".join(parts))
    report.issues.extend(raw.quality.issues)


# --------------------------------------------------------------------------- assembly


def _assemble(
    tables: dict[TableName, ParsedTable], settings: Settings, report: QualityReport
) -> Dataset:
    problems: list[InputError] = []
    per_warehouse = _warehouse_mode(tables, report, problems)
    # Planning reads these sales columns only (prices and order numbers were checked when
    # the table was validated): the others are let go before the sales are summed by day.
    sales_table = tables["sales"]
    tables["sales"] = replace(sales_table, frame=sales_table.frame[[ROW, *SALES_COLUMNS]])
    del sales_table
    frames = {name: t.frame for name, t in tables.items()}
    if not per_warehouse:
        for name in _LOCATION_TABLES:
            if name in frames:
                frames[name] = frames[name].assign(warehouse="")
    skus = frames["skus"]
    as_of = _as_of(tables["sales"], settings, problems)
    if problems:
        raise InvalidInput(problems)

    known = set(skus["sku"])
    # the sales as read are consumed by their daily sums (the longest table: not held twice)
    tables["sales"] = replace(tables["sales"], frame=frames["sales"].iloc[:0].copy())  # no view
    sales = _sales(tables["sales"], frames.pop("sales"), as_of, known, report)
    inventory = _inventory(tables["inventory"], frames["inventory"], known, report)
    purchase_orders = _purchase_orders(
        tables.get("purchase_orders"), frames.get("purchase_orders"), as_of, known, report
    )
    receipts = _receipts(tables.get("receipts"), frames.get("receipts"), as_of, known, report)
    suppliers = _suppliers(tables.get("suppliers"), frames.get("suppliers"), skus, settings, report)
    promotions = _promotions(tables.get("promotions"), frames.get("promotions"), skus, report)

    # isin with the distinct values: pandas' Arrow-string isin walks its argument in Python.
    sold = skus["sku"].isin(sales["sku"].unique())
    never_sold = skus["sku"][~sold & (skus["status"] == "active")]
    if len(never_sold):
        report.add(
            "warning",
            tables["skus"].file,
            "no_sales",
            len(never_sold),
            "active SKUs without any sales in the history: their forecast is zero",
            sample=never_sold.tolist(),
        )
    return Dataset(
        as_of=as_of,
        per_warehouse=per_warehouse,
        sales=sales,
        inventory=inventory,
        skus=skus.drop(columns=ROW).reset_index(drop=True),
        purchase_orders=purchase_orders,
        receipts=receipts,
        suppliers=suppliers,
        promotions=promotions.reset_index(drop=True),
        quality=report,
        sources={name: t.file for name, t in tables.items()},
    )


def _empty(name: TableName) -> pd.DataFrame:
    spec = TABLES[name]
    dtypes = {"text": "str", "number": "float64", "date": "datetime64[ns]"}
    return pd.DataFrame(
        {
            ROW: pd.Series(dtype="int64"),
            **{c.name: pd.Series(dtype=dtypes[c.kind]) for c in spec.columns},
        }
    )


def _warehouse_mode(
    tables: dict[TableName, ParsedTable], report: QualityReport, problems: list[InputError]
) -> bool:
    has = {name: t.has("warehouse") for name, t in tables.items() if name in _LOCATION_TABLES}
    per_warehouse = has.get("sales", False) and has.get("inventory", False)
    if per_warehouse:
        for name, present in has.items():
            table = tables[name]
            if not present and not table.frame.empty:
                problems.append(
                    InputError(
                        table.file,
                        "no warehouse column, but sales and inventory are per warehouse",
                        hint="Add the warehouse of each row, or remove the warehouse columns "
                        "to plan across warehouses",
                    )
                )
            elif present and (table.frame["warehouse"] == "").any():
                blank = (table.frame["warehouse"] == "").to_numpy()
                problems.append(
                    InputError(
                        table.file,
                        "empty cells in the warehouse column",
                        column=table.header("warehouse"),
                        rows=table.frame[ROW][blank].tolist(),
                    )
                )
    elif any(has.values()):
        with_column = ", ".join(tables[n].file for n, present in has.items() if present)
        report.add(
            "note",
            with_column,
            "warehouses_summed",
            0,
            "planning per SKU across warehouses: per-warehouse planning needs a warehouse "
            "column in both sales and inventory",
        )
    return per_warehouse


def _as_of(sales: ParsedTable, settings: Settings, problems: list[InputError]) -> pd.Timestamp:
    dates = sales.frame["date"]
    first, last = dates.min(), dates.max()
    if settings.planning.as_of is None:
        return pd.Timestamp(last)
    as_of = pd.Timestamp(settings.planning.as_of)
    if as_of < first:
        problems.append(
            InputError(
                sales.file,
                f"the as-of date {as_of:%Y-%m-%d} is before the first sale ({first:%Y-%m-%d})",
                column=sales.header("date"),
                hint="Choose a later --as-of date",
            )
        )
    return as_of


def _sales(
    table: ParsedTable,
    frame: pd.DataFrame,
    as_of: pd.Timestamp,
    known: set[str],
    report: QualityReport,
) -> pd.DataFrame:
    frame = _drop_after(table, frame, as_of, report, "warning", "rows")
    gap = (as_of - frame["date"].max()).days
    if gap > 0:
        report.add(
            "warning",
            table.file,
            "stale_sales",
            gap,
            f"the last sale is {gap} day(s) before the as-of date {as_of:%Y-%m-%d}: "
            "is the export complete?",
        )
    sku_codes, skus = distinct_codes(frame.pop("sku"))
    listed = skus.isin(list(known))
    if not listed.all():
        unknown = skus[~listed]
        report.add(
            "warning",
            table.file,
            "unknown_sku",
            len(unknown),
            f"{len(unknown)} SKU(s) sold but missing from the SKU master: not planned",
            column=table.header("sku"),
            sample=list(unknown),
        )
    return daily_sums(sku_codes, skus, frame, keep=listed[sku_codes])


def distinct_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A code per row of a text column into its distinct texts, those as a text Index.

    A plain column is ``pd.factorize``-d (texts in order of first appearance); a
    categorical one keeps its int32 codes, renumbered over the categories its rows use
    (in the categories' order), so a long column is not coded again in int64.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        categories = values.cat.categories
        used = np.bincount(codes, minlength=len(categories)) > 0
        if not used.all():
            codes = (np.cumsum(used, dtype=np.int32) - 1)[codes]
            categories = categories[used]
        return codes, pd.Index(np.asarray(categories, dtype=object), dtype="str")
    codes, uniques = pd.factorize(values)
    return codes, pd.Index(np.asarray(uniques, dtype=object), dtype="str")


def daily_sums(
    sku_codes: np.ndarray, skus: pd.Index, frame: pd.DataFrame, keep: np.ndarray
) -> pd.DataFrame:
    """Net ``qty`` per ``sku``, ``warehouse`` and ``date`` of the rows ``keep``, sorted.
    ``frame``'s columns are consumed (each leaves it once read: a long table is not held
    beside its sums).

    The group key is one integer per row (the SKU's and the warehouse's rank
    among the sorted distinct values, and the day), so grouping millions of rows
    sorts integers, not text. ``sku_codes`` index ``skus`` (:func:`distinct_codes` of
    ``frame["sku"]``). Equals ``frame[keep].groupby(["sku", "warehouse", "date"],
    sort=True)["qty"].sum().reset_index()`` (the sums added in row order: exact for
    whole units, within rounding for fractions).
    """
    warehouse_codes, warehouses = distinct_codes(frame.pop("warehouse"))
    for column in [c for c in frame.columns if c not in ("date", "qty")]:
        del frame[column]  # in place (``drop(inplace=True)`` is deprecated in pandas 3.1)
    release_unused_memory()  # the text of both key columns, for the arrays below
    sku_rank, warehouse_rank = _ranks(skus), _ranks(warehouses)
    day = frame.pop("date").to_numpy().astype("datetime64[D]").astype(np.int64)
    first = int(day.min()) if len(day) else 0
    span = int(day.max()) - first + 1 if len(day) else 1
    # The key is built in place, one int64 array, and grouped by sorting it once: the
    # temporaries of millions of rows stay a few arrays (np.unique's inverse took 0.8 GB
    # at 6.7 M rows).
    key = sku_rank[sku_codes]
    key *= len(warehouses)
    key += warehouse_rank[warehouse_codes]
    del warehouse_codes
    key *= span
    day -= first
    key += day
    del day
    if not keep.all():
        key = key[keep]
    order = np.argsort(key, kind="stable")  # stable: each group's rows stay in row order
    key = key[order]
    qty = frame.pop("qty").to_numpy(dtype=np.float64)
    qty = (qty[keep] if not keep.all() else qty)[order]
    del order
    starts = np.flatnonzero(np.diff(key, prepend=key[:1] - 1)) if len(key) else np.empty(0, int)
    group = key[starts]
    del key
    sums = np.add.reduceat(qty, starts) if len(starts) else np.empty(0)
    del qty, starts
    unit, offset = np.divmod(group, span)
    del group
    offset += first
    dates = offset.astype("datetime64[D]").astype("datetime64[ns]")
    del offset
    sku_at, warehouse_at = np.divmod(unit, len(warehouses))
    del unit
    sku = pd.Categorical.from_codes(sku_at.astype(np.int32), categories=skus.sort_values())
    del sku_at
    warehouse = pd.Categorical.from_codes(
        warehouse_at.astype(np.int32), categories=warehouses.sort_values()
    )
    del warehouse_at
    return pd.DataFrame({"sku": sku, "warehouse": warehouse, "date": dates, "qty": sums})


def _ranks(values: pd.Index) -> np.ndarray:
    """Rank of each value among the sorted ``values`` (distinct), as int64."""
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[values.argsort()] = np.arange(len(values))
    return ranks


def _drop_after(
    table: ParsedTable,
    frame: pd.DataFrame,
    as_of: pd.Timestamp,
    report: QualityReport,
    severity: Severity,
    what: str,
) -> pd.DataFrame:
    """Leave out rows dated after the as-of date, reporting them."""
    later = (frame["date"] > as_of).to_numpy()
    if later.any():
        report.add(
            severity,
            table.file,
            "after_as_of",
            int(later.sum()),
            f"{what} dated after the as-of date {as_of:%Y-%m-%d} are ignored",
            column=table.header("date"),
            sample=frame[ROW][later].tolist(),
        )
        frame = frame[~later]
    return frame


def _known_only(
    table: ParsedTable, frame: pd.DataFrame, known: set[str], report: QualityReport, message: str
) -> pd.DataFrame:
    unknown = ~frame["sku"].isin(known).to_numpy()
    if unknown.any():
        skus = pd.unique(frame["sku"][unknown])
        report.add(
            "warning",
            table.file,
            "unknown_sku",
            len(skus),
            f"{len(skus)} SKU(s) {message}",
            column=table.header("sku"),
            sample=list(skus),
        )
        frame = frame[~unknown]
    return frame


def _inventory(
    table: ParsedTable, frame: pd.DataFrame, known: set[str], report: QualityReport
) -> pd.DataFrame:
    frame = _known_only(
        table, frame, known, report, "in stock but missing from the SKU master: not planned"
    )
    negative = (frame["on_hand"] < 0).to_numpy()
    if negative.any():
        report.add(
            "warning",
            table.file,
            "negative_stock",
            int(negative.sum()),
            "negative stock on hand read as 0",
            column=table.header("on_hand"),
            sample=[
                f"{s} (row {r}: {q:g})"
                for s, r, q in zip(
                    frame["sku"][negative],
                    frame[ROW][negative],
                    frame["on_hand"][negative],
                    strict=True,
                )
            ],
        )
        frame = frame.assign(on_hand=frame["on_hand"].clip(lower=0.0))
    return (
        frame.groupby(["sku", "warehouse"], sort=True)
        .agg(
            on_hand=("on_hand", "sum"),
            allocated=("allocated", "sum"),
            last_receipt_date=("last_receipt_date", "max"),
        )
        .reset_index()
    )


def _purchase_orders(
    table: ParsedTable | None,
    frame: pd.DataFrame | None,
    as_of: pd.Timestamp,
    known: set[str],
    report: QualityReport,
) -> pd.DataFrame:
    columns = ["po_id", "sku", "warehouse", "qty", "eta"]
    if table is None or frame is None:
        return _empty("purchase_orders")[columns]
    frame = _known_only(
        table, frame, known, report, "on order but missing from the SKU master: ignored"
    )
    frame = frame[frame["qty"] > 0]
    overdue = (frame["eta"] < as_of).to_numpy()
    if overdue.any():
        report.add(
            "warning",
            table.file,
            "overdue_po",
            int(overdue.sum()),
            f"open PO lines with an ETA before {as_of:%Y-%m-%d}: counted as arriving "
            "the next day; chase the supplier",
            column=table.header("eta"),
            sample=frame[ROW][overdue].tolist(),
        )
    # Goods due on the as-of date are not in that day's stock count yet: they arrive next.
    tomorrow = as_of + pd.Timedelta(days=1)
    frame = frame.assign(eta=frame["eta"].where(frame["eta"] > as_of, tomorrow))
    return frame[columns].sort_values(["sku", "warehouse", "eta"]).reset_index(drop=True)


def _receipts(
    table: ParsedTable | None,
    frame: pd.DataFrame | None,
    as_of: pd.Timestamp,
    known: set[str],
    report: QualityReport,
) -> pd.DataFrame:
    columns = ["sku", "warehouse", "date", "qty"]
    if table is None or frame is None:
        return _empty("receipts")[columns]
    frame = _drop_after(table, frame, as_of, report, "note", "receipts")
    frame = frame[frame["sku"].isin(known) & (frame["qty"] > 0)]
    return frame[columns].sort_values(["sku", "warehouse", "date"]).reset_index(drop=True)


def _promotions(
    table: ParsedTable | None,
    frame: pd.DataFrame | None,
    skus: pd.DataFrame,
    report: QualityReport,
) -> pd.DataFrame:
    """The promotions, with a warning for rows limited to a SKU or a category that the
    SKU master does not hold: such a row covers nothing (kept, it does no harm)."""
    if table is None or frame is None:
        return _empty("promotions").drop(columns=ROW)
    for column, known in (("sku", skus["sku"]), ("category", skus["category"])):
        scope = frame[column]
        unknown = ((scope != "") & ~scope.isin(known.unique())).to_numpy()
        if unknown.any():
            pairs = frame[unknown].drop_duplicates(["name", column])
            report.add(
                "warning",
                table.file,
                f"promotion_unknown_{column}",
                int(unknown.sum()),
                f"promotion rows limited to a {'SKU' if column == 'sku' else 'category'} "
                "missing from the SKU master: they cover nothing",
                column=table.header(column),
                sample=[f"{n}: {v}" for n, v in zip(pairs["name"], pairs[column], strict=True)],
            )
    return frame.drop(columns=ROW)


def _suppliers(
    table: ParsedTable | None,
    frame: pd.DataFrame | None,
    skus: pd.DataFrame,
    settings: Settings,
    report: QualityReport,
) -> pd.DataFrame:
    default_review = float(settings.replenishment.review_period_days)
    used = pd.DataFrame({"supplier": pd.unique(skus["supplier"])})
    listed = frame.drop(columns=ROW) if frame is not None else _empty("suppliers").drop(columns=ROW)
    merged = used.merge(listed, on="supplier", how="left", indicator=True)
    missing = merged["supplier"][merged["_merge"] == "left_only"]
    if table is not None and len(missing):
        report.add(
            "warning",
            table.file,
            "unknown_supplier",
            len(missing),
            f"suppliers of the SKU master missing here: review period {default_review:g} days "
            "and no minimum order value assumed",
            sample=missing.tolist(),
        )
    merged["name"] = merged["name"].fillna("")
    for text in ("contact", "currency", "payment_terms", "delivery_terms"):
        merged[text] = merged[text].fillna("")
    merged["min_order_value"] = merged["min_order_value"].fillna(0.0)
    merged["return_window_days"] = merged["return_window_days"].fillna(0.0)
    merged["review_period_days"] = merged["review_period_days"].fillna(default_review)
    return merged.drop(columns="_merge").sort_values("supplier").reset_index(drop=True)
