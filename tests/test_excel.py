"""Tests of forecaster.report.excel: workbooks are written, read back, checked cell by cell."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook.workbook import Workbook

from forecaster.errors import OutputError
from forecaster.report.excel import (
    DATA_BAR_COLOR,
    EXCEL_MAX_TEXT,
    HEADER_FILL_COLOR,
    HIGHLIGHT_FILL_COLOR,
    MAX_WIDTH,
    MIN_WIDTH,
    NUMBER_FORMATS,
    Column,
    NumberFormat,
    SheetWriter,
    clean_text,
    clean_value,
    needs_quote_prefix,
    new_workbook,
    sheet_title,
    text_width,
    write_table,
)

#: Text a spreadsheet could run as a formula; each must come back as the same string.
FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1",
    "@SUM(A1)",
    "=1+1",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\uff1d1+1",
    "#N/A",
]


def save_and_load(wb: Workbook, tmp_path: Path, name: str = "book.xlsx") -> Any:
    """Save ``wb`` and read it back, styles included."""
    path = tmp_path / name
    wb.save(path)
    return load_workbook(path)


def one_table(tmp_path: Path, frame: pd.DataFrame, columns: list[Column], **kwargs: Any) -> Any:
    """Write ``frame`` as the main table of sheet "T" and return that sheet read back."""
    wb = new_workbook()
    write_table(wb, "T", frame, columns, **kwargs)
    return save_and_load(wb, tmp_path)["T"]


def all_cells(book: Any) -> list[Any]:
    """Every stored cell of every sheet of a loaded workbook."""
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]


def values(ws: Any, row: int) -> list[Any]:
    """Values of sheet row ``row`` without the trailing empty cells."""
    found = [cell.value for cell in ws[row]]
    while found and found[-1] is None:
        found.pop()
    return found


def no_formulas(book: Any) -> bool:
    """Whether no cell of ``book`` holds a formula."""
    return all(cell.data_type != "f" for cell in all_cells(book))


@pytest.fixture
def stock() -> pd.DataFrame:
    """A small stock table with one missing value."""
    return pd.DataFrame(
        {
            "sku": ["A-1", "B-2", "C-3"],
            "qty": [1200, 5, 40],
            "cover": [3.5, np.nan, 30.0],
            "price": [9.99, 120.5, 0.5],
        }
    )


STOCK_COLUMNS = [
    Column("sku", "SKU"),
    Column("qty", "On hand", "integer"),
    Column("cover", "Days of cover", "days"),
    Column("price", "Unit price", "money"),
]


# --------------------------------------------------------------------------- layout


def test_new_workbook_is_write_only_by_forecaster() -> None:
    wb = new_workbook()
    assert wb.write_only
    assert wb.properties.creator == "forecaster"


def test_header_row_is_styled(tmp_path: Path, stock: pd.DataFrame) -> None:
    ws = one_table(tmp_path, stock, STOCK_COLUMNS)
    assert [cell.value for cell in ws[1]] == ["SKU", "On hand", "Days of cover", "Unit price"]
    for cell in ws[1]:
        assert cell.data_type == "s"
        assert cell.font.bold
        assert cell.font.color.rgb.endswith("FFFFFF")
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb.endswith(HEADER_FILL_COLOR)
        assert cell.alignment.wrap_text
        assert cell.border.left.style == cell.border.bottom.style == "thin"


def test_main_table_freezes_header_and_filters(tmp_path: Path, stock: pd.DataFrame) -> None:
    ws = one_table(tmp_path, stock, STOCK_COLUMNS)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D4"


#: Days with one decimal; a day count of INFINITE_DAYS or more shows as ∞.
DAYS = '[>=1000000000]"∞";0.0'


def test_table_values_and_number_formats(tmp_path: Path, stock: pd.DataFrame) -> None:
    ws = one_table(tmp_path, stock, STOCK_COLUMNS)
    assert [cell.value for cell in ws[2]] == ["A-1", 1200, 3.5, 9.99]
    assert [cell.number_format for cell in ws[2]] == ["General", "#,##0", DAYS, "#,##0.00"]


@pytest.mark.parametrize("fmt", list(NUMBER_FORMATS))
def test_each_number_format(tmp_path: Path, fmt: NumberFormat) -> None:
    value: object = datetime(2023, 3, 15) if fmt == "date" else 1234.5678
    ws = one_table(tmp_path, pd.DataFrame({"x": [value]}), [Column("x", "X", fmt)])
    assert ws["A2"].value == value
    assert ws["A2"].number_format == NUMBER_FORMATS[fmt]


def test_dates_are_date_cells(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "stamp": pd.to_datetime(
                pd.Series(["2024-03-01", None, "2024-12-31 15:30"]), format="ISO8601"
            ),
            "zoned": pd.to_datetime(["2024-03-01 08:00"] * 3).tz_localize("Asia/Shanghai"),
            "mixed": [date(2024, 1, 2), datetime(2024, 5, 6, 7, 8), pd.Timestamp("2025-01-01")],
        }
    )
    columns = [Column("stamp", "Stamp", "date"), Column("zoned", "Zoned"), Column("mixed", "Mixed")]
    ws = one_table(tmp_path, frame, columns)
    assert ws["A2"].value == datetime(2024, 3, 1)
    assert ws["A3"].value is None
    assert ws["A4"].value == datetime(2024, 12, 31, 15, 30)
    assert ws["B2"].value == datetime(2024, 3, 1, 8, 0)  # wall clock kept, zone dropped
    assert ws["C2"].value == datetime(2024, 1, 2)
    assert ws["C3"].value == datetime(2024, 5, 6, 7, 8)
    assert ws["C4"].value == datetime(2025, 1, 1)
    for cell in (ws["A2"], ws["A4"], ws["B2"], ws["C2"], ws["C3"], ws["C4"]):
        assert cell.is_date
        assert cell.number_format == "yyyy-mm-dd"


def test_missing_and_non_finite_values_are_empty(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "f": [np.nan, np.inf, -np.inf, 1.0, 2.0],
            "o": [None, pd.NA, pd.NaT, float("nan"), ""],
            "i": pd.array([1, None, 3, None, 5], dtype="Int64"),
            "s": pd.array(["a", None, "c", None, "e"], dtype="string"),
        }
    )
    columns = [Column("f", "F", "number"), Column("o", "O"), Column("i", "I"), Column("s", "S")]
    ws = one_table(tmp_path, frame, columns)
    assert [ws.cell(row, 1).value for row in range(2, 7)] == [None, None, None, 1.0, 2.0]
    assert [ws.cell(row, 2).value for row in range(2, 7)] == [None] * 5
    assert [ws.cell(row, 3).value for row in range(2, 7)] == [1, None, 3, None, 5]
    assert [ws.cell(row, 4).value for row in range(2, 7)] == ["a", None, "c", None, "e"]


def test_clean_value_makes_python_scalars() -> None:
    assert type(clean_value(np.int64(3))) is int
    assert type(clean_value(np.float32(0.5))) is float
    assert type(clean_value(np.bool_(True))) is bool
    assert clean_value(np.float64("nan")) is None
    assert clean_value(np.datetime64("NaT")) is None
    assert clean_value(np.datetime64("2024-01-02")) == datetime(2024, 1, 2)
    assert clean_value(pd.Timedelta(hours=36)) == 1.5
    assert clean_value(pd.Timestamp("2024-01-02", tz="UTC")) == datetime(2024, 1, 2)


def test_empty_table_has_header_only(tmp_path: Path, stock: pd.DataFrame) -> None:
    ws = one_table(tmp_path, stock.iloc[0:0], STOCK_COLUMNS, data_bar="qty", totals={"qty": 0})
    assert values(ws, 1) == ["SKU", "On hand", "Days of cover", "Unit price"]
    assert values(ws, 2) == ["Total", 0]
    assert ws.auto_filter.ref == "A1:D1"
    assert list(ws.conditional_formatting) == []


def test_highlight_fills_flagged_rows_only(tmp_path: Path, stock: pd.DataFrame) -> None:
    flags = pd.Series([False, True, False], index=stock.index)
    ws = one_table(tmp_path, stock, STOCK_COLUMNS, highlight=flags)
    for row in (2, 4):
        assert all(cell.fill.fill_type is None for cell in ws[row])
    flagged = ws[3]
    assert len(flagged) == len(STOCK_COLUMNS)  # the empty "cover" cell is filled too
    for cell in flagged:
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb.endswith(HIGHLIGHT_FILL_COLOR)
    assert flagged[2].value is None


def test_subtotal_rows_are_bold_with_a_rule_above(tmp_path: Path, stock: pd.DataFrame) -> None:
    """Flagged rows look like the total row; highlight and subtotal combine."""
    ws = one_table(
        tmp_path,
        stock,
        STOCK_COLUMNS,
        highlight=pd.Series([False, False, True], index=stock.index),
        subtotal=pd.Series([False, True, True], index=stock.index),
    )
    assert not any(cell.font.b for cell in ws[2])
    for row in (3, 4):
        assert all(cell.font.b and cell.border.top.style == "thin" for cell in ws[row])
    assert all(cell.fill.fill_type == "solid" for cell in ws[4])
    assert all(cell.fill.fill_type is None for cell in ws[3])
    assert values(ws, 3)[0] == stock.iloc[1]["sku"]  # values untouched


def test_highlight_must_share_the_frame_index(stock: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="index"):
        write_table(
            new_workbook(),
            "T",
            stock,
            STOCK_COLUMNS,
            highlight=pd.Series([True] * 3, index=[5, 6, 7]),
        )


def test_data_bar_over_the_column_cells(tmp_path: Path, stock: pd.DataFrame) -> None:
    ws = one_table(tmp_path, stock, STOCK_COLUMNS, data_bar="qty")
    formats = list(ws.conditional_formatting)
    assert len(formats) == 1
    assert str(formats[0].sqref) == "B2:B4"
    (rule,) = formats[0].rules
    assert rule.type == "dataBar"
    assert rule.dataBar.color.rgb.endswith(DATA_BAR_COLOR)


def test_totals_row_holds_the_given_values(tmp_path: Path, stock: pd.DataFrame) -> None:
    totals = {"qty": int(stock["qty"].sum()), "price": float(stock["price"].sum())}
    ws = one_table(tmp_path, stock, STOCK_COLUMNS, totals=totals, total_label="Sum")
    row = ws[5]
    assert [cell.value for cell in row] == ["Sum", 1245, None, pytest.approx(130.99)]
    assert all(cell.font.bold for cell in row)
    assert row[1].number_format == "#,##0"
    assert row[3].number_format == "#,##0.00"
    assert ws.auto_filter.ref == "A1:D4"  # the filter covers the data, not the total


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"totals": {"sku": 1}}, "first column"),
        ({"totals": {"nope": 1}}, "not in the table"),
        ({"data_bar": "sku"}, "not numeric"),
        ({"data_bar": "nope"}, "not one of"),
    ],
)
def test_table_rejects_bad_arguments(
    stock: pd.DataFrame, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        write_table(new_workbook(), "T", stock, STOCK_COLUMNS, **kwargs)


def test_unknown_column_and_second_main_table(stock: pd.DataFrame) -> None:
    with SheetWriter(new_workbook(), "T") as sheet:
        with pytest.raises(ValueError, match="not in the frame"):
            sheet.table(stock, [Column("nope", "Nope")])
        sheet.table(stock, STOCK_COLUMNS, main=True)
        with pytest.raises(ValueError, match="at most one main"):
            sheet.table(stock, STOCK_COLUMNS, main=True)


def test_given_widths_are_kept_and_fitted_widths_bounded(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "short": ["a"],
            "long": ["x" * 200],
            "fixed": ["whatever length this text has"],
            "ascii": ["abcdefghijkl"],
            "cjk": ["供应商名称很长的"],
        }
    )
    columns = [
        Column("short", "S"),
        Column("long", "L"),
        Column("fixed", "F", width=5.5),
        Column("ascii", "A"),
        Column("cjk", "C"),
    ]
    wb = new_workbook()
    with SheetWriter(wb, "T") as sheet:
        sheet.table(frame, columns)
    widths = save_and_load(wb, tmp_path)["T"].column_dimensions
    assert widths["A"].width == MIN_WIDTH
    assert widths["B"].width == MAX_WIDTH
    assert widths["C"].width == 5.5
    assert widths["D"].width == 12 + 2  # content plus padding
    assert widths["E"].width == 2 * 8 + 2  # CJK characters count double


def test_wrapped_column_wraps_and_rows_grow(tmp_path: Path) -> None:
    """A wrapping column of width 21 holds 20 characters a line: 45 characters take 3
    lines (45 points), 10 characters one (the default height), 20 CJK characters 2 (40
    wide); the other column and the header do not wrap."""
    frame = pd.DataFrame(
        {"note": ["x" * 45, "short text", "供" * 20], "other": ["y" * 45, "b", "c"]}
    )
    wb = new_workbook()
    with SheetWriter(wb, "T") as sheet:
        sheet.table(frame, [Column("note", "N", width=21, wrap=True), Column("other", "O")])
    ws = save_and_load(wb, tmp_path)["T"]
    assert ws["A2"].alignment.wrap_text and ws["A2"].alignment.vertical == "top"
    assert not ws["B2"].alignment.wrap_text
    assert ws.row_dimensions[2].height == 45
    assert ws.row_dimensions[3].height is None
    assert ws.row_dimensions[4].height == 30


def test_text_width_counts_wide_characters_double() -> None:
    assert text_width("abc") == 3
    assert text_width("供应商") == 6
    assert text_width("ab\nabcd") == 4


def test_blocks_stack_on_one_sheet(tmp_path: Path, stock: pd.DataFrame) -> None:
    wb = new_workbook()
    with SheetWriter(wb, "Report") as sheet:
        sheet.heading("Replenishment plan")
        sheet.key_values([("Run date", date(2024, 6, 3)), ("Horizon (weeks)", 12)])
        sheet.blank()
        sheet.table(stock.head(2), STOCK_COLUMNS[:2], totals={"qty": 1205})
        sheet.blank()
        sheet.table(stock, STOCK_COLUMNS, main=True, data_bar="price")
    ws = save_and_load(wb, tmp_path)["Report"]
    assert ws["A1"].value == "Replenishment plan"
    assert ws["A1"].font.bold
    assert ws["A1"].font.size == 14
    assert (ws["A2"].value, ws["B2"].value) == ("Run date", datetime(2024, 6, 3))
    assert ws["B2"].number_format == "yyyy-mm-dd"
    assert (ws["A3"].value, ws["B3"].value) == ("Horizon (weeks)", 12)
    assert ws["A2"].font.bold and not ws["B2"].font.bold
    assert ws["A4"].value is None
    assert values(ws, 5) == ["SKU", "On hand"]
    assert values(ws, 6) == ["A-1", 1200]
    assert values(ws, 8) == ["Total", 1205]
    assert values(ws, 10) == ["SKU", "On hand", "Days of cover", "Unit price"]
    assert values(ws, 13) == ["C-3", 40, 30.0, 0.5]
    assert ws.freeze_panes == "A11"
    assert ws.auto_filter.ref == "A10:D13"
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == ["D11:D13"]
    assert ws.max_row == 13


def test_failed_with_block_writes_nothing(tmp_path: Path, stock: pd.DataFrame) -> None:
    wb = new_workbook()
    with pytest.raises(RuntimeError, match="boom"), SheetWriter(wb, "T") as sheet:
        sheet.table(stock, STOCK_COLUMNS)
        raise RuntimeError("boom")
    ws = save_and_load(wb, tmp_path)["T"]
    assert ws["A1"].value is None


def test_closed_sheet_takes_no_more_blocks(stock: pd.DataFrame) -> None:
    sheet = SheetWriter(new_workbook(), "T")
    sheet.close()
    sheet.close()  # closing twice is harmless
    with pytest.raises(RuntimeError, match="already written"):
        sheet.heading("late")


def test_too_many_rows_is_an_output_error() -> None:
    sheet = SheetWriter(new_workbook(), "T")
    frame = pd.DataFrame({"x": np.zeros(1_048_576)})
    with pytest.raises(OutputError, match="limit"):
        sheet.table(frame, [Column("x", "X")])


def test_sheet_titles_are_made_valid() -> None:
    assert sheet_title("Supplier: A/B [2024]?") == "Supplier_ A_B _2024__"
    assert sheet_title("'quoted'") == "quoted"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("") == "Sheet"


def test_large_sheet_writes(tmp_path: Path) -> None:
    rows = 20_000
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "sku": [f"SKU-{i:06d}" for i in range(rows)],
            "name": rng.choice(["Mug", "Teapot", "茶杯", "=risky()"], rows),
            "supplier": rng.choice(["Acme", "供应商A", "Beta"], rows),
            "category": rng.choice(["kitchen", "garden"], rows),
            "on_hand": rng.integers(0, 5_000, rows),
            "demand": rng.random(rows) * 20,
            "cover": rng.random(rows) * 90,
            "cost": rng.random(rows) * 80,
            "value": rng.random(rows) * 10_000,
            "service": rng.random(rows),
            "last_sale": pd.date_range("2023-01-01", periods=rows, freq="5min"),
            "order": rng.integers(0, 800, rows),
        }
    )
    fmts: list[NumberFormat] = ["text", "text", "text", "text", "integer", "number", "days"]
    fmts += ["money", "money", "percent", "date", "integer"]
    columns = [Column(key, key.title(), fmt) for key, fmt in zip(frame.columns, fmts, strict=True)]
    wb = new_workbook()
    write_table(
        wb,
        "Stock",
        frame,
        columns,
        highlight=frame["cover"] < 7,
        data_bar="value",
        totals={"value": float(frame["value"].sum())},
    )
    path = tmp_path / "large.xlsx"
    wb.save(path)
    ws = load_workbook(path, read_only=True)["Stock"]
    header, first = ws.iter_rows(min_row=1, max_row=2, values_only=True)
    assert header == tuple(key.title() for key in frame.columns)
    assert first[:2] == ("SKU-000000", frame["name"][0])
    last = list(ws.iter_rows(min_row=rows, max_row=rows + 3, values_only=True))
    assert last[1][0] == f"SKU-{rows - 1:06d}"  # sheet row rows+1 holds the last data row
    assert last[2][0] == "Total" and last[2][8] == pytest.approx(frame["value"].sum())
    assert len(last) == 3  # nothing after the total row


# --------------------------------------------------------------------------- formula safety


def test_formula_like_text_stays_text_everywhere(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": FORMULAS, "amount": FORMULAS})
    columns = [Column("name", FORMULAS[0]), Column("amount", "-1", "money")]
    wb = new_workbook()
    with SheetWriter(wb, "=SUM(A1)") as sheet:
        sheet.heading("=1+1")
        sheet.key_values([(text, text) for text in FORMULAS])
        sheet.table(frame, columns, main=True, totals={"amount": "=2+2"}, total_label="+Total")
    book = save_and_load(wb, tmp_path)
    ws = book.worksheets[0]
    assert ws.title == "=SUM(A1)"
    written = {
        "A1": "=1+1",
        **{f"A{2 + i}": text for i, text in enumerate(FORMULAS)},
        **{f"B{2 + i}": text for i, text in enumerate(FORMULAS)},
    }
    header = 2 + len(FORMULAS)
    written |= {f"A{header}": FORMULAS[0], f"B{header}": "-1"}
    written |= {f"A{header + 1 + i}": text for i, text in enumerate(FORMULAS)}
    written |= {f"B{header + 1 + i}": text for i, text in enumerate(FORMULAS)}
    total = header + 1 + len(FORMULAS)
    written |= {f"A{total}": "+Total", f"B{total}": "=2+2"}
    for ref, text in written.items():
        cell = ws[ref]
        assert cell.value == text, ref
        assert cell.data_type == "s", ref
        assert cell.quotePrefix == needs_quote_prefix(text), ref
    assert no_formulas(book)


def test_carriage_return_and_illegal_characters_are_cleaned(tmp_path: Path) -> None:
    values = ["\r=1+1", "a\r\nb", "bell\x07", "\x00=cmd()", "ok\ufffe"]
    ws = one_table(tmp_path, pd.DataFrame({"x": values}), [Column("x", "X")])
    read = [ws.cell(row, 1) for row in range(2, 2 + len(values))]
    assert [cell.value for cell in read] == ["\n=1+1", "a\nb", "bell", "=cmd()", "ok"]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in (read[0], read[3]))


def test_clean_text_limits() -> None:
    assert clean_text("a\rb\r\nc") == "a\nb\nc"
    assert clean_text("x" * (EXCEL_MAX_TEXT + 5)) == "x" * EXCEL_MAX_TEXT
    assert clean_text("tab\tand\nline") == "tab\tand\nline"


#: Characters XML 1.0 can carry through a file unchanged (no CR: XML turns it into LF).
XML_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",  # no surrogates
        exclude_characters="".join(map(chr, range(0x20))).replace("\t", "").replace("\n", "")
        + "\ufffe\uffff",
    ),
    min_size=1,
    max_size=30,
)
PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY_SETTINGS
@given(texts=st.lists(XML_TEXT, min_size=1, max_size=6))
def test_any_xml_text_round_trips_and_is_never_a_formula(tmp_path: Path, texts: list[str]) -> None:
    frame = pd.DataFrame({"x": texts})
    wb = new_workbook()
    with SheetWriter(wb, "T") as sheet:
        sheet.key_values([(texts[0], texts[-1])])
        sheet.table(frame, [Column("x", texts[0])])
    book = save_and_load(wb, tmp_path)
    ws = book["T"]
    cells = [ws["A1"], ws["B1"], ws["A2"]] + [ws.cell(3 + i, 1) for i in range(len(texts))]
    assert [cell.value for cell in cells] == [texts[0], texts[-1], texts[0], *texts]
    assert all(cell.data_type == "s" for cell in cells)
    assert no_formulas(book)


@PROPERTY_SETTINGS
@given(text=st.text(max_size=30))
def test_any_text_is_written_cleaned(tmp_path: Path, text: str) -> None:
    ws = one_table(tmp_path, pd.DataFrame({"x": [text]}), [Column("x", "X")])
    expected = clean_text(text) or None
    assert ws["A2"].value == expected
    assert ILLEGAL_CHARACTERS_RE.search(expected or "") is None
    if expected is not None:
        assert ws["A2"].data_type == "s"
