"""Tests of the sample-shop generator: determinism, committed files, realism, speed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from forecaster import sample_shop
from forecaster.io.schema import TABLES

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
END = pd.Timestamp(sample_shop.DEFAULT_END)


@pytest.fixture(scope="module")
def shop() -> dict[str, pd.DataFrame]:
    """The default sample shop, generated once for the module."""
    return sample_shop.generate()


def _daily_totals(sales: pd.DataFrame) -> pd.Series:
    """Net units sold per day over all SKUs and warehouses."""
    return sales.groupby("date")["qty"].sum()


# --------------------------------------------------------------------------- determinism


def test_generate_is_deterministic(shop: dict[str, pd.DataFrame]) -> None:
    again = sample_shop.generate()
    assert set(again) == set(shop)
    for name, frame in shop.items():
        pd.testing.assert_frame_equal(again[name], frame, obj=name)


def test_another_seed_gives_another_shop(shop: dict[str, pd.DataFrame]) -> None:
    other = sample_shop.generate(n_skus=40, seed=7)
    assert len(other["skus"]) == 40
    assert not other["sales"].head(100).equals(shop["sales"].head(100))


def test_committed_sample_data_is_reproduced_byte_for_byte(
    shop: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    sample_shop.write(shop, tmp_path)
    sample_shop.write_readme(shop, tmp_path, sample_shop.DEFAULT_SKUS, sample_shop.DEFAULT_SEED)
    names = [file_name for file_name, _ in sample_shop.FILE_ENCODINGS.values()] + ["README.md"]
    for file_name in names:
        fresh = (tmp_path / file_name).read_bytes()
        committed = (SAMPLE_DIR / file_name).read_bytes()
        assert fresh == committed, (
            f"sample_data/{file_name} is stale: run "
            "`python -m forecaster.sample_shop --out sample_data`"
        )


# --------------------------------------------------------------------------- schema and formats


def test_tables_use_canonical_columns(shop: dict[str, pd.DataFrame]) -> None:
    assert set(shop) == set(TABLES)
    for name, frame in shop.items():
        spec = TABLES[name]  # type: ignore[index]
        assert set(frame.columns) <= set(spec.column_names), name
        required = {c.name for c in spec.columns if c.required}
        assert required <= set(frame.columns), name
        for column in required:
            assert frame[column].notna().all(), (name, column)
    assert set(shop["skus"]["status"]) == {"active", "discontinued"}


def test_sales_rows_are_integer_and_sorted(shop: dict[str, pd.DataFrame]) -> None:
    sales = shop["sales"]
    assert list(sales.columns) == ["sku", "date", "warehouse", "qty"]
    assert pd.api.types.is_integer_dtype(sales["qty"])
    assert (sales["qty"] != 0).all()
    assert sales["date"].min() == pd.Timestamp(sample_shop.DEFAULT_START)
    assert sales["date"].max() == END
    keys = sales[["sku", "date", "warehouse"]]
    assert keys.equals(keys.sort_values(["sku", "date", "warehouse"], kind="stable"))


def test_skus_file_is_gbk_with_chinese_headers() -> None:
    raw = (SAMPLE_DIR / "skus.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    header = text.split("\n", 1)[0]
    expected = (
        "商品编码,商品名称,类目,供应商,成本价,售价,"
        "采购提前期,提前期标准差,起订量,箱规,状态,上市日期"
    )
    assert header == expected
    frame = pd.read_csv(SAMPLE_DIR / "skus.csv", encoding="gbk", dtype=str)
    assert set(frame["状态"]) == {"在售", "停售"}
    assert frame["商品编码"].str.fullmatch(r"0\d{6}").sum() >= 3  # leading zeros survive as text
    assert frame["售价"].str.fullmatch(r"\d+\.\d{2}").all()


def test_inventory_file_has_bom_and_others_do_not() -> None:
    assert (SAMPLE_DIR / "inventory.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for name in ("sales.csv", "receipts.csv", "purchase_orders.csv", "promotions.csv"):
        raw = (SAMPLE_DIR / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw
        raw.decode("utf-8")


def test_sales_file_stays_small() -> None:
    assert (SAMPLE_DIR / "sales.csv").stat().st_size < 6.5e6


# --------------------------------------------------------------------------- realism


def test_weekends_sell_more_than_weekdays(shop: dict[str, pd.DataFrame]) -> None:
    daily = _daily_totals(shop["sales"])
    weekend = pd.DatetimeIndex(daily.index).day_of_week >= 5
    assert daily[weekend].mean() > 1.05 * daily[~weekend].mean()


def test_double_eleven_spike(shop: dict[str, pd.DataFrame]) -> None:
    daily = _daily_totals(shop["sales"])
    october = daily["2025-10-01":"2025-10-31"].median()
    assert daily[pd.Timestamp("2025-11-11")] > 4 * october
    window = daily["2025-11-01":"2025-11-11"].mean()
    assert window > 2 * october


def test_many_skus_are_intermittent(shop: dict[str, pd.DataFrame]) -> None:
    sales = shop["sales"]
    last_year = sales[(sales["date"] > END - pd.Timedelta(days=365)) & (sales["qty"] > 0)]
    sale_days = last_year.groupby("sku")["date"].nunique()
    sale_days = sale_days.reindex(shop["skus"]["sku"]).dropna()
    mean_interval = 365 / sale_days
    assert (mean_interval > 1.32).sum() >= 0.2 * len(shop["skus"])


def test_stock_without_recent_sales_exists(shop: dict[str, pd.DataFrame]) -> None:
    sales, inventory = shop["sales"], shop["inventory"]
    recent = set(sales.loc[sales["date"] > END - pd.Timedelta(days=90), "sku"])
    stocked = inventory.loc[inventory["on_hand"] > 0, "sku"]
    idle = set(stocked) - recent
    assert len(idle) >= 3
    # dead stock: received long ago
    old = inventory[inventory["sku"].isin(idle)]
    assert (old["last_receipt_date"] < END - pd.Timedelta(days=180)).sum() >= 3


def test_launches_and_discontinued_skus(shop: dict[str, pd.DataFrame]) -> None:
    skus = shop["skus"]
    launched = skus[skus["launch_date"] > END - pd.Timedelta(days=120)]
    assert len(launched) >= 3
    assert (skus["status"] == "discontinued").sum() >= 3
    discontinued = set(skus.loc[skus["status"] == "discontinued", "sku"])
    assert not discontinued & set(shop["purchase_orders"]["sku"])


def test_suppliers_have_distinct_terms(shop: dict[str, pd.DataFrame]) -> None:
    skus = shop["skus"]
    lead = skus.groupby("supplier")["lead_time_days"].agg(["min", "max"])
    assert (lead["min"] == lead["max"]).all()  # lead time is a supplier term
    assert lead["min"].nunique() >= 3
    assert set(skus["supplier"]) <= set(shop["suppliers"]["supplier"])
    margin = (skus["unit_price"] - skus["unit_cost"]) / skus["unit_price"]
    assert margin.between(0.2, 0.7).all()
    assert (skus["moq"] >= 0).all() and (skus["case_pack"] >= 1).all()


def test_open_purchase_orders(shop: dict[str, pd.DataFrame]) -> None:
    po = shop["purchase_orders"]
    assert (po["eta"] > END).sum() >= 10
    overdue = po[po["eta"] < END]
    assert 1 <= len(overdue) <= 2
    assert (overdue["eta"] >= END - pd.Timedelta(days=7)).all()
    assert po["po_id"].str.fullmatch(r"PO\d{4}-\d{4}").all()
    assert (po["qty"] > 0).all()
    assert not po.duplicated(["sku", "warehouse", "eta"]).any()


def test_receipts_cover_the_stock(shop: dict[str, pd.DataFrame]) -> None:
    inventory, receipts = shop["inventory"], shop["receipts"]
    received = receipts.groupby(["sku", "warehouse"])["qty"].sum()
    last = receipts.groupby(["sku", "warehouse"])["date"].max()
    stocked = inventory[inventory["on_hand"] > 0].set_index(["sku", "warehouse"])
    covered = received.reindex(stocked.index).fillna(0) >= stocked["on_hand"]
    assert (covered | stocked["last_receipt_date"].notna()).all()
    assert covered.all()
    dated = inventory.set_index(["sku", "warehouse"])["last_receipt_date"].dropna()
    assert (last.reindex(dated.index).to_numpy() == dated.to_numpy()).all()
    assert (receipts["date"] <= END).all()


def test_end_state_has_stockouts_and_overstock(shop: dict[str, pd.DataFrame]) -> None:
    sales, inventory = shop["sales"], shop["inventory"]
    recent = sales[sales["date"] > END - pd.Timedelta(days=90)]
    rate = recent.groupby(["sku", "warehouse"])["qty"].sum() / 90
    stock = inventory.set_index(["sku", "warehouse"])["on_hand"]
    rate = rate.reindex(stock.index).fillna(0)
    selling = rate > 0.5
    assert ((stock <= 0) & selling).sum() >= 3  # out of stock while in demand
    assert ((stock > 180 * rate) & selling).sum() >= 2  # badly overstocked sellers


def test_fast_movers_in_both_warehouses(shop: dict[str, pd.DataFrame]) -> None:
    inventory = shop["inventory"]
    south = set(inventory.loc[inventory["warehouse"] == "SOUTH", "sku"])
    east = set(inventory.loc[inventory["warehouse"] == "EAST", "sku"])
    assert len(south) >= 0.1 * len(shop["skus"])
    assert south <= east
    assert set(inventory["warehouse"]) == {"EAST", "SOUTH"}
    sales = shop["sales"]
    split = sales[sales["sku"].isin(south)].groupby("warehouse")["qty"].sum()
    assert 0.5 < split["EAST"] / split.sum() < 0.7


def test_promotions(shop: dict[str, pd.DataFrame]) -> None:
    promo = shop["promotions"]
    coming = promo[(promo["name"] == "1111") & (promo["start"] > END)]
    assert len(coming) == 1 and coming["uplift"].isna().all()
    past = promo[promo["end"] <= END]
    assert {"618", "1111", "1212"} <= set(past["name"])
    assert past.loc[past["category"] == "", "uplift"].isna().all()
    limited = promo[promo["category"] != ""]
    assert set(limited["category"]) <= set(shop["skus"]["category"])
    assert limited["uplift"].notna().all()
    assert ((promo["start"] > END) & promo["uplift"].notna()).any()
    assert (promo["end"] >= promo["start"]).all()


# --------------------------------------------------------------------------- blemishes


def test_deliberate_blemishes(shop: dict[str, pd.DataFrame]) -> None:
    sales, inventory, skus = shop["sales"], shop["inventory"], shop["skus"]
    unknown = set(sales["sku"]) - set(skus["sku"])
    assert unknown == {sample_shop.GIFT_SKU}
    negative = inventory[inventory["on_hand"] < 0]
    assert negative["on_hand"].tolist() == [sample_shop.NEGATIVE_ON_HAND]
    returns = sales[sales["qty"] < 0]
    assert 0.005 < len(returns) / len(sales) < 0.015
    sold = sales[sales["qty"] > 0].set_index(["sku", "warehouse", "date"])["qty"]
    paired = sold.reindex(pd.MultiIndex.from_frame(returns[["sku", "warehouse", "date"]]))
    assert (paired.to_numpy() >= -returns["qty"].to_numpy()).all()


# --------------------------------------------------------------------------- scale


def test_small_shop_works() -> None:
    tables = sample_shop.generate(n_skus=12, seed=3)
    assert len(tables["skus"]) == 12
    assert tables["skus"]["sku"].is_unique


#: A small shop simulated in several chunks (the gift bag sorts into one of them).
CHUNKED = {"n_skus": 17, "seed": 3, "start": "2025-01-01", "end": "2026-03-31"}


def test_a_shop_within_one_chunk_does_not_depend_on_the_chunk_size() -> None:
    exact = sample_shop.generate(**CHUNKED, chunk_skus=17)  # type: ignore[arg-type]
    default = sample_shop.generate(**CHUNKED)  # type: ignore[arg-type]
    for name, frame in default.items():
        pd.testing.assert_frame_equal(exact[name], frame, obj=name)


def test_a_chunked_shop_keeps_the_catalogue_and_the_file_order() -> None:
    whole = sample_shop.generate(**CHUNKED)  # type: ignore[arg-type]
    chunked = sample_shop.generate(**CHUNKED, chunk_skus=5)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(chunked["skus"], whole["skus"])
    keys = ["sku", "warehouse"]
    pd.testing.assert_frame_equal(chunked["inventory"][keys], whole["inventory"][keys])
    sales = chunked["sales"]
    order = sales[["sku", "date", "warehouse"]]
    assert order.equals(order.sort_values(["sku", "date", "warehouse"], kind="stable"))
    assert set(sales["sku"]) == set(whole["sales"]["sku"])  # the gift bag once, every SKU
    assert (sales["sku"] == sample_shop.GIFT_SKU).sum() > 100
    # drawn from other parts of the random stream: another shop, not a copy of the whole one
    assert not sales["qty"].equals(whole["sales"]["qty"])
    assert (
        chunked["receipts"]
        .groupby(keys)
        .size()
        .index.isin(chunked["inventory"].set_index(keys).index)
        .all()
    )


def test_write_shop_writes_the_bytes_of_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sample_shop, "WRITE_ROWS", 1000)  # sales.csv in many slices
    tables = sample_shop.generate(**CHUNKED, chunk_skus=5)  # type: ignore[arg-type]
    sample_shop.write(tables, tmp_path / "whole")
    rows = sample_shop.write_shop(tmp_path / "streamed", **CHUNKED, chunk_skus=5)  # type: ignore[arg-type]
    assert rows == {name: len(frame) for name, frame in tables.items()}
    assert rows["sales"] > 3000
    for file_name, _ in sample_shop.FILE_ENCODINGS.values():
        streamed = (tmp_path / "streamed" / file_name).read_bytes()
        assert streamed == (tmp_path / "whole" / file_name).read_bytes(), file_name
