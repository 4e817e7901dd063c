"""Two real shops as forecaster data folders, for the week-by-week replay simulator.

The public data in ``../shared/data`` (see its README) is read in place and never
copied into the repository. Each shop is written as a folder of four CSV tables
(UTF-8, comma, ``\\n`` line ends, ISO dates): ``sales.csv`` (``sku, date, qty``),
``skus.csv``, ``suppliers.csv`` and ``inventory.csv``. There are no purchase
orders, receipts or promotions: the simulator places its own orders and sets its
own stock. A table file of another extension or one of those three optional
tables left in the folder by an earlier run is removed (forecaster finds tables
by base name), nothing else is touched. Output is deterministic: every table is
sorted and nothing depends on hash seeds, time or the machine.

``online_retail_shop`` (folder ``online_retail``): Online Retail II order lines
(10 non-UK countries, 2009-12-01 .. 2010-11-30).

* Cleaning is ``accuracy.retail_lines``, imported, not copied: cancellation
  lines, lines with ``Quantity <= 0``, the orders a later cancellation took back
  in full, and every ``StockCode`` not starting with five digits (postage,
  manual, discount, carriage, adjustments) are dropped; price-0 lines are kept.
* Sales: units per ``StockCode`` and calendar day (the day of ``InvoiceDate``);
  only days with a sale get a row.
* Products: the ``products`` codes with the most distinct selling days over the
  whole file, ties by ``StockCode`` ascending.
* ``name``: the most frequent ``Description`` of the product's kept lines,
  stripped (ties: alphabetically first).
* ``unit_price``: the median ``Price`` of the kept lines with a price above 0
  (1.0 when there is none); ``unit_cost`` = ``round(0.6 x unit_price, 4)``.
* ``supplier``: ``S1`` .. ``S4`` by ``zlib.crc32(StockCode) mod 4`` (0 is S1),
  with ``lead_time_days`` 7, 14, 21 and 10; ``lead_time_std_days`` 0.
* ``category``: the first of these Description patterns that matches, tried in
  this order, else ``other``: ``lunch`` (LUNCH), ``baking`` (CAKE, BAKING,
  COOKIE), ``party`` (PARTY, NAPKIN, DOILIES, BALLOON, BUNTING, INVITE, PAPER
  CUP/PLATE), ``card_wrap`` (CARD, WRAP, GIFT TAG/TAPE, POSTCARD), ``tableware``
  (MUG, CUP, PLATE, BOWL, CUTLERY, TEA, BREAKFAST), ``bag`` (BAG), ``light``
  (LIGHT, CANDLE, HOLDER), ``toys_stationery`` (PENCIL, PLASTERS, STICKER,
  NOTEBOOK, PAINT, JIGSAW, DOMINOES, SKITTLES, SPINNING, HARMONICA, GAME, BINGO,
  COLOURING, SLATE, TEDDY, TOY), ``storage`` (BOX, TIN, JAR, CONTAINER, TIDY,
  CASES); words match whole (``CUP`` is not ``CUPBOARD``), plurals included.
* ``moq`` 0, ``case_pack`` 1, ``status`` active.

``walmart_shop`` (folder ``walmart``): Walmart weekly department sales
(``walmart_weekly_dev.csv.gz``, 2010-02-05 .. 2012-10-26, 143 Friday-labelled
weeks).

* Stores: those in ``stores`` (default 1 - 20; the part of ``sku`` before
  ``_``). Each store x department is one SKU, named as in the file (``1_1``).
* Units: ``qty`` is dollars; weekly units = ``max(qty, 0) / 20`` rounded half
  up to a whole unit (``floor(x + 0.5)``). A week without a row has 0 units.
* Days: a week's units are spread over the 7 days ending on its label date
  (Saturday ``date - 6`` .. Friday ``date``) as integers: every day gets
  ``units // 7`` and the first ``units % 7`` days one more (20 units: 3, 3, 3,
  3, 3, 3, 2 from Saturday on). Days with 0 units get no row.
* Regular business only: a series is kept when it has at least 1 unit in at
  least 80% of the file's weeks (143, missing weeks counting as weeks without
  sales); the rest (new, closed or sporadic departments) is dropped.
* ``category`` ``D<dept>``; ``unit_price`` 20, ``unit_cost`` 12; ``supplier``
  ``S<dept mod 5 + 1>`` with ``lead_time_days`` 7, 14, 21, 10, 14 for dept mod 5
  = 0 .. 4, ``lead_time_std_days`` 0; ``moq`` 0, ``case_pack`` 1, ``status``
  active. ``name`` is ``Store <s> dept <d>``.

Both shops: ``suppliers.csv`` has ``supplier, name, review_period_days`` (7)
and ``min_order_value`` (0), only suppliers that supply a kept SKU;
``inventory.csv`` has ``on_hand`` 0 for every SKU.

Run::

    python bench/shops.py [--data ../shared/data] [--out /tmp/shops] [--products 200]

writes ``OUT/online_retail`` and ``OUT/walmart`` and prints per shop the SKUs,
sales rows, date range, total units and the share of SKU-days (every SKU x
every day of the range) with a sale; for Walmart also how many series the 80%
rule kept and the holiday weeks (``is_holiday = 1``) of the last 52 weeks.
"""

from __future__ import annotations

import argparse
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

try:
    from accuracy import DEFAULT_DATA, RETAIL_FILE, WALMART_FILE, retail_lines
except ModuleNotFoundError:  # imported as bench.shops: make the sibling module importable
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from accuracy import DEFAULT_DATA, RETAIL_FILE, WALMART_FILE, retail_lines

#: The seven table names forecaster looks for in a data folder.
TABLE_NAMES = (
    "sales",
    "inventory",
    "skus",
    "purchase_orders",
    "receipts",
    "suppliers",
    "promotions",
)
REVIEW_PERIOD_DAYS = 7

#: Online Retail suppliers (crc32 of the StockCode mod 4 picks one) and lead times, days.
RETAIL_LEAD_TIMES = {"S1": 7, "S2": 14, "S3": 21, "S4": 10}
RETAIL_COST_SHARE = 0.6
RETAIL_FALLBACK_PRICE = 1.0
#: Online Retail categories from Description keywords: first match wins, else "other".
RETAIL_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("lunch", r"\bLUNCH\b"),
        ("baking", r"CAKE|BAKING|COOKIE"),
        ("party", r"PARTY|NAPKIN|DOILIES|BALLOON|BUNTING|INVITE|PAPER (CUP|PLATE)"),
        ("card_wrap", r"\bCARDS?\b|\bWRAP\b|GIFT TA(G|PE)|POSTCARD"),
        ("tableware", r"\b(MUGS?|CUPS?|PLATES?|BOWLS?|CUTLERY|TEA|BREAKFAST)\b"),
        ("bag", r"\bBAGS?\b"),
        ("light", r"LIGHT|CANDLES?\b|\bHOLDERS?\b"),
        (
            "toys_stationery",
            r"PENCIL|PLASTERS|STICKER|NOTEBOOK|PAINT|JIGSAW|DOMINOES|SKITTLES|SPINNING"
            r"|HARMONICA|\bGAMES?\b|BINGO|COLOURING|SLATE|TEDDY|\bTOYS?\b",
        ),
        ("storage", r"\b(BOX(ES)?|TINS?|JARS?|CONTAINERS?|TIDY|CASES)\b"),
    )
)

#: Walmart: dollars per unit, cost and price per unit, lead time by dept mod 5, the 80% rule.
WALMART_DOLLARS_PER_UNIT = 20.0
WALMART_UNIT_PRICE = 20.0
WALMART_UNIT_COST = 12.0
WALMART_LEAD_TIMES = (7, 14, 21, 10, 14)
WALMART_MIN_WEEK_SHARE = 0.8


@dataclass(frozen=True)
class ShopStats:
    """What ``main`` prints about a written shop folder."""

    skus: int
    sales_rows: int
    first_day: pd.Timestamp
    last_day: pd.Timestamp
    units: int
    sku_day_share: float  # SKU-days with a sale / (SKUs x days of the range)


@dataclass(frozen=True)
class WalmartSeries:
    """Weekly units of the kept Walmart series and what the filter did."""

    weekly: pd.DataFrame  # store, dept, sku, date (Friday), units (int), kept series only
    series_in: int
    series_kept: int
    weeks: int
    holidays: pd.DataFrame  # date, is_holiday: one row per week of the file


# ------------------------------------------------------------------------ writing


def write_tables(out: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """Write ``tables`` as ``out/<name>.csv``; remove other files of forecaster's table names."""
    out.mkdir(parents=True, exist_ok=True)
    written = {f"{name}.csv" for name in tables}
    for path in sorted(out.iterdir()):
        if path.is_file() and path.name.split(".")[0] in TABLE_NAMES and path.name not in written:
            path.unlink()
    for name, frame in tables.items():
        frame.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    return out


def write_shop(out: Path, sales: pd.DataFrame, skus: pd.DataFrame, suppliers: pd.DataFrame) -> Path:
    """Write a shop's four tables (inventory: 0 on hand for every SKU) into ``out``."""
    tables = {"sales": sales, "skus": skus, "suppliers": suppliers}
    return write_tables(out, {**tables, "inventory": inventory_table(skus["sku"])})


def suppliers_table(codes: list[str], names: list[str]) -> pd.DataFrame:
    """``suppliers.csv``: review every 7 days, no minimum order value."""
    return pd.DataFrame(
        {
            "supplier": codes,
            "name": names,
            "review_period_days": REVIEW_PERIOD_DAYS,
            "min_order_value": 0,
        }
    )


def inventory_table(skus: pd.Series) -> pd.DataFrame:
    """``inventory.csv``: nothing on hand (the simulator sets its own stock)."""
    return pd.DataFrame({"sku": skus.to_numpy(), "on_hand": 0})


# ------------------------------------------------------------------ online retail


def retail_supplier(code: str) -> str:
    """``S1`` .. ``S4`` from a stable hash of the StockCode."""
    return f"S{zlib.crc32(code.encode('utf-8')) % 4 + 1}"


def retail_category(description: str) -> str:
    """The first category of :data:`RETAIL_CATEGORIES` whose pattern matches, else ``other``."""
    text = description.upper()
    for name, pattern in RETAIL_CATEGORIES:
        if pattern.search(text):
            return name
    return "other"


def most_frequent(values: pd.Series) -> str:
    """The most frequent non-blank value (ties: alphabetically first), or ``""``."""
    counts = values.dropna().astype(str).str.strip()
    counts = counts[counts != ""].value_counts()
    if counts.empty:
        return ""
    return str(min(counts.index[counts == counts.max()]))


def retail_price(prices: pd.Series) -> float:
    """Median of the positive prices, or the fallback price."""
    positive = prices[prices > 0]
    median = float(positive.median()) if len(positive) else float("nan")
    return median if median > 0 else RETAIL_FALLBACK_PRICE


def online_retail_shop(data: Path, out: Path, products: int = 200) -> Path:
    """Write the Online Retail II shop of the ``products`` most regular products to ``out``."""
    lines = retail_lines(data)
    raw = pd.read_csv(data / RETAIL_FILE, dtype={"Invoice": str, "StockCode": str})
    daily = lines.groupby(["code", "day"], as_index=False)["qty"].sum()
    days_sold = daily.groupby("code").size().rename("days").reset_index()
    top = days_sold.sort_values(["days", "code"], ascending=[False, True], kind="stable")
    chosen = sorted(top["code"].head(products))

    sales = daily[daily["code"].isin(chosen) & (daily["qty"] > 0)].sort_values(["code", "day"])
    sales = pd.DataFrame(
        {
            "sku": sales["code"].to_numpy(),
            "date": sales["day"].dt.strftime("%Y-%m-%d").to_numpy(),
            "qty": sales["qty"].round().astype(np.int64).to_numpy(),
        }
    )

    kept = raw.loc[lines.index, ["Description", "Price"]].assign(code=lines["code"])
    kept = kept[kept["code"].isin(chosen)]
    rows = []
    for code, group in kept.groupby("code", sort=True):
        name = most_frequent(group["Description"])
        price = retail_price(group["Price"])
        supplier = retail_supplier(str(code))
        rows.append(
            {
                "sku": code,
                "name": name,
                "supplier": supplier,
                "unit_cost": round(RETAIL_COST_SHARE * price, 4),
                "unit_price": price,
                "lead_time_days": RETAIL_LEAD_TIMES[supplier],
                "lead_time_std_days": 0,
                "category": retail_category(name),
                "moq": 0,
                "case_pack": 1,
                "status": "active",
            }
        )
    skus = pd.DataFrame(rows)
    used = sorted(set(skus["supplier"]))
    suppliers = suppliers_table(used, [f"Online Retail supplier {s}" for s in used])
    return write_shop(out, sales, skus, suppliers)


# ------------------------------------------------------------------------ walmart


def walmart_series(data: Path, stores: range = range(1, 21)) -> WalmartSeries:
    """Weekly units of the Walmart series of ``stores`` that pass the 80% rule."""
    raw = pd.read_csv(data / WALMART_FILE, dtype={"sku": str})
    parts = raw["sku"].str.split("_", n=1)
    raw = raw.assign(store=parts.str[0].astype(int), dept=parts.str[1].astype(int))
    raw = raw[raw["store"].isin(stores)]
    units = np.floor(raw["qty"].clip(lower=0.0) / WALMART_DOLLARS_PER_UNIT + 0.5)
    weekly = raw.assign(units=units.astype(np.int64), date=pd.to_datetime(raw["date"]))
    weeks = int(weekly["date"].nunique())
    selling = weekly[weekly["units"] > 0].groupby("sku").size()
    keep = selling.index[selling >= WALMART_MIN_WEEK_SHARE * weeks]
    holidays = weekly.groupby("date", as_index=False)["is_holiday"].max().sort_values("date")
    kept = weekly[weekly["sku"].isin(keep)]
    kept = kept[["store", "dept", "sku", "date", "units"]].sort_values(["store", "dept", "date"])
    return WalmartSeries(
        kept.reset_index(drop=True),
        int(weekly["sku"].nunique()),
        len(keep),
        weeks,
        holidays.reset_index(drop=True),
    )


def spread_week(weekly: pd.DataFrame) -> pd.DataFrame:
    """Daily ``sku, date, qty`` from weekly ``units``: floor split, remainder to the first days.

    Day ``k`` (0 = ``date - 6``, 6 = ``date``) gets ``units // 7 + (k < units % 7)``.
    """
    units = weekly["units"].to_numpy(dtype=np.int64)
    base, rest = np.divmod(units, 7)
    k = np.arange(7)
    qty = base[:, None] + (k[None, :] < rest[:, None])  # (rows, 7)
    dates = weekly["date"].to_numpy(dtype="datetime64[D]")[:, None] + (k - 6)[None, :]
    skus = np.repeat(weekly["sku"].to_numpy(dtype=object), 7)
    daily = pd.DataFrame(
        {
            "sku": skus,
            "date": pd.to_datetime(dates.ravel()).strftime("%Y-%m-%d"),
            "qty": qty.ravel(),
        }
    )
    return daily[daily["qty"] > 0].reset_index(drop=True)


def walmart_shop(data: Path, out: Path, stores: range = range(1, 21)) -> Path:
    """Write the Walmart shop (regular store x department series of ``stores``) to ``out``."""
    series = walmart_series(data, stores)
    weekly = series.weekly
    sales = spread_week(weekly)  # weekly is sorted by store, dept, date: so is sales
    master = weekly[["store", "dept", "sku"]].drop_duplicates().reset_index(drop=True)
    supplier_index = master["dept"] % len(WALMART_LEAD_TIMES)
    skus = pd.DataFrame(
        {
            "sku": master["sku"],
            "name": "Store " + master["store"].astype(str) + " dept " + master["dept"].astype(str),
            "supplier": "S" + (supplier_index + 1).astype(str),
            "unit_cost": WALMART_UNIT_COST,
            "unit_price": WALMART_UNIT_PRICE,
            "lead_time_days": supplier_index.map(dict(enumerate(WALMART_LEAD_TIMES))),
            "lead_time_std_days": 0,
            "category": "D" + master["dept"].astype(str),
            "moq": 0,
            "case_pack": 1,
            "status": "active",
        }
    )
    used = sorted(set(supplier_index))
    suppliers = suppliers_table(
        [f"S{i + 1}" for i in used],
        [f"Walmart supplier of departments = {i} mod {len(WALMART_LEAD_TIMES)}" for i in used],
    )
    return write_shop(out, sales, skus, suppliers)


# ----------------------------------------------------------------------- reporting


def shop_stats(folder: Path) -> ShopStats:
    """Read a written shop back and measure it."""
    sales = pd.read_csv(folder / "sales.csv", dtype={"sku": str})
    skus = pd.read_csv(folder / "skus.csv", dtype={"sku": str})
    dates = pd.to_datetime(sales["date"])
    first, last = dates.min(), dates.max()
    days = (last - first).days + 1
    sold = sales.loc[sales["qty"] > 0, ["sku", "date"]].drop_duplicates()
    return ShopStats(
        skus=len(skus),
        sales_rows=len(sales),
        first_day=first,
        last_day=last,
        units=int(sales["qty"].sum()),
        sku_day_share=len(sold) / (len(skus) * days),
    )


def print_stats(title: str, stats: ShopStats) -> None:
    """One block of figures for a shop."""
    days = (stats.last_day - stats.first_day).days + 1
    print(f"== {title}")
    print(f"SKUs           : {stats.skus:,}")
    print(f"sales rows     : {stats.sales_rows:,}")
    print(f"date range     : {stats.first_day:%Y-%m-%d} .. {stats.last_day:%Y-%m-%d} ({days} days)")
    print(f"total units    : {stats.units:,}")
    print(f"SKU-days sold  : {100.0 * stats.sku_day_share:.1f}%")


def main() -> None:
    """Write both shops under ``--out`` and print their figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=Path("/tmp/shops"), help="parent folder")
    parser.add_argument("--products", type=int, default=200, help="Online Retail products")
    args = parser.parse_args()
    if args.products < 1:
        parser.error("--products must be at least 1")

    retail = online_retail_shop(args.data, args.out / "online_retail", args.products)
    print_stats(f"online_retail -> {retail}", shop_stats(retail))
    categories = pd.read_csv(retail / "skus.csv", dtype={"sku": str})["category"].value_counts()
    print("categories     : " + ", ".join(f"{c} {n}" for c, n in categories.items()))

    walmart = walmart_shop(args.data, args.out / "walmart")
    print()
    print_stats(f"walmart -> {walmart}", shop_stats(walmart))
    series = walmart_series(args.data)
    print(
        f"series kept    : {series.series_kept:,} of {series.series_in:,} "
        f"(>= {WALMART_MIN_WEEK_SHARE:.0%} of {series.weeks} weeks with sales)"
    )
    last = series.holidays.tail(52)
    flagged = last.loc[last["is_holiday"] == 1, "date"].dt.strftime("%Y-%m-%d")
    print(
        f"holiday weeks  : last 52 weeks {last['date'].iloc[0]:%Y-%m-%d} .. "
        f"{last['date'].iloc[-1]:%Y-%m-%d}: {', '.join(flagged)}"
    )


if __name__ == "__main__":
    main()
