"""Reading tables: formats, encodings, delimiters, aliases, and file lookup."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from forecaster.config import Settings
from forecaster.errors import InputError, InvalidInput
from forecaster.io.columns import Duplicate, resolve_columns
from forecaster.io.dataset import load_dataset
from forecaster.io.files import detect_encoding, find_table, read_table
from forecaster.io.schema import TABLES
from tests.conftest import MINIMAL, write_tables

ZH_SKUS = (
    "商品编码,商品名称,供应商,成本价,售价,采购提前期,箱规,状态\n"
    "0012,保温杯 黑色,义乌,5,10,7,12,在售\n"
    "B,收纳盒,义乌,2,3,7,0,停售\n"
)


def _load(data: Path) -> pd.DataFrame:
    return load_dataset(Settings().with_overrides(data_dir=data)).skus


def _shop_with_skus(tmp_path: Path, raw: bytes, name: str = "skus.csv") -> Path:
    data = write_tables(tmp_path / "data", {**MINIMAL, "skus": None})
    (data / name).write_bytes(raw)
    return data


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("utf-16", "utf-16")],
)
def test_chinese_export_reads_in_every_encoding(tmp_path: Path, encoding: str, label: str) -> None:
    text = ZH_SKUS.replace("0012", "A")
    if encoding == "utf-16":  # Excel's "Unicode text": UTF-16 with BOM, tab separated
        text = text.replace(",", "\t")
    data = _shop_with_skus(tmp_path, text.encode(encoding))
    assert detect_encoding(data / "skus.csv") == label
    skus = _load(data)
    assert skus["sku"].tolist() == ["A", "B"]
    assert skus["name"].tolist() == ["保温杯 黑色", "收纳盒"]
    assert skus["status"].tolist() == ["active", "discontinued"]
    assert skus["case_pack"].tolist() == [12.0, 1.0]  # case pack 0 is read as 1


def test_gbk_detected_even_when_the_first_mebibyte_is_ascii(tmp_path: Path) -> None:
    """The encoding sample is ASCII (valid UTF-8); the GBK bytes come later."""
    lines = ["sku,date,qty,note"] + [f"A,2026-03-01,{i % 7}," for i in range(80_000)]
    lines.append("A,2026-03-02,1,备注")  # the only non-ASCII bytes, past the first MiB
    data = write_tables(tmp_path / "data", {**MINIMAL, "sales": None})
    (data / "sales.csv").write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    assert (data / "sales.csv").stat().st_size > 1 << 20
    ds = load_dataset(Settings().with_overrides(data_dir=data))
    assert ds.sales["qty"].sum() == sum(i % 7 for i in range(80_000)) + 1


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiter_is_detected(tmp_path: Path, sep: str) -> None:
    data = _shop_with_skus(tmp_path, ZH_SKUS.replace(",", sep).encode("utf-8"))
    assert _load(data)["sku"].tolist() == ["0012", "B"]


def test_xlsx_and_parquet_read_like_csv(tmp_path: Path) -> None:
    csv = write_tables(tmp_path / "csv", MINIMAL)
    expected = load_dataset(Settings().with_overrides(data_dir=csv))
    for suffix in ("xlsx", "parquet"):
        folder = tmp_path / suffix
        folder.mkdir()
        for name, rows in MINIMAL.items():
            frame = pd.DataFrame(rows)
            if name == "sales":
                frame["date"] = pd.to_datetime(frame["date"])  # a typed date column
            if suffix == "xlsx":
                frame.to_excel(folder / f"{name}.xlsx", index=False)
            else:
                frame.to_parquet(folder / f"{name}.parquet", index=False)
        got = load_dataset(Settings().with_overrides(data_dir=folder))
        pd.testing.assert_frame_equal(got.sales, expected.sales)
        pd.testing.assert_frame_equal(got.skus, expected.skus)
        pd.testing.assert_frame_equal(got.inventory, expected.inventory)
        assert got.sources["sales"] == f"sales.{suffix}"


def test_leading_zeros_and_thousands_separators_survive(tmp_path: Path) -> None:
    data = write_tables(tmp_path / "data", {**MINIMAL, "inventory": None})
    (data / "inventory.csv").write_text('sku,on_hand\n0012,"1,234"\nA,3\n', encoding="utf-8")
    skus = MINIMAL["skus"] + [
        {"sku": "0012", "supplier": "S1", "unit_cost": 1, "unit_price": 2, "lead_time_days": 1}
    ]
    write_tables(data, {"skus": skus})
    stock = load_dataset(Settings().with_overrides(data_dir=data)).inventory.set_index("sku")
    assert stock.loc["0012", "on_hand"] == 1234


def test_blank_lines_are_skipped_but_row_numbers_stay_true(tmp_path: Path) -> None:
    data = write_tables(tmp_path / "data", {**MINIMAL, "sales": None})
    # line 1 header, 2 data, 3 blank, 4 blank cells, 5 bad value
    (data / "sales.csv").write_text(
        "sku,date,qty\nA,2026-03-01,2\n\n,,\nA,2026-03-02,x\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInput) as caught:
        load_dataset(Settings().with_overrides(data_dir=data))
    assert "sales.csv, column 'qty': text in a number column in row 5 ('x')" in str(caught.value)


def test_find_table_matches_any_case_and_rejects_two_formats(tmp_path: Path) -> None:
    (tmp_path / "Sales.CSV").write_text("x", encoding="utf-8")
    (tmp_path / "salesman.csv").write_text("x", encoding="utf-8")
    assert find_table(tmp_path, "sales") == tmp_path / "Sales.CSV"
    assert find_table(tmp_path, "inventory") is None
    (tmp_path / "sales.xlsx").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"several files hold the table 'sales'"):
        find_table(tmp_path, "sales")


def test_alias_precedence() -> None:
    """A canonical header wins over an alias; among aliases, the first listed wins; the
    other headers of a mapped column are kept as duplicates, for the reader to compare."""
    headers = ["数量", "qty", "日期", "下单日期", "商品编码"]
    columns = resolve_columns(headers, TABLES["sales"], Settings().columns.aliases, {}, file="x")
    assert columns.source == {"sku": "商品编码", "date": "日期", "qty": "qty"}
    assert columns.positions == {"sku": 4, "date": 2, "qty": 1}
    assert columns.ignored == (Duplicate("数量", 0, "qty"), Duplicate("下单日期", 3, "date"))


def test_full_width_and_case_variants_of_headers_match(tmp_path: Path) -> None:
    path = tmp_path / "skus.csv"
    path.write_text(
        "ＳＫＵ, Supplier ,UNIT_COST,unit_price,提前期（天）\nA,S,1,2,3\n", encoding="utf-8"
    )
    s = Settings().columns
    raw = read_table(path, TABLES["skus"], s.aliases, {})
    assert raw.columns.source["lead_time_days"] == "提前期（天）"
    assert raw.columns.source["sku"] == "ＳＫＵ"


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"sku,on_hand\nA,1\n")
    raw = read_table(path, TABLES["inventory"], {}, {})
    assert raw.columns.source["sku"] == "sku"


# --------------------------------------------------------------------------- columnar CSV


def _pandas_text(path: Path, sep: str, positions: list[int]) -> pd.DataFrame:
    """The columns ``positions`` of a CSV file as pandas' own reader gives them, as text."""
    frame = pd.read_csv(
        path, sep=sep, dtype=str, keep_default_na=False, usecols=positions, skip_blank_lines=False
    )
    return frame.set_axis(positions, axis=1)


@pytest.mark.parametrize(
    "text",
    [
        "sku,date,qty\nA,2026-01-01,1\n",
        "\ufeffsku,date,qty\r\n A ,2026-01-01, 2\r\nB,,\r\n",  # BOM, CRLF, spaces, blanks
        'sku,date,qty\n"A,1",2026-01-01,"1,234"\n"say ""x""",2026-01-02,3\n',  # quotes
        'sku,date,qty\n"two\nlines",2026-01-01,1\nNA,null,nan\n',  # newline in a cell, NA words
        "sku;date;qty;note\nA;2026-01-01;1;x\nB;2026-01-02;-1;\n",
        "sku,date,qty\nA,2026-01-01,1\n\nB,2026-01-02,2\n\n",  # blank lines stay rows
    ],
)
def test_columnar_csv_gives_the_text_pandas_gives(tmp_path: Path, text: str) -> None:
    from forecaster.io.files import _read_csv_columnar

    path = tmp_path / "sales.csv"
    path.write_bytes(text.encode("utf-8"))
    sep = ";" if ";" in text else ","
    columnar = _read_csv_columnar(path, sep, len(text.split("\n")[0].split(sep)), [0, 2])
    assert columnar is not None
    pd.testing.assert_frame_equal(columnar, _pandas_text(path, sep, [0, 2]))


@pytest.mark.parametrize(
    "raw",
    [
        b"sku,date,qty\nA,2026-01-01\n",  # a short row
        b"sku,date,qty\nA,2026-01-01,1,9\n",  # a long row
        "sku,date,qty\n杯,2026-01-01,1\n".encode("gbk"),  # not UTF-8
    ],
)
def test_columnar_csv_leaves_irregular_files_to_pandas(tmp_path: Path, raw: bytes) -> None:
    from forecaster.io.files import _read_csv_columnar

    path = tmp_path / "sales.csv"
    path.write_bytes(raw)
    assert _read_csv_columnar(path, ",", 3, [0, 1, 2]) is None
